"""``redis_url``: a real Redis (Debian's redis-server) with a password, on a free loopback port, per test.

Missing binary FAILS the test (``make system-deps`` installs redis-server)."""

from __future__ import annotations

import secrets
import shutil
import subprocess

import pytest

from tests.support.proc import wait_until
from tests.support.stack import free_port


class RedisProcess:
    def __init__(self, directory) -> None:
        if not shutil.which("redis-server"):
            pytest.fail("redis-server is not installed (make system-deps installs it)")
        self.port, self.password = free_port(), secrets.token_hex(16)
        config = directory / "redis.conf"
        config.write_text(f'bind 127.0.0.1\nport {self.port}\nrequirepass {self.password}\nsave ""\n'
                          f"appendonly no\ndir {directory}\n")
        self.proc = subprocess.Popen(["redis-server", str(config)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis(port=self.port, password=self.password, socket_connect_timeout=0.5)
        wait_until(lambda: _pings(client), 10, lambda: "redis-server did not start")

    @property
    def url(self) -> str:
        return f"redis://:{self.password}@127.0.0.1:{self.port}/1"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


def _pings(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisProcess(tmp_path)
    yield server
    server.stop()
