"""`iopbot` command line: run, train, test, doctor, migrate, create-staff, purge, screening explain."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from bot.config import PROJECT_ROOT, get_settings
from bot.services import BIN, TRAINING_DATA
from bot.store.roles import ROLES
from bot.terminal import duration, shown

MIN_STAFF_PASSWORD = 10  # characters; `iopbot create-staff` refuses a shorter password


def _interrupt(signum, _frame) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _cmd_run(args: argparse.Namespace) -> int:
    """Check the machine, migrate, train if needed, then supervise the three processes until a stop signal."""
    # whatever was inherited (nohup, background jobs ignore SIGINT): stop on SIGTERM/SIGINT from the first moment
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        return _supervise(args)
    except KeyboardInterrupt:  # before the supervisor took over: nothing is running
        print("\n==> stopped", flush=True)
        return 0


def _preflight(settings) -> bool:
    """`iopbot doctor`'s checks (not the model: run trains it): one line when all pass, else the advice."""
    from bot.doctor import run_checks

    began = time.monotonic()
    findings = run_checks(settings, with_model=False)
    problems = [f for f in findings if not f.ok and f.blocks_run]
    for finding in problems:
        print(f"!! {finding.text}", file=sys.stderr, flush=True)
    if problems:
        print("==> not started; `iopbot doctor` runs every check again", file=sys.stderr, flush=True)
        return False
    ports = "/".join(str(port) for _, _, port in _services_ports(settings))
    print(f"==> checks passed: Python, ports {ports} free, disk, database, Twilio, data files "
          f"({duration(time.monotonic() - began)})", flush=True)
    return True


def _services_ports(settings):
    from bot.doctor import services

    return services(settings)


def _supervise(args: argparse.Namespace) -> int:
    from functools import partial

    from bot import services
    from bot.health import HealthServer, rasa_model_loaded
    from bot.supervisor import Supervisor, emit
    from bot.training import train

    settings = get_settings()
    if not _preflight(settings):
        return 1
    cluster = None
    if args.nodes > 1 or args.action_nodes:
        from bot.cluster.run import ClusterSetupError, prepare

        try:
            cluster = prepare(settings, args.nodes, args.action_nodes, say=emit)
        except ClusterSetupError as exc:
            print(f"!! {exc}", file=sys.stderr, flush=True)
            return 1
        settings = cluster.settings
    if cluster is None or not cluster.backing:
        _migrate(settings, say=True)
    settings.key("rest_token")  # made once here, before the Rasa server reads it (never printed)
    model = train(settings)
    endpoints = services.write_endpoints(settings, settings.data_dir / "run" / "endpoints.yml")
    credentials = services.credentials_path(settings)
    if cluster is not None:
        wanted = cluster.services(model, endpoints, credentials)
        emit(f"==> several nodes: {cluster.summary()}")
    else:
        wanted = [services.action_server(settings), services.rasa_server(settings, model, endpoints, credentials),
                  services.console(settings)]
    rasa = f"http://{settings.host}:{settings.rasa_port}"
    log_dir = settings.data_dir / "logs"
    supervisor = Supervisor(wanted, services.child_env(settings), PROJECT_ROOT, log_dir,
                            stop_timeout=settings.stop_timeout, restart_limit=settings.restart_limit,
                            ready_timeout=args.timeout,
                            model_check=partial(rasa_model_loaded, rasa, settings.key("rasa_token")),
                            on_tier_up=cluster.on_tier_up(partial(_migrate, say=True)) if cluster else None)
    health = HealthServer(settings.host, settings.health_port, supervisor.snapshot, supervisor.alive)
    try:
        health.start()
    except OSError as exc:
        print(f"!! cannot serve health checks on {settings.host}:{settings.health_port} ({exc.strerror}); "
              "set IOPBOT_HEALTH_PORT", file=sys.stderr)
        return 1

    began = time.monotonic()
    print(f"==> starting {', '.join(s.name for s in wanted)} (logs in {shown(log_dir)}); "
          "the Rasa server takes about a minute to load its model", flush=True)
    try:
        return supervisor.run(on_ready=lambda: [emit(line) for line in ready_block(settings, time.monotonic() - began)])
    finally:
        health.close()
        emit("==> stopped")


def ready_block(settings, seconds: float) -> list[str]:
    """The lines that tell a newcomer where everything is, once all three processes pass their health checks."""
    rasa = f"http://{settings.host}:{settings.rasa_port}"
    rows = [("chat widget demo", f"{rasa}/webhooks/socketio/demo"),
            ("chat over REST", f"POST {rasa}/webhooks/rest/webhook")]
    token = _rest_token_location(settings)
    if token:
        rows.append(("REST token", f"{token} (send it as: Authorization: Bearer <token>)"))
    iopbot = shown(Path(sys.executable).parent / "iopbot")
    rows += [("SMS webhook", f"POST {rasa}/webhooks/twilio/webhook (point your Twilio number here)"),
             ("staff console", settings.resolved_console_url),
             ("add a staff user", f"{iopbot} create-staff alice --role admin"),
             ("health", settings.local_health_url),
             ("logs", shown(settings.data_dir / "logs")),
             ("stop", f"Ctrl-C here, or `kill {os.getpid()}` (SIGTERM)")]
    return ["==> ready", f"    all three pass their health checks after {duration(seconds)}",
            *(f"    {label + ':':<18}{value}" for label, value in rows)]


def _rest_token_location(settings) -> str | None:
    """Where partners find the REST channel's bearer token, when this version has one (never the token)."""
    if not hasattr(settings, "rest_token"):
        return None
    if settings.rest_token:
        return "set by IOPBOT_REST_TOKEN"
    path = settings.data_dir / "rest_token.txt"
    return shown(path) if path.exists() else None


def _migrate(settings, say: bool = False) -> None:
    from bot.store.db import migrate

    began = time.monotonic()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    migrate(settings.resolved_database_url, settings=settings)
    if say:
        print(f"==> database: schema up to date ({duration(time.monotonic() - began)})", flush=True)


def _cmd_train(args: argparse.Namespace) -> int:
    from bot.training import train

    train(get_settings(), force=args.force)
    return 0


def _cmd_migrate(_args: argparse.Namespace) -> int:
    _migrate(get_settings())
    print("database is up to date")
    return 0


def _cmd_doctor(_args: argparse.Namespace) -> int:
    """Every check with its result; exit 1 when something would stop `iopbot run`."""
    from bot.doctor import run_checks

    began = time.monotonic()
    findings = run_checks(get_settings())
    for finding in findings:
        mark = "ok" if finding.ok else "!!" if finding.blocks_run else "--"
        print(f"{mark}  {finding.text}")
    problems = sum(not f.ok and f.blocks_run for f in findings)
    verdict = f"{problems} problem{'s' * (problems > 1)} to fix" if problems else "ready to run"
    print(f"==> {verdict} ({duration(time.monotonic() - began)})")
    return 1 if problems else 0


def _cmd_test(args: argparse.Namespace) -> int:
    """ruff, rasa data validate, model training, pytest (all suites), Rasa test stories; each step timed."""
    from bot.training import train

    settings = get_settings()
    began = time.monotonic()
    logs = settings.data_dir / "logs"
    _step("ruff", [str(BIN / "ruff"), "check", "--quiet", "."], capture=True)
    _quiet_rasa(settings, "rasa data validate", logs / "validate.log",
                ["data", "validate", "--fail-on-warning", "--domain", "domain.yml", "--config", "config.yml",
                 "--data", *TRAINING_DATA])
    model = train(settings)
    _step("pytest", [str(BIN / "python"), "-m", "pytest", *args.pytest_args])
    results = settings.data_dir / "rasa-test-results"
    _quiet_rasa(settings, "Rasa test stories", logs / "rasa-test.log",
                ["test", "core", "--model", str(model), "--stories", "tests/test_stories.yml",
                 "--fail-on-prediction-errors", "--out", str(results)],
                hint=f"failed stories in {shown(results / 'failed_test_stories.yml')}")
    print(f"==> all checks passed ({duration(time.monotonic() - began)})")
    return 0


def _step(title: str, argv: list[str], capture: bool = False) -> None:
    began = time.monotonic()
    if not capture:
        print(f"==> {title}", flush=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run(argv, cwd=PROJECT_ROOT, env=env, check=False, capture_output=capture, text=True)
    if done.returncode != 0:
        if capture:
            print((done.stdout + done.stderr).rstrip())
        raise SystemExit(f"!! {title} failed (exit code {done.returncode})")
    print(f"==> {title}: passed ({duration(time.monotonic() - began)})", flush=True)


def _quiet_rasa(settings, title: str, log: Path, rasa_args: list[str], hint: str = "") -> None:
    """A Rasa command with its output in ``log``; shows only what a person should see, and the end on failure."""
    from bot.services import child_env
    from bot.training import Progress, follow, tail

    began = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"# rasa {' '.join(rasa_args)}\n")
    proc = subprocess.Popen([str(BIN / "python"), "-m", "bot.train_worker", "--log", str(log), "--", *rasa_args],
                            cwd=PROJECT_ROOT, env=child_env(settings), stdout=subprocess.PIPE, text=True)
    progress = Progress(sys.stdout, {})
    for line in proc.stdout:
        follow(line, progress)
    if proc.wait() != 0:
        for line in tail(log):
            print(f"   {line}")
        raise SystemExit(f"!! {title} failed (exit code {proc.returncode}); output in {shown(log)}"
                         f"{'; ' + hint if hint else ''}")
    print(f"==> {title}: passed ({duration(time.monotonic() - began)}; output in {shown(log)})", flush=True)


def _cmd_create_staff(args: argparse.Namespace) -> int:
    from bot.store.admin import create_staff

    password = os.environ.get("IOPBOT_NEW_STAFF_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < MIN_STAFF_PASSWORD:
        print(f"password must be at least {MIN_STAFF_PASSWORD} characters", file=sys.stderr)
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


def _cmd_explain(_args: argparse.Namespace) -> int:
    from bot.screening import explain_table, load_criteria, load_questionnaire

    print(explain_table(load_questionnaire(), load_criteria()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="iopbot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="train if needed, start action server, Rasa server and staff console")
    run.add_argument("--timeout", type=float, default=600, help="seconds to wait for readiness")
    run.add_argument("--nodes", type=int, default=1, metavar="N",
                     help="Rasa nodes behind a local HAProxy, with Redis locks and PostgreSQL (default 1: no balancer)")
    run.add_argument("--action-nodes", type=int, default=None, metavar="M", help="action servers (default: N)")
    run.set_defaults(func=_cmd_run)
    train = sub.add_parser("train", help="build the spaCy pipeline and train the Rasa model if changed")
    train.add_argument("--force", action="store_true")
    train.set_defaults(func=_cmd_train)
    test = sub.add_parser("test", help="run every check: ruff, rasa data validate, pytest, test stories")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed on to pytest")
    test.set_defaults(func=_cmd_test)
    sub.add_parser("doctor", help="check this machine: Python, ports, disk, database, model, Twilio, data files") \
        .set_defaults(func=_cmd_doctor)
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=_cmd_migrate)
    staff = sub.add_parser("create-staff", help="add a staff console user (password from prompt or "
                                                "IOPBOT_NEW_STAFF_PASSWORD)")
    staff.add_argument("username")
    staff.add_argument("--role", choices=ROLES, default="staff")
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
    try:
        from bot.private_files import make_private

        make_private(get_settings().data_dir, create=False)  # umask 077; var/ 0700, its files 0600
        return args.func(args)
    except ValidationError as exc:  # a setting of the wrong shape: say which, in one line each
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper()
            print(f"!! setting IOPBOT_{name}: {error['msg']} (environment or data/clinic.yml)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
