"""What runs where when the bot runs on several nodes: one description for `iopbot run --nodes N` and deploy/.

The balancer (HAProxy) takes the ports one process would use, so every URL stays the same: chat channels and
Rasa's API on ``rasa_port``, the action servers on ``action_port``. Behind it run N Rasa nodes and M action
nodes; Rasa's lock store is Redis, the tracker store and our tables PostgreSQL; the staff console is stateless
(signed session cookies, everything else in the database) and talks to Rasa through the balancer.
``deploy/`` (docker compose, Kubernetes) uses the same service names, ports and environment; a test keeps them
in step with :func:`Topology.environment`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings

RASA = "rasa"
ACTIONS = "actions"
NODE_OFFSET = 100  # node i (1-based) listens on the public port + NODE_OFFSET + i unless ports are set


@dataclass(frozen=True)
class Node:
    name: str  # "rasa-1", "actions-2": the service name here and in deploy/
    kind: str  # RASA or ACTIONS
    port: int


@dataclass(frozen=True)
class Topology:
    host: str
    rasa_port: int  # the balancer's chat/API port
    action_port: int  # the balancer's action-server port
    rasa: tuple[Node, ...]
    actions: tuple[Node, ...]

    @classmethod
    def from_settings(cls, settings: Settings, nodes: int, action_nodes: int | None = None) -> Topology:
        """``nodes`` Rasa nodes and ``action_nodes`` (default: as many) action nodes on the configured ports."""
        if nodes < 1 or (action_nodes is not None and action_nodes < 1):
            raise ValueError("a cluster needs at least one Rasa node and one action node")
        count = action_nodes or nodes
        return cls(settings.host, settings.rasa_port, settings.action_port,
                   _nodes(RASA, nodes, settings.rasa_port, settings.rasa_node_ports),
                   _nodes(ACTIONS, count, settings.action_port, settings.action_node_ports))

    @property
    def nodes(self) -> tuple[Node, ...]:
        return self.rasa + self.actions

    def ports(self) -> list[tuple[str, int]]:
        """Every port this topology listens on, with the name of what listens (for the port check)."""
        return [("balancer (chat)", self.rasa_port), ("balancer (actions)", self.action_port),
                *((node.name, node.port) for node in self.nodes)]

    @staticmethod
    def environment(kind: str) -> list[str]:
        """The settings a node of ``kind`` must get (deploy/ files are checked against this list)."""
        shared = ["IOPBOT_DATABASE_URL", "IOPBOT_ENCRYPTION_KEY", "IOPBOT_SECRET_KEY", "IOPBOT_RASA_TOKEN",
                  "IOPBOT_REST_TOKEN"]
        if kind == RASA:
            return [*shared, "IOPBOT_REDIS_URL", "SANIC_PROXIES_COUNT"]
        return shared


def _nodes(kind: str, count: int, public_port: int, ports: list[int]) -> tuple[Node, ...]:
    if ports and len(ports) < count:
        raise ValueError(f"{count} {kind} nodes need {count} ports, {len(ports)} are set")
    chosen = ports[:count] if ports else [public_port + NODE_OFFSET + i for i in range(1, count + 1)]
    return tuple(Node(f"{kind}-{i}", kind, port) for i, port in enumerate(chosen, start=1))
