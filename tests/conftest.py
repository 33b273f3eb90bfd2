import os

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
