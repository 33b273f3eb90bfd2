"""`iopbot doctor`: each check finds the real problem and says what to do in one line."""

from __future__ import annotations

import os
import socket

import pytest

from bot import doctor
from bot.config import load_settings
from bot.health import HealthServer
from tests.support.stack import free_port


@pytest.fixture
def settings(tmp_path):
    return load_settings(data_dir=tmp_path / "var", model_dir=tmp_path / "models", rasa_port=free_port(),
                         action_port=free_port(), console_port=free_port(), health_port=free_port())


def test_python_other_than_3_11_is_told_how_to_rebuild_the_environment():
    assert doctor.check_python((3, 11, 7)).ok
    finding = doctor.check_python((3, 12, 1))
    assert not finding.ok and "Python 3.12.1" in finding.text and "make clean install PY=python3.11" in finding.text


def test_free_ports_pass(settings):
    [finding] = doctor.check_ports(settings)
    assert finding.ok and str(settings.rasa_port) in finding.text


def test_a_busy_port_names_the_service_the_program_and_the_setting(settings):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", settings.action_port))
        busy.listen()
        [finding] = doctor.check_ports(settings)
    assert not finding.ok and "\n" not in finding.text
    port = settings.action_port
    assert finding.text.startswith(f"port {port} (action server) is already in use by pid {os.getpid()}")
    assert finding.text.endswith("stop that program, or set IOPBOT_ACTION_PORT to a free port")


def test_two_services_on_one_port_is_a_settings_problem(settings):
    clash = load_settings(data_dir=settings.data_dir, console_port=settings.rasa_port, rasa_port=settings.rasa_port)
    [finding] = doctor.check_ports(clash)
    assert not finding.ok
    assert f"staff console and Rasa server are both set to port {settings.rasa_port}" in finding.text


def test_a_running_iopbot_is_recognised_rather_than_reported_port_by_port(settings):
    health = HealthServer("127.0.0.1", settings.health_port, dict, lambda: True)
    health.start()
    try:
        [finding] = doctor.check_ports(settings)
    finally:
        health.close()
    assert not finding.ok and finding.text.startswith("another `iopbot run` is already running here")


def test_too_little_disk_space_says_what_can_go(settings):
    assert doctor.check_disk(settings).ok
    finding = doctor.check_disk(settings, min_free_gb=1e9)
    assert not finding.ok and "old models in models/ can go" in finding.text


def test_an_unreachable_database_is_named_without_its_password(settings):
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg2://iopbot:s3cret-pw@127.0.0.1:{port}/iopbot"
    finding = doctor.check_database(load_settings(data_dir=settings.data_dir, database_url=url))
    assert not finding.ok and "s3cret-pw" not in finding.text
    assert finding.text.startswith(f"cannot reach the database postgresql+psycopg2://iopbot:***@127.0.0.1:{port}/iopbot")
    assert finding.text.endswith("start it, or correct IOPBOT_DATABASE_URL")
    assert doctor.check_database(settings).ok  # SQLite in a folder that can be created


def test_twilio_needs_all_three_settings_or_none(settings):
    assert doctor.check_twilio(settings).ok
    half = load_settings(data_dir=settings.data_dir, twilio_account_sid="AC123", twilio_auth_token="tok-secret")
    finding = doctor.check_twilio(half)
    assert not finding.ok and "IOPBOT_TWILIO_NUMBER missing" in finding.text and "tok-secret" not in finding.text
    bad = load_settings(data_dir=settings.data_dir, twilio_account_sid="AC1", twilio_auth_token="t",
                        twilio_number="555-0100")
    assert "E.164" in doctor.check_twilio(bad).text
    good = load_settings(data_dir=settings.data_dir, twilio_account_sid="AC1", twilio_auth_token="t",
                         twilio_number="+15550100000")
    assert doctor.check_twilio(good).ok


def test_a_broken_data_file_is_named_with_its_line(tmp_path):
    assert doctor.check_data().ok
    for name in doctor.YAML_FILES:
        (tmp_path / name).write_text("ok: true\n")
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "faq.yml").write_text("nlu:\n  - intent: faq\n    examples: |\n  - oops: [\n")
    finding = doctor.check_data(tmp_path)
    assert not finding.ok and finding.text.startswith("data/nlu/faq.yml line ") and "fix that file" in finding.text


def test_a_missing_model_is_advice_that_does_not_stop_run(settings, monkeypatch):
    monkeypatch.setattr("bot.training.spacy_pipeline_current", lambda: True)
    monkeypatch.setattr("bot.training.crisis_model_current", lambda: True)
    finding = doctor.check_model(settings)
    assert not finding.ok and not finding.blocks_run and finding.text.startswith("no model yet: `iopbot train`")
