"""Aggregated health of `iopbot run`, served by the supervisor for load balancers and Kubernetes probes.

``GET /healthz`` (readiness): 200 when every process is up and the Rasa model is loaded, else 503. Body::

    {"status": "ok" | "starting" | "degraded" | "stopping", "model_loaded": true,
     "services": {"rasa_server": {"name": "Rasa server", "status": "up", "restarts": 0, "last_exit": null,
                                  "log": "Rasa_server.log", "up_seconds": 812}, ...}}

``GET /livez`` (liveness): 200 while the supervisor's loop runs, even while it restarts a child; 503 if the
loop has stalled. Nothing about conversations, no process ids, log file names only. ``fetch`` reads it for the console.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


class HealthServer:
    """``/healthz`` and ``/livez`` on ``host:port`` from a background thread."""

    def __init__(self, host: str, port: int, snapshot: Callable[[], dict], alive: Callable[[], bool]) -> None:
        self.host, self.port = host, port
        self.snapshot, self.alive = snapshot, alive
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        """Bind (raises OSError if the port is taken) and serve in a daemon thread."""
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                path = urllib.parse.urlsplit(self.path).path
                if path == "/healthz":
                    body = owner.snapshot()
                    code = 200 if body.get("status") == "ok" else 503
                elif path == "/livez":
                    ok = owner.alive()
                    body, code = {"status": "alive" if ok else "stalled"}, 200 if ok else 503
                else:
                    body, code = {"error": "not found"}, 404
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args) -> None:  # probes every few seconds: keep the logs quiet
                pass

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="healthz", daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def rasa_model_loaded(rasa_url: str, token: str, timeout: float = 2.0) -> bool:
    """True when Rasa's ``/status`` (token-protected) answers with a loaded model."""
    query = urllib.parse.urlencode({"token": token})
    try:
        with urllib.request.urlopen(f"{rasa_url}/status?{query}", timeout=timeout) as reply:  # noqa: S310 - local
            return reply.status == HTTPStatus.OK and bool(json.loads(reply.read()).get("model_id"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def fetch(url: str, timeout: float = 2.0) -> dict | None:
    """The supervisor's ``/healthz`` body (also when it says 503), or None if nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:  # noqa: S310 - configured local URL
            return json.loads(reply.read())
    except urllib.error.HTTPError as error:
        try:
            return json.loads(error.read())
        except ValueError:
            return None
    except (urllib.error.URLError, OSError, ValueError):
        return None
