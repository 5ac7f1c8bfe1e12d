"""With the shared cache away (REDIS_URL set, Redis not answering), the app keeps serving:
every use of the cache is a saving or a guard, never the only copy of anything
(docs/SCALING.md, Shared cache)."""

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a-Long-passw0rd!"
# Nothing listens on port 1: every cache call fails at once with redis' ConnectionError.
AWAY = "redis://127.0.0.1:1/0"
# The real Redis of this machine (db 13, emptied), for the same requests with a cache.
HERE = "redis://127.0.0.1:6379/13"


def use_redis(settings: Any, url: str) -> None:
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.AUTH_USER_CACHE_SECONDS = 300
    settings.THROTTLE_RATES = {"login_ip": "5/min", "login_account": "5/min"}
    # Every total is one the count cache keeps, so the list's count goes through the cache.
    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 0


def a_staff_session() -> list[tuple[int, Any]]:
    """Log in, read who I am, read a paginated staff list and the readiness probe."""
    client = APIClient()
    login = client.post("/api/auth/login", {"username": "boss", "password": PASSWORD})
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    me, users = client.get("/api/auth/me"), client.get("/api/admin/bookings")
    ready = client.get("/api/health/ready")
    return [(r.status_code, r.json()) for r in (login, me, users, ready)]


@pytest.mark.django_db
def test_with_redis_away_logins_authentication_and_lists_answer_as_with_it(settings):
    UserFactory(username="boss", password=PASSWORD, staff=True)
    use_redis(settings, HERE)
    cache.clear()
    with_cache = a_staff_session()
    use_redis(settings, AWAY)

    without_cache = a_staff_session()

    assert [status for status, _ in without_cache] == [200, 200, 200, 200]
    # The same user and the same list, counted by the database instead of the cache.
    assert without_cache[1] == with_cache[1]
    assert without_cache[2] == with_cache[2]
    assert with_cache[3][1]["checks"]["cache"] == "ok"
    assert without_cache[3][1] == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ConnectionError"},
    }


def test_a_redis_that_never_answers_fails_the_call_instead_of_holding_it(tmp_path):
    """A Redis host that accepts and then says nothing (overloaded, half-partitioned) gets
    REDIS_TIMEOUT_SECONDS, not redis-py's default of waiting forever: the settings pass it on.
    The app's own settings run in a child process; were the timeout not applied, its cache
    call would hang and the child be killed at 60 s."""
    silent = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(silent.accept()[0]), daemon=True).start()
    port = silent.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        "REDIS_TIMEOUT_SECONDS": "0.2",
    }
    script = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "from redis.exceptions import TimeoutError\n"
        "try:\n"
        "    cache.get('anything')\n"
        "except TimeoutError:\n"
        "    print('timed out')\n"
    )
    try:
        child = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "lebrq.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        silent.close()
        for connection in accepted:
            connection.close()

    assert child.stdout.strip() == "timed out", child.stderr
    assert accepted  # it did connect: the read, not the connect, timed out
