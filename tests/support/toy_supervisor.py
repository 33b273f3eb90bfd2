"""Run bot.supervisor over toy services, the way ``iopbot run`` does: ``python toy_supervisor.py SPEC.json``.

SPEC: {"log_dir", "health_port", "stop_timeout", "restart_limit", "backoff": [first, most],
       "services": [{"name", "port", "args": [...], "stop_rank", "reload_on_hup", "tier"}],
       "tier_log": FILE (optional: on_tier_up appends "tier N up" to it)}
"""

import json
import sys
from pathlib import Path

from bot.health import HealthServer
from bot.services import Service
from bot.supervisor import Supervisor, emit

TOY = Path(__file__).with_name("toy_service.py")


def main() -> int:
    spec = json.loads(Path(sys.argv[1]).read_text())
    services = [Service(s["name"], [sys.executable, str(TOY), s["name"], str(s["port"]), *s.get("args", [])],
                        f"http://127.0.0.1:{s['port']}/health", f"http://127.0.0.1:{s['port']}",
                        stop_rank=s.get("stop_rank", 0), reload_on_hup=s.get("reload_on_hup", True),
                        tier=s.get("tier", 0))
                for s in spec["services"]]

    def tier_up(tier: int) -> None:
        with Path(spec["tier_log"]).open("a") as fh:
            fh.write(f"tier {tier} up\n")

    supervisor = Supervisor(services, {"PATH": "/usr/bin:/bin"}, Path.cwd(), Path(spec["log_dir"]),
                            stop_timeout=spec.get("stop_timeout", 5), restart_limit=spec.get("restart_limit", 5),
                            backoff=tuple(spec.get("backoff", [0.2, 1.0])), ready_timeout=spec.get("ready_timeout", 60),
                            on_tier_up=tier_up if spec.get("tier_log") else None)
    health = HealthServer("127.0.0.1", spec["health_port"], supervisor.snapshot, supervisor.alive)
    health.start()
    try:
        return supervisor.run(on_ready=lambda: emit("==> ready"))
    finally:
        health.close()
        emit("==> stopped")


if __name__ == "__main__":
    sys.exit(main())
