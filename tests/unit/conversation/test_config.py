from bot.config import load_settings


def test_yaml_then_env_then_override(tmp_path, monkeypatch):
    settings_file = tmp_path / "clinic.yml"
    settings_file.write_text("helpline_phone: '(555) 123-4567'\nrasa_port: 6000\n")
    monkeypatch.setenv("IOPBOT_RASA_PORT", "7000")
    monkeypatch.delenv("IOPBOT_DATABASE_URL", raising=False)
    settings = load_settings(settings_file, data_dir=tmp_path)
    assert settings.helpline_phone == "(555) 123-4567"  # from YAML
    assert settings.rasa_port == 7000  # env beats YAML
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'iopbot.db'}"


def test_local_keys_are_generated_once_and_kept(tmp_path):
    settings = load_settings(tmp_path / "missing.yml", data_dir=tmp_path)
    first = settings.key("encryption_key")
    assert first == settings.key("encryption_key")
    assert (tmp_path / "encryption_key.txt").stat().st_mode & 0o077 == 0
    assert settings.key("secret_key") != first


def test_explicit_keys_win(tmp_path):
    settings = load_settings(tmp_path / "missing.yml", data_dir=tmp_path, secret_key="abc")
    assert settings.key("secret_key") == "abc"
    assert not (tmp_path / "secret_key.txt").exists()
