"""The data folder and everything in it become private; files created afterwards are private too."""

import os
import stat

from bot.private_files import make_private, open_private_log


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_existing_files_are_tightened_and_new_ones_created_private(tmp_path):
    data = tmp_path / "var"
    (data / "logs").mkdir(parents=True)
    for path, mode in ((data, 0o755), (data / "logs", 0o755)):
        path.chmod(mode)
    for name in ("iopbot.db", "secret_key.txt", "logs/Rasa_server.log"):
        (data / name).write_text("x")
        (data / name).chmod(0o644)
    old = os.umask(0o022)
    try:
        make_private(data)
        (data / "iopbot.db-wal").write_text("created after")
        with open_private_log(data / "logs" / "new.log") as fh:
            fh.write(b"line\n")
    finally:
        os.umask(old)
    assert _mode(data) == 0o700 and _mode(data / "logs") == 0o700
    assert {p.name: _mode(p) for p in data.rglob("*") if p.is_file()} == {
        "iopbot.db": 0o600, "secret_key.txt": 0o600, "Rasa_server.log": 0o600, "iopbot.db-wal": 0o600,
        "new.log": 0o600}


def test_a_generated_key_file_is_never_readable_by_others(tmp_path):
    from bot.config import load_settings

    old = os.umask(0o022)
    try:
        settings = load_settings(tmp_path / "none.yml", data_dir=tmp_path / "var")
        token = settings.key("rasa_token")
    finally:
        os.umask(old)
    path = tmp_path / "var" / "rasa_token.txt"
    assert path.read_text() == token and _mode(path) == 0o600
    assert settings.key("rasa_token") == token
