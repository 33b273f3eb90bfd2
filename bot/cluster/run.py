"""`iopbot run --nodes N`: put together the local cluster's settings, processes and start-up steps."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from bot.cluster.local import (
    BACKING,
    NODES,
    ClusterSetupError,
    backing_services,
    cluster_settings,
    ensure_packages,
    node_services,
)
from bot.cluster.topology import Topology
from bot.config import Settings
from bot.services import Service

MIGRATE_PATIENCE = 60.0  # seconds the first migration may wait for a database that is still starting


@dataclass
class LocalCluster:
    settings: Settings  # with the local Redis / PostgreSQL URLs filled in
    topology: Topology
    backing: list[Service] = field(default_factory=list)

    def services(self, model: Path, endpoints: Path, credentials: Path) -> list[Service]:
        from bot.services import console

        return [*self.backing, *node_services(self.settings, self.topology, model, endpoints, credentials),
                replace(console(self.settings), tier=NODES)]

    def on_tier_up(self, migrate: Callable[[Settings], None]) -> Callable[[int], None]:
        """Migrate the database once the backing stores are up, before any node starts."""
        return lambda tier: until_it_works(lambda: migrate(self.settings)) if tier == BACKING else None

    def summary(self) -> str:
        stores = [s.name for s in self.backing] or ["the configured Redis and database"]
        return (f"{len(self.topology.rasa)} Rasa nodes and {len(self.topology.actions)} action servers behind "
                f"the balancer; started here: {', '.join(stores)}")


def until_it_works(step: Callable[[], None], patience: float = MIGRATE_PATIENCE, pause: float = 1.0) -> None:
    """Run ``step`` again while it raises, for up to ``patience`` seconds (then its last error goes up): a
    PostgreSQL that accepts connections may still be recovering from an unclean stop and refuse queries."""
    deadline = time.monotonic() + patience
    while True:
        try:
            step()
            return
        except Exception:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)


def prepare(base: Settings, nodes: int, action_nodes: int | None, say: Callable[[str], None]) -> LocalCluster:
    """Check and install what the cluster needs; raises ClusterSetupError with what to do."""
    from bot.doctor import port_in_use

    installed = ensure_packages(base, base.data_dir / "logs" / "apt.log")
    if installed:
        say(f"==> installed {', '.join(installed)} (Debian packages)")
    try:
        topology = Topology.from_settings(base, nodes, action_nodes)
    except ValueError as exc:
        raise ClusterSetupError(str(exc)) from exc
    settings = cluster_settings(base)
    wanted = [*topology.ports()[2:]]  # the public ports were checked with the single-node ones
    if not base.redis_url:
        wanted.append(("redis", base.redis_port))
    if not base.database_url:
        wanted.append(("postgres", base.postgres_port))
    busy = [f"{name} ({port})" for name, port in wanted if port_in_use(base.host, port)]
    if busy:
        raise ClusterSetupError(f"ports in use: {', '.join(busy)}; set IOPBOT_RASA_NODE_PORTS, "
                                "IOPBOT_ACTION_NODE_PORTS, IOPBOT_REDIS_PORT or IOPBOT_POSTGRES_PORT")
    return LocalCluster(settings, topology, backing_services(base, settings))
