"""The cluster's description: node ports, the Redis lock store entry, Rasa's endpoints, the stored-answer replay."""

from __future__ import annotations

import pytest
import yaml
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.channels.replay import replies_after, valid_message_id
from bot.cluster.local import LOCK_STORE, lock_store_config
from bot.cluster.topology import ACTIONS, RASA, Topology
from bot.config import Settings
from bot.services import write_endpoints


def test_nodes_default_to_ports_after_the_public_ones_and_follow_explicit_ports():
    topology = Topology.from_settings(Settings(rasa_port=5005, action_port=5055), 2)
    assert [(n.name, n.port) for n in topology.nodes] == [
        ("rasa-1", 5106), ("rasa-2", 5107), ("actions-1", 5156), ("actions-2", 5157)]
    chosen = Topology.from_settings(Settings(rasa_node_ports=[9001, 9002, 9003], action_node_ports=[9101]), 3, 1)
    assert [n.port for n in chosen.rasa] == [9001, 9002, 9003] and [n.port for n in chosen.actions] == [9101]
    assert chosen.ports()[:2] == [("balancer (chat)", 5005), ("balancer (actions)", 5055)]


def test_too_few_ports_or_no_nodes_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="3 rasa nodes need 3 ports, 2 are set"):
        Topology.from_settings(Settings(rasa_node_ports=[9001, 9002]), 3)
    with pytest.raises(ValueError, match="at least one"):
        Topology.from_settings(Settings(), 0)


def test_only_rasa_nodes_need_redis_and_the_proxy_setting():
    assert "IOPBOT_REDIS_URL" in Topology.environment(RASA) and "SANIC_PROXIES_COUNT" in Topology.environment(RASA)
    assert "IOPBOT_REDIS_URL" not in Topology.environment(ACTIONS)
    assert "IOPBOT_DATABASE_URL" in Topology.environment(ACTIONS)


def test_the_lock_store_entry_is_read_from_a_redis_url_with_its_password():
    assert lock_store_config("redis://:p%40ss@10.0.0.5:7380/3") == {
        "type": LOCK_STORE, "url": "10.0.0.5", "port": 7380, "db": 3, "key_prefix": "iopbot", "password": "p@ss"}
    assert LOCK_STORE == "bot.cluster.lock_store.ConversationLockStore"
    assert lock_store_config("redis://cache")["port"] == 6379


def test_endpoints_get_a_lock_store_only_with_redis(tmp_path):
    one = yaml.safe_load(write_endpoints(Settings(data_dir=tmp_path), tmp_path / "a.yml").read_text())
    assert "lock_store" not in one
    many = yaml.safe_load(write_endpoints(Settings(data_dir=tmp_path, redis_url="redis://:x@127.0.0.1:7380/1"),
                                          tmp_path / "b.yml").read_text())
    assert many["lock_store"]["type"] == LOCK_STORE and many["lock_store"]["port"] == 7380


def test_a_repeated_message_id_gets_the_replies_that_followed_it_and_an_unknown_one_none():
    events = [UserUttered("hi", message_id="m1"), ActionExecuted("utter_greet"),
              BotUttered("Hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}]}),
              BotUttered("Shall we start?"), UserUttered("yes", message_id="m2"), BotUttered("Question 1")]
    assert replies_after(events, "p", "m1") == [
        {"recipient_id": "p", "text": "Hello", "buttons": [{"title": "Yes", "payload": "/affirm"}]},
        {"recipient_id": "p", "text": "Shall we start?"}]
    assert replies_after(events, "p", "m2") == [{"recipient_id": "p", "text": "Question 1"}]
    assert replies_after(events, "p", "m3") is None


@pytest.mark.parametrize(("value", "ok"), [("abc-1", True), ("a" * 64, True), ("a" * 65, False), ("", False),
                                           ("a b", False), (7, False), ("x;drop", False)])
def test_message_ids_are_short_plain_strings(value, ok):
    assert valid_message_id(value) is ok


def test_the_first_migration_is_tried_again_while_the_database_is_still_starting():
    from bot.cluster.run import until_it_works

    calls = []

    def migrate():
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("the database system is starting up")

    until_it_works(migrate, patience=5, pause=0.01)
    assert len(calls) == 3


def test_a_database_that_never_answers_stops_the_start_with_its_error():
    from bot.cluster.run import until_it_works

    def migrate():
        raise RuntimeError("connection refused")

    with pytest.raises(RuntimeError, match="connection refused"):
        until_it_works(migrate, patience=0.05, pause=0.01)


def test_the_run_says_how_many_nodes_and_which_stores_it_started():
    from bot.cluster.local import _tcp_service
    from bot.cluster.run import LocalCluster

    settings = Settings(rasa_port=5005, action_port=5055)
    cluster = LocalCluster(settings, Topology.from_settings(settings, 2, 1), [_tcp_service("redis", ["r"], 6380)])
    assert cluster.summary() == "2 Rasa nodes and 1 action servers behind the balancer; started here: redis"
