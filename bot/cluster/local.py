"""The processes of a local multi-node run: Redis, PostgreSQL, HAProxy, N Rasa nodes and M action nodes.

Redis, PostgreSQL and HAProxy come from Debian's packages (``ensure_packages`` installs the missing ones when
running as root, else says which to install). Redis and PostgreSQL are started only when ``redis_url`` /
``database_url`` are unset; they listen on loopback only and ask for a password generated into the data
folder (``redis_password.txt``, ``postgres_password.txt``). PostgreSQL keeps its files in
``<data_dir>/cluster/postgres`` (as root: ``/var/lib/postgresql/iopbot-<id>``, since the server refuses to
run as root and runs as the ``postgres`` user). Files there made with another password than the data folder's
(the data folder was deleted and made anew) are set aside under another name and new ones made.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from dataclasses import replace
from pathlib import Path

from bot.cluster import haproxy
from bot.cluster.topology import Topology
from bot.config import Settings
from bot.services import Service

PACKAGES = {"haproxy": "haproxy", "redis-server": "redis-server"}  # command -> Debian package
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
LOOPBACK = "127.0.0.1"
LOCK_STORE = "bot.cluster.lock_store.ConversationLockStore"  # Rasa's endpoints ``lock_store: type:``
BACKING, NODES = 0, 1  # start tiers: backing stores first, then (after migrating) the nodes and the balancer


class ClusterSetupError(RuntimeError):
    """Something the local cluster needs is missing; the message says what to do."""


def missing_packages(settings: Settings) -> list[str]:
    wanted = dict(PACKAGES)
    if settings.redis_url:
        wanted.pop("redis-server")
    missing = [package for command, package in wanted.items() if not shutil.which(command)]
    if not settings.database_url and not _pg_bin():
        missing.append("postgresql")
    return missing


def ensure_packages(settings: Settings, log: Path) -> list[str]:
    """Install the missing Debian packages (as root); returns what was installed. Raises when it cannot."""
    missing = missing_packages(settings)
    if not missing:
        return []
    if os.geteuid() != 0:
        raise ClusterSetupError(f"please run: sudo apt-get install {' '.join(missing)}")
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for argv in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
            if subprocess.call(argv, stdout=out, stderr=subprocess.STDOUT, env=env) != 0:
                raise ClusterSetupError(f"apt-get install {' '.join(missing)} failed; see {log}")
    return missing


def cluster_settings(settings: Settings) -> Settings:
    """``settings`` with the URLs of the local Redis and PostgreSQL filled in where they are unset."""
    changes = {}
    if not settings.redis_url:
        password = urllib.parse.quote(settings.key("redis_password"), safe="")
        changes["redis_url"] = f"redis://:{password}@{LOOPBACK}:{settings.redis_port}/1"
    if not settings.database_url:
        password = urllib.parse.quote(settings.key("postgres_password"), safe="")
        changes["database_url"] = f"postgresql+psycopg2://postgres:{password}@{LOOPBACK}:{settings.postgres_port}/postgres"
    return settings.copy(update=changes)


def lock_store_config(redis_url: str) -> dict:
    """Rasa's endpoints entry for our atomic Redis lock store (:mod:`bot.cluster.lock_store`) from a redis:// URL."""
    url = urllib.parse.urlsplit(redis_url)
    config = {"type": LOCK_STORE, "url": url.hostname or LOOPBACK, "port": url.port or 6379,
              "db": int(url.path.strip("/") or 1), "key_prefix": "iopbot"}
    if url.password:
        config["password"] = urllib.parse.unquote(url.password)
    return config


def backing_services(base: Settings, settings: Settings) -> list[Service]:
    """Redis and PostgreSQL to start locally (only those whose URL the operator did not give)."""
    out = []
    if not base.redis_url:
        config = settings.data_dir / "cluster" / "redis.conf"
        config.parent.mkdir(parents=True, exist_ok=True)
        # the password lives in a private file, never on a command line (ps shows those)
        fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(f"bind {LOOPBACK}\nport {settings.redis_port}\nrequirepass {settings.key('redis_password')}\n"
                     f'save ""\nappendonly no\ndir {config.parent}\n')
        out.append(_tcp_service("redis", ["redis-server", str(config)], settings.redis_port))
    if not base.database_url:
        out.append(_tcp_service("postgres", _postgres_argv(settings), settings.postgres_port))
    return out


def node_services(settings: Settings, topology: Topology, model: Path, endpoints: Path,
                  credentials: Path) -> list[Service]:
    """The balancer, the Rasa nodes and the action nodes."""
    from bot.services import action_server, rasa_server

    config = settings.data_dir / "cluster" / "haproxy.cfg"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(haproxy.render(topology))
    reach = LOOPBACK if settings.host in ("0.0.0.0", "::", "") else settings.host  # noqa: S104 - not a bind
    balancer = Service("balancer", ["haproxy", "-db", "-f", str(config)],
                       f"http://{reach}:{topology.rasa_port}{haproxy.HEALTH_PATH}",
                       f"http://{reach}:{topology.rasa_port}", tier=NODES, stop_rank=3, reload_on_hup=False)
    services = [balancer]
    for node in topology.rasa:
        one = settings.copy(update={"rasa_port": node.port, "host": LOOPBACK})
        service = rasa_server(one, model, endpoints, credentials)
        services.append(replace(service, name=f"Rasa server {node.name}", tier=NODES,
                                env={"SANIC_PROXIES_COUNT": "1", "IOPBOT_NODE_NAME": node.name}))
    for node in topology.actions:
        one = settings.copy(update={"action_port": node.port, "host": LOOPBACK})
        services.append(replace(action_server(one), name=f"action server {node.name}", tier=NODES))
    return services


def _tcp_service(name: str, argv: list[str], port: int) -> Service:
    return Service(name, argv, f"tcp://{LOOPBACK}:{port}", f"{LOOPBACK}:{port}", tier=BACKING, stop_rank=4,
                   reload_on_hup=False)


def _pg_bin() -> Path | None:
    found = sorted(glob.glob(PG_BIN_GLOB), key=lambda p: [int(x) for x in Path(p).parent.name.split(".")])
    return Path(found[-1]) if found else None


def postgres_dir(settings: Settings) -> Path:
    if os.geteuid() != 0:
        return settings.data_dir / "cluster" / "postgres"
    key = hashlib.sha256(str(settings.data_dir.resolve()).encode()).hexdigest()[:12]
    return Path("/var/lib/postgresql") / f"iopbot-{key}"


def _postgres_argv(settings: Settings) -> list[str]:
    """Create the cluster on first use (password auth on loopback); the server runs in the foreground."""
    pg_bin, data = _pg_bin(), postgres_dir(settings)
    if pg_bin is None:
        raise ClusterSetupError("PostgreSQL's server is not installed: apt-get install postgresql")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    password, kept = settings.key("postgres_password"), _digest_file(data)
    # no digest kept: files from before it was, taken to match (an upgrade must not set a working database aside)
    if (data / "PG_VERSION").exists() and kept.exists() and kept.read_text().strip() != _digest(password):
        _set_aside(data)
    if not (data / "PG_VERSION").exists():
        _initdb(pg_bin, data, password, as_postgres)
    kept.write_text(_digest(password))
    kept.chmod(0o600)
    return [*as_postgres, str(pg_bin / "postgres"), "-D", str(data), "-p", str(settings.postgres_port),
            "-h", LOOPBACK, "-k", str(data)]


def _digest_file(data: Path) -> Path:
    """Where the digest of the password the cluster in ``data`` was made with is kept (beside it)."""
    return data.parent / f"{data.name}.password.sha256"


def _digest(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def _set_aside(data: Path) -> None:
    """Keep a cluster made with another password (the data folder was made anew, with a new password, while the
    cluster as root lives elsewhere and stayed) under another name: nothing is deleted; a new one is made."""
    aside = data.with_name(f"{data.name}.replaced-{int(time.time())}")
    data.rename(aside)
    print(f"    the PostgreSQL files in {data} were made with another password (a new data folder?): "
          f"kept as {aside}; new ones are made", flush=True)


def _initdb(pg_bin: Path, data: Path, password: str, as_postgres: list[str]) -> None:
    data.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile("w", dir=data.parent, delete=False) as fh:  # initdb wants data/ empty
        fh.write(password)
    try:
        if as_postgres:
            shutil.chown(data, "postgres", "postgres")
            shutil.chown(fh.name, "postgres", "postgres")
        argv = [*as_postgres, str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "--pwfile", fh.name,
                "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", "-E", "UTF8", "--no-instructions"]
        result = subprocess.run(argv, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ClusterSetupError(f"initdb failed in {data}: {result.stderr.strip()[-300:]}")
    finally:
        os.unlink(fh.name)
