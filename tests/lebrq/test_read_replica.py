"""The read replica (lebrq/db_routers.py) against a replica that lags.

The suite cannot run replication, so the lagging replica is modelled as what it looks like to
the application: a second real database holding a copy of the primary taken at one moment
(`catch_up()`), and nothing written after it. A "replica" alias points at a schema of its own
beside the test database (MariaDB: `<test database>_replica`, its tables made LIKE the
primary's); whatever the replica alias answers is then visibly the replica's.

Skipped where the copy cannot be made with cross-schema SQL (PostgreSQL): the settings and
the single-database case are tests/lebrq/test_replica_settings.py.
"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from bookings import services
from bookings.choices import BookingStatus
from bookings.models import Booking
from lebrq import checks, db_routers
from lebrq.db_routers import PRIMARY, REPLICA
from lebrq.handlers import ApiASGIHandler
from tests.conftest import bearer_client
from tests.factories import BookingFactory, SpaceFactory, UserFactory, VenueFactory
from tests.ops.asgi import call, scope

ROOT = Path(__file__).resolve().parents[2]
ELSEWHERE = "203.0.113.9"  # a client address that never wrote anything

# Transactional: the replica's own connection reads the copy, so it must be committed.
pytestmark = pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA])


class LaggingReplica:
    """The replica schema; `catch_up()` copies the primary into it, as replication would."""

    def __init__(self, primary_name: str, name: str, tables: list[str]) -> None:
        self.primary_name = primary_name
        self.name = name
        self.tables = tables

    def catch_up(self) -> None:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
            try:
                for table in self.tables:
                    cursor.execute(f"DELETE FROM `{self.name}`.`{table}`")
                    cursor.execute(
                        f"INSERT INTO `{self.name}`.`{table}` "
                        f"SELECT * FROM `{self.primary_name}`.`{table}`"
                    )
            finally:
                cursor.execute("SET FOREIGN_KEY_CHECKS = 1")

    def count(self, table: str) -> int:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM `{self.name}`.`{table}`")
            return int(cursor.fetchone()[0])

    def checksum(self) -> dict[str, int]:
        """Every table's checksum: any write to the replica changes one."""
        with connections[PRIMARY].cursor() as cursor:
            names = ", ".join(f"`{self.name}`.`{table}`" for table in self.tables)
            cursor.execute(f"CHECKSUM TABLE {names}")
            return {row[0]: row[1] for row in cursor.fetchall()}


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup, django_db_blocker) -> Iterator[LaggingReplica]:
    """The replica's schema with the primary's tables, and the "replica" alias pointing at it,
    configured as settings does with DATABASE_REPLICA_URL (the primary's options, engine and
    pool). Registered for the whole module, before each test's database access is set up, so
    the tests may declare the alias (pytestmark)."""
    with django_db_blocker.unblock():
        primary = connections[PRIMARY]
        if primary.vendor != "mysql":
            pytest.skip("The lagging replica is a second MariaDB schema (cross-schema SQL).")
        primary_name = primary.settings_dict["NAME"]
        name = f"{primary_name}_replica"
        with primary.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                [primary_name],
            )
            tables = sorted(row[0] for row in cursor.fetchall())
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            cursor.execute(
                f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
            )
            for table in tables:
                # LIKE copies columns and indexes, not foreign keys: rows go in in any order.
                cursor.execute(f"CREATE TABLE `{name}`.`{table}` LIKE `{primary_name}`.`{table}`")
        primary.close()
    # A suite run with DATABASE_REPLICA_URL has a mirror alias already: set it aside.
    configured = connections.settings.get(REPLICA)
    if configured is not None:
        connections[REPLICA].close()
        del connections[REPLICA]
    connections.settings[REPLICA] = {
        **primary.settings_dict,
        "NAME": name,
        "TEST": {**primary.settings_dict["TEST"], "MIRROR": None},
    }
    try:
        yield LaggingReplica(primary_name, name, tables)
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
            del connections[REPLICA]
            del connections.settings[REPLICA]
            if configured is not None:
                connections.settings[REPLICA] = configured
            with connections[PRIMARY].cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            connections[PRIMARY].close()


@pytest.fixture
def lagging_replica(_replica_alias, settings) -> LaggingReplica:
    """The replica, emptied of the previous test's copy, and the router that reads it."""
    _replica_alias.catch_up()
    settings.DATABASE_ROUTERS = ["lebrq.db_routers.PrimaryReplicaRouter"]
    return _replica_alias


def _staff_list(client, **extra) -> dict[int, str]:
    response = client.get("/api/admin/bookings", {"page_size": 100}, **extra)
    assert response.status_code == 200, response.content
    return {row["id"]: row["status"] for row in response.json()["items"]}


def _calendar_ids(client, **extra) -> set[int]:
    response = client.get("/api/all-bookings", **extra)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


def _book(client, space) -> int:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=9)
    response = client.post(
        "/api/bookings",
        {
            "space_id": space.pk,
            "start_datetime": start.isoformat(),
            "end_datetime": (start + timedelta(hours=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    booking_id: int = response.json()["id"]
    return booking_id


# --- The big lists read the replica ------------------------------------------------------------


def test_the_staff_list_catalog_and_calendar_show_what_the_replica_has(lagging_replica):
    staff = bearer_client(UserFactory(staff=True))
    replicated = BookingFactory(status=BookingStatus.PENDING)
    lagging_replica.catch_up()
    # Written after the copy: on the primary only.
    unreplicated = BookingFactory(space=replicated.space)
    Booking.objects.filter(pk=replicated.pk).update(status=BookingStatus.APPROVED)
    new_venue = VenueFactory()

    assert _staff_list(staff) == {replicated.pk: BookingStatus.PENDING}
    assert _calendar_ids(staff) == {replicated.pk}
    venues = {row["id"] for row in staff.get("/api/venues").json()}
    assert replicated.venue_id in venues
    assert new_venue.pk not in venues
    # The primary has both, as the customers' own screens show.
    assert set(Booking.objects.values_list("pk", flat=True)) == {replicated.pk, unreplicated.pk}


def test_an_unreachable_replica_sends_its_readers_to_the_primary(lagging_replica, monkeypatch):
    staff = bearer_client(UserFactory(staff=True))
    booking = BookingFactory()  # on the primary only: the replica is empty
    reachable = connections.settings[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    # Nothing listens on port 1 of loopback: the connection is refused at once.
    monkeypatch.setitem(connections.settings, REPLICA, {**reachable, "PORT": 1})
    monkeypatch.setattr(db_routers, "_replica_down_until", 0.0)
    try:
        assert _staff_list(staff) == {booking.pk: BookingStatus.PENDING}
        # Not tried again for REPLICA_RETRY_SECONDS: no connection attempt per request.
        assert not db_routers.replica_reachable()
        assert _staff_list(staff) == {booking.pk: BookingStatus.PENDING}
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]


# --- Read your writes ----------------------------------------------------------------------------


def test_a_customer_sees_the_booking_they_just_made_in_their_list_and_its_page(lagging_replica):
    space = SpaceFactory()
    customer = bearer_client(UserFactory())
    lagging_replica.catch_up()  # the replica has the space, and never gets the booking

    booking_id = _book(customer, space)

    own = customer.get("/api/bookings").json()["items"]
    assert [row["id"] for row in own] == [booking_id]
    assert customer.get(f"/api/bookings/{booking_id}").status_code == 200
    # The public calendar (no token read) knows the customer by address: pinned to the primary.
    assert booking_id in _calendar_ids(customer)
    # Everyone else still reads the lagging replica, which has no such booking.
    assert booking_id not in _calendar_ids(customer, REMOTE_ADDR=ELSEWHERE)
    assert booking_id not in _staff_list(
        bearer_client(UserFactory(staff=True)), REMOTE_ADDR=ELSEWHERE
    )
    assert lagging_replica.count(Booking._meta.db_table) == 0

    # Their own screens read the primary whatever the pins say (lost when the cache restarts).
    cache.clear()
    assert [row["id"] for row in customer.get("/api/bookings").json()["items"]] == [booking_id]
    assert booking_id not in _calendar_ids(customer)


def test_a_staff_member_who_approves_sees_it_approved_while_others_read_the_replica(
    lagging_replica,
):
    booking = BookingFactory(status=BookingStatus.PENDING)
    approver = bearer_client(UserFactory(staff=True))
    colleague = bearer_client(UserFactory(staff=True))
    lagging_replica.catch_up()

    response = approver.post(f"/api/admin/bookings/{booking.pk}/approve", {}, format="json")
    assert response.status_code == 200, response.content

    assert _staff_list(approver) == {booking.pk: BookingStatus.APPROVED}
    assert _staff_list(colleague, REMOTE_ADDR=ELSEWHERE) == {booking.pk: BookingStatus.PENDING}
    # Once the pin is gone (REPLICA_STICKY_SECONDS later), the approver reads the replica too.
    cache.clear()
    assert _staff_list(approver) == {booking.pk: BookingStatus.PENDING}


def test_the_served_api_pins_its_writers_too(lagging_replica):
    """The API's own handler (lebrq/handlers.py: the middleware on the event loop) pins the
    writer as the test client's full chain does."""
    booking = BookingFactory(status=BookingStatus.PENDING)
    staff = UserFactory(staff=True)
    lagging_replica.catch_up()
    served_api = ApiASGIHandler()  # built now that there is a replica
    token = (b"authorization", f"Bearer {AccessToken.for_user(staff)}".encode())

    approve = scope(f"/api/admin/bookings/{booking.pk}/approve", method="POST", headers=[token])
    assert call(served_api, approve).status == 200
    assert db_routers.pinned_to_primary(user_id=staff.pk, address=None)
    assert db_routers.pinned_to_primary(user_id=None, address="127.0.0.1")

    listed = call(served_api, scope("/api/admin/bookings", method="GET", headers=[token]))
    assert [row["status"] for row in listed.json()["items"]] == [BookingStatus.APPROVED]


# --- Writes, locks and transactions: the primary only ------------------------------------------


def test_writes_and_their_reads_never_reach_the_replica(lagging_replica):
    pending = BookingFactory(status=BookingStatus.PENDING)
    customer = bearer_client(UserFactory())
    staff = bearer_client(UserFactory(staff=True))
    lagging_replica.catch_up()
    before = lagging_replica.checksum()

    with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
        booked_id = _book(customer, pending.space)
        # Each locks its booking (select_for_update) in a transaction.
        assert staff.post(f"/api/admin/bookings/{pending.pk}/approve").status_code == 200
        assert staff.post(f"/api/admin/bookings/{pending.pk}/complete").status_code == 200

    assert replica_queries.captured_queries == []
    assert lagging_replica.checksum() == before
    assert Booking.objects.get(pk=pending.pk).status == BookingStatus.COMPLETED
    assert Booking.objects.filter(pk=booked_id).exists()


def test_locks_and_transactions_read_the_primary_inside_a_replica_scope(lagging_replica):
    booking = BookingFactory(status=BookingStatus.PENDING)  # on the primary only
    staff = UserFactory(staff=True)

    with db_routers.read_scope() as scope:
        scope.use_replica = True
        assert Booking.objects.all().db == REPLICA
        assert not Booking.objects.filter(pk=booking.pk).exists()  # the lagging replica
        assert Booking.objects.select_for_update().db == PRIMARY
        with transaction.atomic():
            assert Booking.objects.all().db == PRIMARY
            assert Booking.objects.select_for_update().get(pk=booking.pk) == booking
        # A service called from a replica-reading view: its lock and reads on the primary.
        with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
            services.booking_transition(booking=booking, action="approve", actor=staff)
        assert replica_queries.captured_queries == []

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.APPROVED
    assert lagging_replica.count(Booking._meta.db_table) == 0


def test_a_per_process_cache_with_a_replica_is_flagged(lagging_replica, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [message.id for message in checks.replica_pins_are_shared()] == ["lebrq.W001"]

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
        }
    }
    assert checks.replica_pins_are_shared() == []
