"""The balancer's configuration (HAProxy 2.6, Debian's package), generated from a :class:`Topology`.

Each conversation goes to one Rasa node, chosen by consistent hashing on its id, so one node handles all of
its messages in order (the conversation lock, :mod:`bot.cluster.lock_store`, guards a conversation that
reaches two nodes: during a failover, and a widget's, whose socket may sit on another node):

* REST: the ``sender`` of the JSON body; SMS: Twilio's ``From``; Rasa's API (the console's relay):
  ``/conversations/<id>/``; the widget's socket.io and its files: the client address (socket.io long
  polling needs every request of a socket on the node that opened it, Rasa's socket.io has no shared queue).
  The hash is of the id as the node reads it, so Twilio's ``From=%2B1555…`` and the relay's
  ``/conversations/+1555…/`` meet on one node: the form value decoded ("+" a space, ``%2B`` a "+", as Sanic
  parses forms), the path segment as it is (Sanic 21.12 decodes no path parameter: ``a%20b`` is Rasa's id).
* A node that stops answering is taken out at the first refused connection and by health checks every
  second (a check may take 30 s: a node slowed by load stays in); its conversations move to the next node
  on the ring (and come back when it is up again). A request whose connection failed is sent again, to
  another node; one that a node took and then died on is not (it may have been handled): the client
  repeats it with the same ``message_id`` and gets the stored answer.
* Action servers are stateless: round robin with the same health checks; a call whose server died before
  answering (empty response) is sent again to another one, so an action may run twice but is not lost.
* The balancer's own health (``HEALTH_PATH``) fails while any node is out, so `iopbot run` is ready only when
  the balancer routes to every node, and reports the cluster degraded while one is down.
* Requests are not logged (URLs carry conversation ids). The nodes trust one proxy for the client address
  (``SANIC_PROXIES_COUNT=1``), so rate limits still see the person, not the balancer.

``python -m bot.cluster.haproxy --for compose|k8s [--write]`` renders the configuration deploy/ uses (servers
named by their DNS name, see :mod:`bot.cluster.deploy`).
"""

from __future__ import annotations

import argparse
from typing import Callable

from bot.cluster.topology import Node, Topology

HEALTH_PATH = "/balancer/health"  # answered by the balancer itself
# containers get a new address when restarted: servers named by DNS are looked up again every few seconds
RESOLVERS = ["resolvers dns", "  parse-resolv-conf", "  hold valid 5s", ""]
BY_NAME = " resolvers dns init-addr libc,none"  # start even while a node's name does not resolve yet


def render(topology: Topology, address: Callable[[Node], str] | None = None) -> str:
    """The configuration; ``address`` gives a node's "name:port" (default: 127.0.0.1, the local run)."""
    host = topology.host
    return "\n".join([
        "global",
        "  maxconn 2048",
        # an action call carries the whole tracker; HAProxy can send a request again only if it fits in one
        # buffer (16 KB by default: a screening's tracker is larger, so a cut-off call was not retried)
        "  tune.bufsize 262144",
        "  hard-stop-after 15s",
        "defaults",
        "  mode http",
        "  option forwardfor",
        "  option redispatch 1",
        "  retries 3",
        "  retry-on conn-failure",
        "  timeout connect 1s",
        "  timeout client 120s",
        "  timeout server 120s",
        "  timeout queue 30s",
        "  timeout tunnel 1h",
        # a busy node answers its check late and must stay in (the only node marked down under load made the
        # balancer answer 503 to everything); a dead one refuses connections and is out at once (layer 4)
        "  timeout check 30s",
        "  default-server inter 1s fall 2 rise 2 observe layer4 error-limit 1 on-error mark-down",
        "",
        *(RESOLVERS if address else []),
        "frontend chat",
        f"  bind {host}:{topology.rasa_port}",
        f"  monitor-uri {HEALTH_PATH}",
        # healthy (and so `iopbot run` ready) only once every node passed the balancer's own checks
        f"  monitor fail if {{ nbsrv(rasa) lt {len(topology.rasa)} }} "
        f"|| {{ nbsrv(actions) lt {len(topology.actions)} }}",
        "  option http-buffer-request",
        "  http-request set-var(txn.conversation) src",
        "  http-request set-var(txn.conversation) req.body,json_query('$.sender') "
        "if { path_beg /webhooks/rest/ } { method POST }",
        "  http-request set-var(txn.conversation) req.body_param(From),url_dec(1) "
        "if { path_beg /webhooks/twilio/ } { method POST }",
        "  http-request set-var(txn.conversation) path,field(3,/) if { path_beg /conversations/ }",
        "  default_backend rasa",
        "",
        "backend rasa",
        "  balance hash var(txn.conversation)",
        "  hash-type consistent",
        "  option httpchk GET /",
        *_servers(topology.rasa, address),
        "",
        "frontend actions",
        f"  bind {host}:{topology.action_port}",
        "  option http-buffer-request",  # kept, so a cut-off call can be sent again
        "  default_backend actions",
        "",
        "backend actions",
        "  balance roundrobin",
        # an action call cut off by a dying action server is run again on another (at least once): else Rasa
        # drops the action's events and the conversation goes on without them (e.g. an answer not stored)
        "  retry-on conn-failure empty-response",
        "  option httpchk GET /health",
        *_servers(topology.actions, address),
        "",
    ])


def _servers(nodes: tuple[Node, ...], address: Callable[[Node], str] | None) -> list[str]:
    if address is None:
        return [f"  server {node.name} 127.0.0.1:{node.port} check" for node in nodes]
    return [f"  server {node.name} {address(node)} check{BY_NAME}" for node in nodes]


def main(argv: list[str] | None = None) -> None:
    from bot.cluster import deploy

    parser = argparse.ArgumentParser(prog="python -m bot.cluster.haproxy", description=__doc__.split("\n")[0])
    parser.add_argument("--for", dest="target", choices=deploy.TARGETS, required=True)
    parser.add_argument("--nodes", type=int, default=deploy.NODES, help="Rasa nodes (default %(default)s)")
    parser.add_argument("--action-nodes", type=int, default=None, help="action servers (default: as many)")
    parser.add_argument("--write", action="store_true", help="write deploy/<target>/haproxy.cfg instead of printing")
    args = parser.parse_args(argv)
    text = deploy.haproxy_config(args.target, args.nodes, args.action_nodes)
    if args.write:
        deploy.haproxy_path(args.target).write_text(text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
