"""`iopbot run` says where the REST token is, never the token itself."""

from bot.cli import ready_block
from bot.config import load_settings


def test_the_ready_block_names_the_token_file_not_the_token(tmp_path):
    settings = load_settings(data_dir=tmp_path)
    token = settings.key("rest_token")
    block = "\n".join(ready_block(settings, 1.0))
    assert "rest_token.txt" in block and "Authorization: Bearer <token>" in block
    assert token not in block


def test_a_token_from_the_environment_is_named_as_such(tmp_path):
    settings = load_settings(data_dir=tmp_path, rest_token="t" * 40)
    block = "\n".join(ready_block(settings, 1.0))
    assert "set by IOPBOT_REST_TOKEN" in block and "t" * 40 not in block
