"""The image's entry point: one image, the role chosen by its command (deploy/Dockerfile).

    rasa --port P      a Rasa node (endpoints written at start by bot.services.write_endpoints)
    actions --port P   an action node
    console            the staff console (port: IOPBOT_CONSOLE_PORT)
    balancer [CFG]     HAProxy with the generated configuration
    probe URL          exit 0 when URL answers 2xx (the healthchecks)
    new-env            print a fresh deploy/compose/.env (random passwords and keys)

Inside the cluster ``IOPBOT_HOST`` names the balancer: Rasa's action endpoint and the console's relay to Rasa
go through it, as in the local run. The processes themselves listen on every address of the container. Rasa,
action and console nodes migrate the database first, one at a time (a PostgreSQL advisory lock).
"""

from __future__ import annotations

import argparse
import os
import sys

from bot.cluster.deploy import ANY, new_env
from bot.config import Settings, get_settings

HAPROXY_CFG = "/etc/iopbot/haproxy.cfg"
MIGRATE_LOCK = 0x10B07  # the advisory lock's key: one migration at a time across the nodes


def migrate_once(settings: Settings) -> None:
    from bot.store.db import migrate, normalise_url

    url = normalise_url(settings.resolved_database_url)
    if not url.startswith("postgresql"):
        migrate(url, settings=settings)
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url, future=True)
    try:
        with engine.connect() as lock:  # held until this connection closes
            lock.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATE_LOCK})
            lock.commit()
            migrate(url, settings=settings)
    finally:
        engine.dispose()


def rasa_argv(settings: Settings, port: int) -> list[str]:
    from bot import services
    from bot.training import plan

    todo = plan(settings)
    if todo.stages or todo.model is None:
        sys.exit(f"!! no current model in {settings.model_dir}: build the image with training, or mount the "
                 "models/ folder of `iopbot train`")
    endpoints = services.write_endpoints(settings, settings.data_dir / "run" / "endpoints.yml")
    own = settings.copy(update={"host": ANY, "rasa_port": port})
    return services.rasa_server(own, todo.model, endpoints, services.credentials_path(settings)).argv


def argv_for(role: str, port: int | None, settings: Settings) -> list[str]:
    from bot import services

    if role == "rasa":
        return rasa_argv(settings, port or settings.rasa_port)
    if role == "actions":
        return services.action_server(settings.copy(update={"host": ANY,
                                                            "action_port": port or settings.action_port})).argv
    return services.console(settings.copy(update={"host": ANY, "console_port": port or settings.console_port})).argv


def probe(url: str) -> int:
    from bot.runner import is_healthy

    return 0 if is_healthy(url, timeout=5) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.cluster.container")
    parser.add_argument("role", choices=("rasa", "actions", "console", "balancer", "probe", "new-env"))
    parser.add_argument("target", nargs="?", help="balancer: its configuration file; probe: the URL")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args(argv)
    if args.role == "new-env":
        print(new_env(), end="")
        return 0
    if args.role == "probe":
        return probe(args.target)
    if args.role == "balancer":
        os.execvp("haproxy", ["haproxy", "-db", "-f", args.target or HAPROXY_CFG])  # noqa: S606 - fixed argv
    os.umask(0o077)  # the endpoints file carries the database and Redis passwords
    settings = get_settings()
    migrate_once(settings)
    from bot.services import child_env

    command = argv_for(args.role, args.port, settings)
    os.execve(command[0], command, child_env(settings))  # noqa: S606 - argv from bot.services
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main())
