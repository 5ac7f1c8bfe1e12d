"""The bounded connection pool of the MariaDB backend (lebrq/mysql_pool), on the real server."""

import threading
from typing import Any

import pytest
from django.db import OperationalError, connection, connections

from lebrq.mysql_pool.base import ConnectionPool
from tests.concurrency.gate import all_at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "mysql", reason="the pool is the MariaDB backend's"
)


class FakeConnection:
    def __init__(self, number: int, *, alive: bool = True) -> None:
        self.number = number
        self.alive = alive
        self.closed = False

    def ping(self) -> None:
        if not self.alive:
            raise OSError("server has gone away")

    def close(self) -> None:
        self.closed = True


def opener() -> tuple[list[FakeConnection], Any]:
    opened: list[FakeConnection] = []

    def connect() -> FakeConnection:
        opened.append(FakeConnection(len(opened)))
        return opened[-1]

    return opened, connect


def test_a_released_connection_is_reused_and_a_broken_one_is_not():
    opened, connect = opener()
    pool = ConnectionPool(size=2, timeout=1, ping_after=60)

    first = pool.acquire(connect)
    pool.release(first, reusable=True)
    again = pool.acquire(connect)
    pool.release(again, reusable=False)
    fresh = pool.acquire(connect)

    assert again is first
    assert first.closed
    assert fresh is not first
    assert len(opened) == 2


def test_an_idle_connection_the_server_dropped_is_replaced():
    opened, connect = opener()
    pool = ConnectionPool(size=1, timeout=1, ping_after=0)  # always ping before reuse
    dropped = pool.acquire(connect)
    pool.release(dropped, reusable=True)
    dropped.alive = False

    replacement = pool.acquire(connect)

    assert replacement is not dropped
    assert dropped.closed
    assert len(opened) == 2


def test_no_more_than_size_are_out_and_the_next_waits_then_fails():
    _, connect = opener()
    pool = ConnectionPool(size=2, timeout=0.05, ping_after=60)
    pool.acquire(connect)
    held = pool.acquire(connect)

    with pytest.raises(OperationalError, match="All 2 database connections"):
        pool.acquire(connect)
    pool.release(held, reusable=True)
    assert pool.acquire(connect) is held


def _connection_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONNECTION_ID()")
        (number,) = cursor.fetchone()
    return int(number)


@pytest.mark.django_db(transaction=True)
def test_requests_in_new_threads_reuse_one_server_connection():
    """What ASGI does: each request's sync code in a thread of its own, closing at the end."""
    seen: list[int] = []

    def one_request() -> None:
        try:
            seen.append(_connection_id())
        finally:
            connections.close_all()

    for _ in range(5):
        thread = threading.Thread(target=one_request)
        thread.start()
        thread.join()

    assert len(seen) == 5
    assert len(set(seen)) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_never_hold_more_server_connections_than_the_pool(settings):
    import MySQLdb

    params = connection.get_connection_params()
    pool = ConnectionPool(size=3, timeout=30, ping_after=60)
    seen: list[int] = []
    lock = threading.Lock()

    def one_request() -> None:
        raw = pool.acquire(lambda: MySQLdb.connect(**params))
        try:
            cursor = raw.cursor()
            cursor.execute("SELECT CONNECTION_ID(), SLEEP(0.05)")
            with lock:
                seen.append(cursor.fetchone()[0])
        finally:
            pool.release(raw, reusable=True)

    outcomes = all_at_once([one_request] * 10)

    assert outcomes == [None] * 10
    assert len(seen) == 10
    assert len(set(seen)) <= 3
    assert pool.idle_count() == len(set(seen))
