"""The console's health page shows what the supervisor's /healthz reports (served by the real HealthServer)."""

import pytest
from fastapi.testclient import TestClient

from bot.health import HealthServer
from tests.support.stack import free_port

REPORT = {"status": "degraded", "model_loaded": True, "services": {
    "rasa_server": {"name": "Rasa server", "status": "up", "restarts": 0, "last_exit": None,
                    "log": "Rasa_server.log", "up_seconds": 600},
    "action_server": {"name": "action server", "status": "restarting", "restarts": 2,
                      "last_exit": "killed by SIGKILL", "log": "action_server.log", "up_seconds": None}}}


@pytest.fixture
def supervisor_health(console_settings):
    server = HealthServer("127.0.0.1", free_port(), lambda: REPORT, lambda: True)
    server.start()
    console_settings.health_port = server.port
    yield server
    server.close()


@pytest.mark.usefixtures("supervisor_health")
def test_health_page_shows_each_process_its_restarts_and_its_log(app, web, console_settings):
    with TestClient(app) as client:
        assert client.get("/health", follow_redirects=False).status_code == 303  # staff only
        web.login(client, *web.STAFF)
        page = client.get("/health").text
    assert "Overall: <strong>degraded</strong>" in page
    row = page[page.index('<tr id="service-action_server">'):]
    row = row[:row.index("</tr>")]
    assert '<td class="restarts">2</td>' in row and "killed by SIGKILL" in row and "restarting" in row
    assert f"{console_settings.data_dir / 'logs'}/action_server.log" in row


def test_health_page_says_so_when_no_supervisor_answers(app, web, console_settings):
    console_settings.health_port = free_port()
    with TestClient(app) as client:
        web.login(client, *web.STAFF)
        page = client.get("/health").text
    assert "does not answer" in page
