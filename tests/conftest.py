import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
# the dozens of action servers the tests start build answer models on first use, not all at start
# (tests/unit/actions/test_warm_up.py covers the warm-up)
os.environ.setdefault("IOPBOT_WARM_UP_ANSWERS", "false")

from tests.support.postgres import pg_url, postgres_server  # noqa: E402,F401 - shared fixtures
