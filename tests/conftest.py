import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from tests.support.postgres import pg_url, postgres_server  # noqa: E402,F401 - shared fixtures
