"""GET /api/health, /api/health/ready and /api/health/memory."""

import os

import pytest

from ops.memory import MemoryReader, MemoryUsage

MiB = 2**20


def test_liveness_is_ok_without_touching_the_database(client):
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_liveness_accepts_the_trailing_slash_form(client):
    assert client.get("/api/health/").status_code == 200


@pytest.mark.django_db
def test_readiness_is_ok_when_the_database_answers(client):
    response = client.get("/api/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_readiness_is_503_with_retry_after_when_the_database_is_down(
    client, database_down, settings
):
    settings.RETRY_AFTER_SECONDS = 12

    response = client.get("/api/health/ready")

    assert response.status_code == 503
    assert response["Retry-After"] == "12"
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "OperationalError"},
        "detail": "The database is unavailable right now; please retry shortly.",
        "message": "The database is unavailable right now; please retry shortly.",
        "code": "database_unavailable",
    }


@pytest.fixture
def shared_cache(settings):
    """The cache in Redis, as REDIS_URL makes it (db 14, emptied)."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/14"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    from django.core.cache import cache

    cache.clear()
    return settings


@pytest.mark.django_db
def test_readiness_names_the_shared_cache_when_there_is_one(client, shared_cache):
    response = client.get("/api/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readiness_is_degraded_not_503_when_the_shared_cache_is_away(client, shared_cache):
    # Nothing listens on port 1: the app still serves (rate limits fall back), so the probe
    # must not take every app server out of the balancer.
    shared_cache.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get("/api/health/ready")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ConnectionError"},
    }


@pytest.fixture
def fresh_bucket_checks(monkeypatch):
    from ops import readiness

    monkeypatch.setattr(readiness, "_bucket_results", {})
    return readiness


@pytest.mark.django_db
def test_readiness_names_the_bucket_and_reports_it_away_without_failing(
    client, bucket, fresh_bucket_checks, monkeypatch
):
    clock = [1000.0]
    monkeypatch.setattr(fresh_bucket_checks.time, "monotonic", lambda: clock[0])

    first = client.get("/api/health/ready")
    bucket.client.delete_bucket(Bucket=bucket.name)
    clock[0] += fresh_bucket_checks.BUCKET_CHECK_INTERVAL_SECONDS
    after = client.get("/api/health/ready")

    assert first.status_code == 200
    assert first.json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert after.status_code == 200
    assert after.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "storage": "ClientError"},
    }


@pytest.mark.django_db
def test_readiness_asks_the_bucket_at_most_once_per_interval(
    client, bucket, fresh_bucket_checks, monkeypatch
):
    from lebrq.bucket_storage import BucketStorage

    clock = [1000.0]
    monkeypatch.setattr(fresh_bucket_checks.time, "monotonic", lambda: clock[0])
    asked: list[str] = []
    check_reachable = BucketStorage.check_reachable

    def counted(self: BucketStorage) -> None:
        asked.append(self.bucket_name)
        check_reachable(self)

    monkeypatch.setattr(BucketStorage, "check_reachable", counted)

    for _ in range(5):
        assert client.get("/api/health/ready").json()["checks"]["storage"] == "ok"
    clock[0] += fresh_bucket_checks.BUCKET_CHECK_INTERVAL_SECONDS - 0.1
    client.get("/api/health/ready")
    assert len(asked) == 1
    clock[0] += 0.1
    client.get("/api/health/ready")
    assert len(asked) == 2


@pytest.mark.parametrize(
    ("percent", "status"),
    [(50.0, "ok"), (84.9, "ok"), (85.0, "warning"), (89.9, "warning"), (90.0, "critical")],
)
def test_memory_status_follows_the_thresholds(client, monkeypatch, settings, percent, status):
    settings.MEMORY_THRESHOLD_PERCENT = 85.0
    settings.MEMORY_CRITICAL_PERCENT = 90.0
    usage = MemoryUsage("cgroup-v1", used_bytes=int(percent * 10 * MiB), limit_bytes=1000 * MiB)
    monkeypatch.setattr(MemoryReader, "read", lambda self: usage)

    response = client.get("/api/health/memory")

    assert response.status_code == 200
    assert response.json()["status"] == status


def test_memory_reports_usage_source_thresholds_and_this_worker(client, monkeypatch, settings):
    settings.WORKER_MAX_RSS_MB = 512
    usage = MemoryUsage("cgroup-v2", used_bytes=300 * MiB, limit_bytes=1024 * MiB)
    monkeypatch.setattr(MemoryReader, "read", lambda self: usage)

    body = client.get("/api/health/memory").json()
    rss = body.pop("process_rss_bytes")

    assert 10 * MiB < rss < 2048 * MiB
    assert body == {
        "status": "ok",
        "source": "cgroup-v2",
        "used_percent": 29.3,
        "used_bytes": 300 * MiB,
        "limit_bytes": 1024 * MiB,
        "pid": os.getpid(),
        "threshold_percent": 85.0,
        "critical_percent": 90.0,
        "worker_max_rss_bytes": 512 * MiB,
    }


@pytest.mark.django_db
def test_the_health_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path in ("/api/health", "/api/health/ready", "/api/health/memory"):
        assert schema["paths"][path]["get"]["tags"] == ["health"]
    assert set(schema["paths"]["/api/health/ready"]["get"]["responses"]) == {"200", "503"}


@pytest.mark.django_db
def test_memory_through_the_proxy_tells_a_stranger_only_the_status(client, monkeypatch):
    usage = MemoryUsage("cgroup-v2", used_bytes=300 * MiB, limit_bytes=1024 * MiB)
    monkeypatch.setattr(MemoryReader, "read", lambda self: usage)

    body = client.get("/api/health/memory", HTTP_X_FORWARDED_FOR="203.0.113.9").json()

    assert body == {"status": "ok", "used_percent": 29.3}


@pytest.mark.django_db
def test_memory_through_the_proxy_tells_staff_everything(client, monkeypatch):
    from rest_framework_simplejwt.tokens import AccessToken

    from tests.factories import UserFactory

    usage = MemoryUsage("cgroup-v2", used_bytes=300 * MiB, limit_bytes=1024 * MiB)
    monkeypatch.setattr(MemoryReader, "read", lambda self: usage)
    staff = UserFactory(staff=True)
    customer = UserFactory()

    def memory(user):
        return client.get(
            "/api/health/memory",
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(user)}",
        ).json()

    assert memory(staff)["pid"] == os.getpid()
    assert memory(staff)["limit_bytes"] == 1024 * MiB
    assert "pid" not in memory(customer)
