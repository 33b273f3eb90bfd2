"""A small real process for supervisor tests: answers ``GET /health`` on PORT and misbehaves on request.

``python toy_service.py NAME PORT [--exit-after S] [--ignore-term] [--stop-log FILE] [--grandchild FILE]
[--ready-after S]``: crash with exit code 3 after S seconds; ignore SIGTERM; on SIGTERM append NAME to
FILE, then exit after 0.3 s; start a ``sleep`` grandchild and write its pid to FILE; answer 503 for S seconds.
"""

import argparse
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("port", type=int)
    parser.add_argument("--exit-after", type=float)
    parser.add_argument("--ignore-term", action="store_true")
    parser.add_argument("--stop-log")
    parser.add_argument("--grandchild")
    parser.add_argument("--ready-after", type=float, default=0.0)
    args = parser.parse_args()
    began = time.monotonic()

    class Health(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            ready = time.monotonic() - began >= args.ready_after
            self.send_response(200 if ready else 503)
            self.end_headers()

        def log_message(self, *_args) -> None:
            pass

    if args.ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    elif args.stop_log:
        def on_term(_signum, _frame):
            with open(args.stop_log, "a") as fh:
                fh.write(f"{args.name}\n")
            time.sleep(0.3)
            sys.exit(0)

        signal.signal(signal.SIGTERM, on_term)
    if args.grandchild:
        sleeper = subprocess.Popen(["sleep", "600"])
        with open(args.grandchild, "w") as fh:
            fh.write(str(sleeper.pid))
    if args.exit_after is not None:
        threading.Timer(args.exit_after, lambda: __import__("os")._exit(3)).start()
    HTTPServer(("127.0.0.1", args.port), Health).serve_forever()


if __name__ == "__main__":
    main()
