"""`iopbot` command line: run, train, test, migrate, create-staff, purge, screening explain."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys

from bot.config import PROJECT_ROOT, get_settings


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _cmd_run(args: argparse.Namespace) -> int:
    """Migrate, train if needed, then supervise the three processes (bot/supervisor.py) until a stop signal."""
    # whatever was inherited (nohup, background jobs ignore SIGINT): stop on SIGTERM/SIGINT from the first moment
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        return _supervise(args)
    except KeyboardInterrupt:  # before the supervisor took over: nothing is running
        print("\n==> stopped", flush=True)
        return 0


def _supervise(args: argparse.Namespace) -> int:
    from functools import partial

    from bot import services
    from bot.health import HealthServer, rasa_model_loaded
    from bot.supervisor import Supervisor, emit
    from bot.training import train

    settings = get_settings()
    _migrate(settings)
    model = train(settings)
    endpoints = services.write_endpoints(settings, settings.data_dir / "run" / "endpoints.yml")
    wanted = [services.action_server(settings),
              services.rasa_server(settings, model, endpoints, services.credentials_path()),
              services.console(settings)]
    rasa = f"http://{settings.host}:{settings.rasa_port}"
    log_dir = settings.data_dir / "logs"
    supervisor = Supervisor(wanted, services.child_env(settings), PROJECT_ROOT, log_dir,
                            stop_timeout=settings.stop_timeout, restart_limit=settings.restart_limit,
                            ready_timeout=args.timeout,
                            model_check=partial(rasa_model_loaded, rasa, settings.key("rasa_token")))
    health = HealthServer(settings.host, settings.health_port, supervisor.snapshot, supervisor.alive)
    try:
        health.start()
    except OSError as exc:
        print(f"!! cannot serve health checks on {settings.host}:{settings.health_port} ({exc.strerror}); "
              "set IOPBOT_HEALTH_PORT", file=sys.stderr)
        return 1

    def ready() -> None:
        emit("==> ready")
        emit(f"    chat widget demo: {rasa}/webhooks/socketio/demo")
        emit(f"    chat (REST):      POST {rasa}/webhooks/rest/webhook")
        emit(f"    SMS webhook:      POST {rasa}/webhooks/twilio/webhook (point your Twilio number here)")
        emit(f"    staff console:    {settings.resolved_console_url}")
        emit(f"    health:           {settings.local_health_url}")
        emit("    press Ctrl-C to stop")

    print(f"==> starting {', '.join(s.name for s in wanted)} (logs in {log_dir}); "
          "loading the model takes about a minute", flush=True)
    try:
        return supervisor.run(on_ready=ready)
    finally:
        health.close()
        emit("==> stopped")


def _migrate(settings) -> None:
    from bot.store.db import migrate

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url)


def _cmd_train(args: argparse.Namespace) -> int:
    from bot.training import train

    print(train(get_settings(), force=args.force))
    return 0


def _cmd_migrate(args: argparse.Namespace) -> int:
    _migrate(get_settings())
    print("database is up to date")
    return 0


def _cmd_test(args: argparse.Namespace) -> int:
    """ruff, model training, rasa data validate, pytest (all suites), Rasa test stories."""
    from bot.services import BIN, TRAINING_DATA
    from bot.training import latest_model, train

    settings = get_settings()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}

    def step(title: str, argv: list[str]) -> None:
        print(f"==> {title}", flush=True)
        code = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, check=False).returncode
        if code != 0:
            raise SystemExit(f"!! {title} failed (exit {code})")

    step("ruff", [str(BIN / "ruff"), "check", "."])
    step("rasa data validate", [str(BIN / "rasa"), "data", "validate", "--fail-on-warning", "--domain",
                                "domain.yml", "--config", "config.yml", "--data", *TRAINING_DATA])
    train(settings)
    step("pytest", [str(BIN / "python"), "-m", "pytest", *args.pytest_args])
    step("rasa test stories", [str(BIN / "rasa"), "test", "core", "--model", str(latest_model(settings.model_dir)),
                               "--stories", "tests/test_stories.yml", "--fail-on-prediction-errors",
                               "--out", str(settings.data_dir / "rasa-test-results")])
    print("==> all checks passed")
    return 0


def _cmd_create_staff(args: argparse.Namespace) -> int:
    from bot.store.admin import create_staff

    password = os.environ.get("IOPBOT_NEW_STAFF_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        print("password must be at least 10 characters", file=sys.stderr)
        return 2
    _migrate(get_settings())
    create_staff(args.username, password, role=args.role)
    print(f"created {args.role} user {args.username}")
    return 0


def _cmd_purge(args: argparse.Namespace) -> int:
    from bot.store.admin import purge

    if args.older_than < 1:
        print("--older-than must be at least 1 day", file=sys.stderr)
        return 2
    counts = purge(args.older_than)
    print(", ".join(f"{name}: {n}" for name, n in counts.items()) or "nothing to purge")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from bot.screening import explain_table, load_criteria, load_questionnaire

    print(explain_table(load_questionnaire(), load_criteria()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iopbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train if needed, start action server, Rasa server and staff console")
    run.add_argument("--timeout", type=float, default=600, help="seconds to wait for readiness")
    run.set_defaults(func=_cmd_run)
    train = sub.add_parser("train", help="build the spaCy pipeline and train the Rasa model if changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=_cmd_train)
    test = sub.add_parser("test", help="run every check: ruff, rasa data validate, pytest, test stories")
    test.add_argument("pytest_args", nargs="*", default=[])
    test.set_defaults(func=_cmd_test)
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=_cmd_migrate)
    staff = sub.add_parser("create-staff", help="add a staff console user (password from prompt or "
                                                "IOPBOT_NEW_STAFF_PASSWORD)")
    staff.add_argument("username")
    staff.add_argument("--role", choices=["staff", "admin"], default="staff")
    staff.set_defaults(func=_cmd_create_staff)
    purge = sub.add_parser("purge", help="delete transcripts and screenings older than DAYS (audited)")
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    purge.set_defaults(func=_cmd_purge)
    screening = sub.add_parser("screening", help="screening questionnaire and criteria tools")
    screening_sub = screening.add_subparsers(dest="screening_command", required=True)
    screening_sub.add_parser("explain", help="print questions and criteria with their sources") \
        .set_defaults(func=_cmd_explain)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
