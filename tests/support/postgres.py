"""A throwaway PostgreSQL server for tests (integration and e2e).

``postgres_server`` starts a cluster (initdb + pg_ctl from /usr/lib/postgresql/*/bin) in a temporary
directory on a free port, once per test session. As root it runs the server as the ``postgres`` OS user
through ``runuser``. Missing binaries FAIL the tests (CI installs the Debian ``postgresql`` package).
``pg_url`` gives each test a fresh, empty database.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def _pg_bin_dir() -> Path:
    def version(path: str) -> tuple:
        match = re.search(r"/postgresql/([\d.]+)/bin", path)
        return tuple(int(p) for p in match.group(1).split(".")) if match else (0,)

    for candidate in sorted(glob.glob(PG_BIN_GLOB), key=version, reverse=True):
        if os.access(os.path.join(candidate, "initdb"), os.X_OK) and os.access(
            os.path.join(candidate, "pg_ctl"), os.X_OK
        ):
            return Path(candidate)
    pytest.fail(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found under {PG_BIN_GLOB}. "
        "Install them: apt-get install -y postgresql",
        pytrace=False,
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _PgCluster:
    def __init__(self, bin_dir: Path, root: Path):
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.sockets = root / "sock"
        self.log = root / "server.log"
        self.port = 0
        self.as_postgres = os.geteuid() == 0

    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = list(argv)
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, cwd=self.root, check=False
        )
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}"
            )
        return result

    def start(self) -> None:
        self.sockets.mkdir(parents=True)
        if self.as_postgres:
            try:
                pg = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("running as root but there is no 'postgres' OS user (apt-get install postgresql)")
            for path in (self.root, self.sockets):
                os.chown(path, pg.pw_uid, pg.pw_gid)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        last_error: Exception | None = None
        for _attempt in range(5):  # the free port can be taken between probing and binding
            self.port = _free_port()
            options = (
                f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
            )
            try:
                self._pg_ctl_start(options)
                self.options = options
                return
            except RuntimeError as exc:
                last_error = exc
                time.sleep(0.5)
        raise RuntimeError(f"PostgreSQL did not start: {last_error}")

    def _pg_ctl_start(self, options: str) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")

    def start_again(self) -> None:
        """Start a stopped cluster on the same port (for restart tests)."""
        self._pg_ctl_start(self.options)

    def stop(self) -> None:
        if self.data.exists():
            try:
                self._run(
                    str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60
                )
            except (RuntimeError, subprocess.TimeoutExpired):
                self._run(
                    str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", timeout=60
                )

    def remove(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"


def own_cluster() -> _PgCluster:
    """A started cluster of its own (for tests that stop and restart PostgreSQL); ``remove()`` when done."""
    cluster = _PgCluster(_pg_bin_dir(), Path(tempfile.mkdtemp(prefix="iopbot-pg-")))
    cluster.start()
    return cluster


@pytest.fixture(scope="session")
def postgres_server():
    """A running throwaway PostgreSQL cluster; yields its admin URL builder."""
    bin_dir = _pg_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="iopbot-pg-"))
    cluster = _PgCluster(bin_dir, root)
    try:
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def pg_url(postgres_server):
    """A fresh, empty PostgreSQL database for one test."""
    import psycopg2

    name = f"t_{uuid.uuid4().hex[:12]}"
    conn = psycopg2.connect(host="127.0.0.1", port=postgres_server.port, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    yield postgres_server.url(name)
    from bot.store import db

    db.dispose_all()
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()
