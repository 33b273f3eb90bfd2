"""The command lines the product starts are ones Rasa's own argument parser accepts, and carry no secret."""

from __future__ import annotations

from pathlib import Path

from rasa.__main__ import create_argument_parser

from bot.config import get_settings
from bot.serve import rasa_argv
from bot.services import rasa_server


def test_the_rasa_token_is_added_inside_the_process_not_on_the_command_line(tmp_path, monkeypatch):
    # secrets.token_urlsafe() starts with "-" about once in 64 tokens; "--auth-token -x" would not parse
    monkeypatch.setenv("IOPBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IOPBOT_RASA_TOKEN", "-starts-with-a-dash")
    get_settings.cache_clear()
    try:
        service = rasa_server(get_settings(), Path("models/m.tar.gz"), Path("endpoints.yml"), Path("credentials.yml"))
        assert not any("starts-with-a-dash" in part for part in service.argv)
        assert service.argv[1:4] == ["-m", "bot.serve", "rasa"]
        args = create_argument_parser().parse_args(rasa_argv(service.argv[4:])[1:])
    finally:
        get_settings.cache_clear()
    assert args.auth_token == "-starts-with-a-dash" and args.enable_api


def test_the_channels_settings_file_is_the_projects_unless_a_setting_names_another(tmp_path, monkeypatch):
    from bot.config import PROJECT_ROOT
    from bot.services import credentials_path

    monkeypatch.setenv("IOPBOT_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        assert credentials_path(get_settings()) == credentials_path() == PROJECT_ROOT / "credentials.yml"
        monkeypatch.setenv("IOPBOT_CREDENTIALS_FILE", str(tmp_path / "channels.yml"))
        get_settings.cache_clear()
        assert credentials_path(get_settings()) == tmp_path / "channels.yml"
    finally:
        get_settings.cache_clear()
