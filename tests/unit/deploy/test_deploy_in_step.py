"""deploy/ (docker compose, Kubernetes, the image) stays in step with the local multi-node run: service names,
ports, health URLs and per-kind settings from :class:`Topology` and bot.config, the committed HAProxy configs
equal a fresh render, no secret is written in, and the image installs the lock with --no-deps.
No docker daemon or cluster is needed; `haproxy -c` and `kubectl kustomize` run when installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.cluster import deploy, haproxy
from bot.cluster.topology import ACTIONS, RASA, Topology
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "deploy" / "compose" / "compose.yaml"
K8S = ROOT / "deploy" / "k8s"
HEALTH = {RASA: "/", ACTIONS: "/health", "console": "/healthz", "balancer": haproxy.HEALTH_PATH}
DEPLOY_ONLY = {"IOPBOT_HOST", "IOPBOT_NODE_NAME"}  # where the balancer is; which node this is
SECRET_NAMES = re.compile(r"PASSWORD|TOKEN|KEY|_URL$|AUTH")
DEFAULTS = Settings()


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def _k8s() -> dict[tuple[str, str], dict]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and "kind" in doc and "metadata" in doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def _container(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]["containers"][0]


def _kind(name: str) -> str:
    return name.rsplit("-", 1)[0] if name.startswith((RASA, ACTIONS)) else name


def _probe_url(service: dict) -> str:
    return service["healthcheck"]["test"][-1]


# ---- docker compose ----------------------------------------------------------------------------------------

def test_compose_runs_the_local_topology_under_the_same_names():
    topology = deploy.topology("compose")
    expected = {"balancer", "console", "redis", "postgres", *(node.name for node in topology.nodes)}
    assert set(_compose()) == expected
    assert [n.name for n in topology.nodes] == [n.name for n in Topology.from_settings(DEFAULTS, deploy.NODES).nodes]


def test_compose_nodes_listen_and_are_checked_on_the_local_ports_and_health_urls():
    services, local = _compose(), Topology.from_settings(DEFAULTS, deploy.NODES)
    for node in local.nodes:
        service = services[node.name]
        assert service["command"] == [node.kind, "--port", str(node.port)], node.name
        assert service["expose"] == [str(node.port)], node.name
        assert _probe_url(service) == f"http://127.0.0.1:{node.port}{HEALTH[node.kind]}", node.name
    assert _probe_url(services["balancer"]) == f"http://127.0.0.1:{DEFAULTS.rasa_port}{HEALTH['balancer']}"
    assert services["balancer"]["ports"] == [f"{DEFAULTS.rasa_port}:{DEFAULTS.rasa_port}"]
    assert services["balancer"]["expose"] == [str(DEFAULTS.action_port)]
    assert _probe_url(services["console"]) == f"http://127.0.0.1:{DEFAULTS.console_port}{HEALTH['console']}"
    assert services["console"]["ports"] == [f"{DEFAULTS.console_port}:{DEFAULTS.console_port}"]
    assert services["redis"]["expose"] == [str(DEFAULTS.redis_port)]
    assert services["postgres"]["expose"] == [str(DEFAULTS.postgres_port)]
    assert services["postgres"]["environment"]["PGPORT"] == str(DEFAULTS.postgres_port)
    assert f"port {DEFAULTS.redis_port}" in services["redis"]["command"][-1]


def test_compose_gives_each_kind_exactly_the_settings_the_topology_names():
    services = _compose()
    for name in [n.name for n in deploy.topology("compose").nodes] + ["console"]:
        env = services[name]["environment"]
        assert set(env) - DEPLOY_ONLY == set(Topology.environment(_kind(name))), name
        assert env["IOPBOT_HOST"] == "balancer", name
    for node in deploy.topology("compose").nodes:
        assert services[node.name]["environment"]["IOPBOT_NODE_NAME"] == node.name


def test_compose_writes_no_secret_value_only_references_to_the_env_file():
    for name, service in _compose().items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAMES.search(key):
                assert re.fullmatch(r"\$\{[A-Z_]+:\?[^}]*\}", str(value)), (name, key)
                assert value[2:].split(":")[0] in deploy.SECRETS, (name, key)


def test_the_generated_env_file_holds_the_secrets_and_points_at_the_cluster_stores():
    values = dict(line.split("=", 1) for line in deploy.new_env().splitlines())
    assert tuple(values) == deploy.SECRETS and all(values.values())
    assert values["IOPBOT_DATABASE_URL"].endswith(f"@postgres:{DEFAULTS.postgres_port}/postgres")
    assert f":{values['POSTGRES_PASSWORD']}@" in values["IOPBOT_DATABASE_URL"]
    assert values["IOPBOT_REDIS_URL"] == f"redis://:{values['REDIS_PASSWORD']}@redis:{DEFAULTS.redis_port}/1"
    assert deploy.new_env() != deploy.new_env()  # fresh every time


# ---- Kubernetes --------------------------------------------------------------------------------------------

def test_k8s_node_pods_carry_the_local_node_names_and_listen_on_one_port_per_kind():
    docs, topology = _k8s(), deploy.topology("k8s")
    for kind, nodes in ((RASA, topology.rasa), (ACTIONS, topology.actions)):
        sts = docs[("StatefulSet", kind)]["spec"]
        start = sts["ordinals"]["start"]
        pods = [f"{kind}-{i}" for i in range(start, start + sts["replicas"])]
        assert pods == [n.name for n in nodes] == [n.name for n in deploy.topology("compose").nodes if n.kind == kind]
        assert docs[("Service", kind)]["spec"]["clusterIP"] == "None" and sts["serviceName"] == kind
        container, port = _container(docs[("StatefulSet", kind)]), nodes[0].port
        assert {n.port for n in nodes} == {port}
        assert container["args"] == [kind, "--port", str(port)]
        assert docs[("Service", kind)]["spec"]["ports"][0]["port"] == port
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": HEALTH[kind], "port": port}, (kind, probe)


def test_k8s_services_and_probes_use_the_local_ports_and_health_urls():
    docs = _k8s()
    names = {name for kind, name in docs if kind == "Service"}
    assert names == {"balancer", "console", "redis", "postgres", RASA, ACTIONS}
    assert [p["port"] for p in docs[("Service", "balancer")]["spec"]["ports"]] == [DEFAULTS.rasa_port,
                                                                                    DEFAULTS.action_port]
    assert docs[("Service", "console")]["spec"]["ports"][0]["port"] == DEFAULTS.console_port
    assert docs[("Service", "redis")]["spec"]["ports"][0]["port"] == DEFAULTS.redis_port
    assert docs[("Service", "postgres")]["spec"]["ports"][0]["port"] == DEFAULTS.postgres_port
    for name, port in (("balancer", DEFAULTS.rasa_port), ("console", DEFAULTS.console_port)):
        container = _container(docs[("Deployment", name)])
        for probe in ("readinessProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": HEALTH[name], "port": port}, (name, probe)


def test_k8s_gives_each_kind_exactly_the_settings_the_topology_names_from_the_secret():
    docs = _k8s()
    for kind, workload in ((RASA, ("StatefulSet", RASA)), (ACTIONS, ("StatefulSet", ACTIONS)),
                           ("console", ("Deployment", "console"))):
        env = {e["name"]: e for e in _container(docs[workload])["env"]}
        assert set(env) - DEPLOY_ONLY == set(Topology.environment(kind)), kind
        assert env["IOPBOT_HOST"]["value"] == "balancer"
        for name, entry in env.items():
            if SECRET_NAMES.search(name):
                assert "value" not in entry and entry["valueFrom"]["secretKeyRef"] == {"name": "iopbot", "key": name}


def test_k8s_secret_template_names_every_secret_and_holds_no_value():
    secret = yaml.safe_load((K8S / "secret.template.yaml").read_text())
    assert tuple(secret["stringData"]) == deploy.SECRETS
    assert set(secret["stringData"].values()) == {""}
    assert "secret.template.yaml" not in yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    for (kind, name), doc in _k8s().items():
        for container in doc.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            for entry in container.get("env", []):
                if SECRET_NAMES.search(entry["name"]):
                    assert "value" not in entry, (kind, name, entry["name"])


# ---- the balancer's configuration --------------------------------------------------------------------------

@pytest.mark.parametrize("target", deploy.TARGETS)
def test_committed_haproxy_config_equals_a_fresh_render(target):
    assert deploy.haproxy_path(target).read_text() == deploy.haproxy_config(target)


def test_cluster_configs_name_servers_by_dns_and_the_local_one_stays_on_loopback():
    local = haproxy.render(Topology.from_settings(DEFAULTS, 2))
    assert "resolvers" not in local and "  server rasa-2 127.0.0.1:5107 check\n" in local
    compose = deploy.haproxy_config("compose")
    assert "  server rasa-2 rasa-2:5107 check resolvers dns init-addr libc,none\n" in compose
    assert "  server actions-1 actions-1.actions.iopbot.svc.cluster.local:5156 check" in deploy.haproxy_config("k8s")
    # apart from addresses and the resolver, the cluster's balancer routes exactly as the local one
    strip = re.compile(r"^(  server \S+) \S+ check.*$|^  bind \S+:(\d+)$", re.M)
    same = [strip.sub(r"\1\2", text).replace("\n".join(haproxy.RESOLVERS) + "\n", "") for text in (local, compose)]
    assert same[0] == same[1]


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy is not installed (Debian package haproxy)")
@pytest.mark.parametrize("target", deploy.TARGETS)
def test_haproxy_accepts_the_committed_config(target):
    result = subprocess.run(["haproxy", "-c", "-f", str(deploy.haproxy_path(target))], capture_output=True,
                            text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_builds_the_manifests_with_the_generated_config():
    result = subprocess.run(["kubectl", "kustomize", str(K8S)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    docs = [d for d in yaml.safe_load_all(result.stdout) if d]
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    assert config["data"]["haproxy.cfg"] == deploy.haproxy_config("k8s")
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {deploy.NAMESPACE}


def test_compose_mounts_the_committed_config_into_the_balancer():
    balancer = _compose()["balancer"]
    mount = "./haproxy.cfg:/etc/iopbot/haproxy.cfg:ro"
    assert balancer["volumes"] == [mount] and balancer["command"] == ["balancer", "/etc/iopbot/haproxy.cfg"]


# ---- the image ---------------------------------------------------------------------------------------------

def test_the_image_installs_the_lock_like_make_install_and_bakes_in_no_secret():
    docker = (ROOT / "deploy" / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert docker.splitlines()[[i for i, line in enumerate(docker.splitlines()) if line.startswith("FROM")][0]] \
        == "FROM python:3.11-slim-bookworm"
    for step in ("--no-deps --ignore-requires-python -r requirements.lock", "--no-deps --no-build-isolation -e ."):
        assert step in makefile and step in docker, step
    assert '"pip==24.3.1"' in makefile and '"pip==24.3.1"' in docker
    assert not re.search(r"--(extra-)?index-url|--find-links|\.whl|file://", docker)
    assert re.search(r"^USER (?!root)\w+$", docker, re.M)
    assert not re.search(r"^(ENV|ARG)\b.*(PASSWORD|TOKEN|SECRET|ENCRYPTION_KEY|DATABASE_URL)", docker, re.M)
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {"var", "models", ".venv", ".env", "**/.env"} <= ignored  # local keys, databases and envs stay out


# ---- what a container starts -------------------------------------------------------------------------------

def test_a_rasa_container_starts_like_a_local_node_with_endpoints_through_the_balancer(tmp_path, monkeypatch):
    from bot import training
    from bot.cluster import container

    model = tmp_path / "model.tar.gz"
    monkeypatch.setattr(training, "plan", lambda _settings: training.Plan(False, False, None, model))
    settings = Settings(data_dir=tmp_path, host="balancer", database_url="postgresql+psycopg2://u:p@postgres:5433/db",
                        redis_url="redis://:pw@redis:6380/1")
    argv = container.argv_for("rasa", 5107, settings)
    assert argv[argv.index("--port") + 1] == "5107" and argv[argv.index("--interface") + 1] == deploy.ANY
    assert argv[argv.index("--model") + 1] == str(model) and "--enable-api" in argv
    endpoints = yaml.safe_load(Path(argv[argv.index("--endpoints") + 1]).read_text())
    assert endpoints["action_endpoint"]["url"] == f"http://balancer:{DEFAULTS.action_port}/webhook"
    assert endpoints["tracker_store"]["type"] == "bot.store.tracker_store.EncryptedSQLTrackerStore"
    assert endpoints["lock_store"]["url"] == "redis" and endpoints["lock_store"]["port"] == DEFAULTS.redis_port
    console = container.argv_for("console", None, settings)
    assert console[console.index("--host") + 1] == deploy.ANY
    assert console[console.index("--port") + 1] == str(DEFAULTS.console_port)
