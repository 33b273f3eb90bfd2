"""The cluster as deploy/ runs it (docker compose, Kubernetes): the local topology under service names.

Compose runs every node as a service named like the local one (``rasa-1``, ``actions-2``) on the same port.
Kubernetes runs the nodes as two StatefulSets whose pods carry those names (ordinals from 1) behind headless
Services ``rasa`` and ``actions`` in the namespace ``iopbot`` (HAProxy's resolver needs the full name). Every
pod has an address of its own, so all pods of a kind listen on the first node's port (a pod template has one
port for its probes). ``tests/unit/deploy`` keeps the files in step.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import Callable

from bot.cluster.topology import Node, Topology
from bot.config import PROJECT_ROOT, Settings

TARGETS = ("compose", "k8s")
NODES = 2  # what the committed files run
BALANCER, CONSOLE, REDIS, POSTGRES = "balancer", "console", "redis", "postgres"  # service names
NAMESPACE, CLUSTER_DOMAIN = "iopbot", "svc.cluster.local"  # Kubernetes
ANY = "0.0.0.0"  # noqa: S104 - containers listen on their own address
# the secrets every deployment gets from deploy/compose/.env (a Kubernetes Secret made from the same file)
SECRETS = ("POSTGRES_PASSWORD", "REDIS_PASSWORD", "IOPBOT_DATABASE_URL", "IOPBOT_REDIS_URL",
           "IOPBOT_ENCRYPTION_KEY", "IOPBOT_SECRET_KEY", "IOPBOT_RASA_TOKEN", "IOPBOT_REST_TOKEN")


def topology(target: str, nodes: int = NODES, action_nodes: int | None = None) -> Topology:
    local = Topology.from_settings(Settings(host=ANY), nodes, action_nodes)
    if target == "compose":
        return local
    same = Settings(host=ANY, rasa_node_ports=[local.rasa[0].port] * len(local.rasa),
                    action_node_ports=[local.actions[0].port] * len(local.actions))
    return Topology.from_settings(same, nodes, action_nodes)


def address(target: str) -> Callable[[Node], str]:
    """A node's "name:port" inside the cluster: the compose service, or the pod under its headless Service."""
    if target == "compose":
        return lambda node: f"{node.name}:{node.port}"
    return lambda node: f"{node.name}.{node.kind}.{NAMESPACE}.{CLUSTER_DOMAIN}:{node.port}"


def haproxy_config(target: str, nodes: int = NODES, action_nodes: int | None = None) -> str:
    from bot.cluster import haproxy

    return haproxy.render(topology(target, nodes, action_nodes), address(target))


def haproxy_path(target: str) -> Path:
    return PROJECT_ROOT / "deploy" / target / "haproxy.cfg"


def new_env() -> str:
    """A fresh deploy/compose/.env: random passwords and keys, the URLs of the cluster's Redis and PostgreSQL."""
    defaults = Settings()
    pg, redis = secrets.token_hex(24), secrets.token_hex(24)  # hex: safe inside a URL
    values = {
        "POSTGRES_PASSWORD": pg,
        "REDIS_PASSWORD": redis,
        "IOPBOT_DATABASE_URL": f"postgresql+psycopg2://postgres:{pg}@{POSTGRES}:{defaults.postgres_port}/postgres",
        "IOPBOT_REDIS_URL": f"redis://:{redis}@{REDIS}:{defaults.redis_port}/1",
        "IOPBOT_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),  # a Fernet key
        **{name: secrets.token_urlsafe(48) for name in SECRETS[5:]},
    }
    return "".join(f"{name}={values[name]}\n" for name in SECRETS)
