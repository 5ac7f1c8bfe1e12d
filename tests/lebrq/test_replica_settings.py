"""Without DATABASE_REPLICA_URL nothing changes; with it, the replica alias is configured like
the primary (lebrq/settings.py). The replica's behaviour: tests/lebrq/test_read_replica.py."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import MiddlewareNotUsed

from lebrq import checks, db_routers
from tests.factories import BookingFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_without_a_replica_the_lists_never_look_for_pins(staff_client, monkeypatch):
    def no_replica_no_pins(**kwargs):
        raise AssertionError("pins are looked up only with a replica")

    if db_routers.replica_configured():
        pytest.skip("This run has a replica (DATABASE_REPLICA_URL).")
    monkeypatch.setattr(db_routers, "pinned_to_primary", no_replica_no_pins)
    monkeypatch.setattr(db_routers, "pin_to_primary", no_replica_no_pins)
    BookingFactory()

    assert staff_client.get("/api/admin/bookings").status_code == 200
    assert staff_client.post("/api/admin/bookings/mark-viewed").status_code == 200
    with pytest.raises(MiddlewareNotUsed):
        db_routers.PinWritersToPrimaryMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]


def _settings_with(**environment: str) -> subprocess.CompletedProcess[str]:
    """lebrq.settings loaded in a fresh interpreter with this environment."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DB_POOL_SIZE")
    }
    env.update(SECRET_KEY="settings-test", **environment)
    program = (
        "import json; from lebrq import settings as s; "
        "print(json.dumps({'databases': s.DATABASES, 'routers': s.DATABASE_ROUTERS}))"
    )
    return subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_replica_is_configured_like_the_primary_and_mirrors_it_in_tests():
    loaded = _settings_with(
        DATABASE_URL="mysql://lebrq:secret@primary.internal:3306/lebrq",
        DATABASE_REPLICA_URL="mysql://reader:secret@replica.internal:3307/lebrq",
    )
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    primary, replica = result["databases"]["default"], result["databases"]["replica"]

    assert result["routers"] == ["lebrq.db_routers.PrimaryReplicaRouter"]
    assert (replica["HOST"], replica["PORT"], replica["USER"]) == (
        "replica.internal",
        3307,
        "reader",
    )
    for same in ("ENGINE", "OPTIONS", "CONN_MAX_AGE", "POOL"):
        assert replica[same] == primary[same], same
    assert replica["ENGINE"] == "lebrq.mysql_pool"
    assert replica["TEST"] == {"MIRROR": "default"}


def test_without_a_replica_url_there_is_one_database_and_no_router():
    loaded = _settings_with(DATABASE_URL="mysql://lebrq:secret@primary.internal:3306/lebrq")
    assert loaded.returncode == 0, loaded.stderr
    result = json.loads(loaded.stdout)
    assert list(result["databases"]) == ["default"]
    assert result["routers"] == []


def test_a_replica_of_another_kind_of_database_is_refused():
    loaded = _settings_with(
        DATABASE_URL="mysql://lebrq:secret@primary.internal:3306/lebrq",
        DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/lebrq",
    )
    assert loaded.returncode != 0
    assert "DATABASE_REPLICA_URL must name the same kind of database" in loaded.stderr


def test_a_per_process_cache_without_a_replica_is_fine(settings):
    if db_routers.replica_configured():
        pytest.skip("This run has a replica (DATABASE_REPLICA_URL).")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert checks.replica_pins_are_shared() == []
