"""Django's MariaDB/MySQL backend with a bounded pool of connections in each process.

Under ASGI each request's sync code runs in a thread of its own, so Django's persistent
connections (CONN_MAX_AGE) are never reused and pile up ("1040 Too many connections"); with
CONN_MAX_AGE=0 every request opens a connection instead (~1.5 ms, issue 24). Here the
connection Django closes at the end of a request goes back to a pool of at most DB_POOL_SIZE
connections per process, and the next request's thread takes it.

Written here because Django pools only PostgreSQL (psycopg's pool), and the maintained MySQL
option (django-db-connection-pool) pools through SQLAlchemy, whose import costs each worker
~28 MiB, more than the pool saves (in a venv with sqlalchemy: RSS from /proc/self/statm before
and after `import sqlalchemy.pool`, 8.5 -> 36.6 MiB on 2026-12-05).
"""

import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db.backends.mysql import base
from django.db.utils import OperationalError

logger = logging.getLogger(__name__)

Connection = Any  # MySQLdb.connections.Connection: mysqlclient ships no type hints


class ConnectionPool:
    """At most `size` connections out at once; idle ones kept (newest first) for reuse.

    A connection idle longer than `ping_after` seconds is pinged before reuse (the server
    may have closed it: a restart, wait_timeout); a dead one is dropped and replaced.
    """

    def __init__(self, size: int, timeout: float, ping_after: float) -> None:
        self.size = size
        self.timeout = timeout
        self.ping_after = ping_after
        self._slots = threading.BoundedSemaphore(size)
        self._idle: queue.LifoQueue[tuple[Connection, float]] = queue.LifoQueue()

    def acquire(self, connect: Callable[[], Connection]) -> Connection:
        if not self._slots.acquire(timeout=self.timeout):
            raise OperationalError(
                f"All {self.size} database connections of this process stayed in use for "
                f"{self.timeout} s (DB_POOL_SIZE)."
            )
        try:
            while True:
                try:
                    connection, released_at = self._idle.get_nowait()
                except queue.Empty:
                    return connect()
                if time.monotonic() - released_at < self.ping_after or _alive(connection):
                    return connection
                _close_quietly(connection)
        except BaseException:
            self._slots.release()
            raise

    def release(self, connection: Connection, *, reusable: bool) -> None:
        try:
            if reusable:
                self._idle.put((connection, time.monotonic()))
            else:
                _close_quietly(connection)
        finally:
            self._slots.release()

    def idle_count(self) -> int:
        return self._idle.qsize()


def _alive(connection: Connection) -> bool:
    try:
        connection.ping()
    except Exception:
        return False
    return True


def _close_quietly(connection: Connection) -> None:
    try:
        connection.close()
    except Exception as exc:
        logger.debug("Closing a pooled connection failed: %s", exc)


_pools: dict[tuple[Any, ...], ConnectionPool] = {}
_pools_lock = threading.Lock()


def pool_for(settings_dict: dict[str, Any]) -> ConnectionPool:
    """One pool per database and account, shared by every thread of this process."""
    key = tuple(settings_dict.get(name) for name in ("HOST", "PORT", "NAME", "USER"))
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            options = settings_dict.get("POOL", {})
            pool = _pools[key] = ConnectionPool(
                size=options.get("size", 20),
                timeout=options.get("timeout", 10.0),
                ping_after=options.get("ping_after", 1.0),
            )
        return pool


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Connection:
        connect = super().get_new_connection
        return pool_for(self.settings_dict).acquire(lambda: connect(conn_params))

    def _close(self) -> None:
        if self.connection is None:
            return
        connection, pool = self.connection, pool_for(self.settings_dict)
        # Back to the pool only in a clean state: no transaction left open, no broken link.
        reusable = not self.in_atomic_block and (not self.errors_occurred or self.is_usable())
        if reusable and not self.autocommit:
            try:
                connection.rollback()
            except Exception:
                reusable = False
        pool.release(connection, reusable=reusable)
