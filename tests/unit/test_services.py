"""The command lines the product starts are ones Rasa's own argument parser accepts."""

from __future__ import annotations

from pathlib import Path

from rasa.__main__ import create_argument_parser

from bot.config import load_settings
from bot.services import rasa_server


def test_a_rasa_token_starting_with_a_dash_reaches_rasa_intact(tmp_path):
    # secrets.token_urlsafe() starts with "-" about once in 64 tokens; "--auth-token -x" would not parse
    settings = load_settings(data_dir=tmp_path, rasa_token="-starts-with-a-dash")
    service = rasa_server(settings, Path("models/m.tar.gz"), Path("endpoints.yml"), Path("credentials.yml"))
    args = create_argument_parser().parse_args(service.argv[1:])
    assert args.auth_token == "-starts-with-a-dash" and args.enable_api
