"""Many customers racing for one slot on the real database: exactly one wins."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from bookings import services
from bookings.models import Booking, Space
from tests.conftest import bearer_client
from tests.factories import SpaceFactory, UserFactory

CONTENDERS = 20


def _slow_clash_check(seconds: float):
    """Hold the gap between 'the slot is free' and the insert open, so a missing lock shows."""
    real = services._first_clash

    def check(*args, **kwargs):
        clash = real(*args, **kwargs)
        time.sleep(seconds)
        return clash

    return mock.patch.object(services, "_first_clash", check)


def _race(space: Space) -> list[int]:
    start = timezone.now() + timedelta(days=7)
    payload = {
        "space_id": space.pk,
        "start_datetime": start.isoformat(),
        "end_datetime": (start + timedelta(hours=3)).isoformat(),
    }
    clients = [bearer_client(UserFactory()) for _ in range(CONTENDERS)]
    gate = threading.Barrier(CONTENDERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def book(client):
        try:
            gate.wait()
            status = client.post("/api/bookings", payload, format="json").status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_one_slot_make_exactly_one_booking():
    space = SpaceFactory()

    with _slow_clash_check(0.05):
        statuses = _race(space)

    assert sorted(statuses) == [201] + [409] * (CONTENDERS - 1)
    assert Booking.objects.filter(space=space).count() == 1


@pytest.mark.django_db(transaction=True)
def test_control_without_the_space_lock_the_same_race_double_books():
    """Shows the test above can fail: bypass the lock and the slot is sold to everyone."""
    space = SpaceFactory()
    unlocked = mock.patch.object(
        services, "_lock_space", lambda space_id: Space.objects.filter(pk=space_id).first()
    )
    everyone_checked = threading.Barrier(CONTENDERS, timeout=60)
    real = services._first_clash

    def check_then_wait_for_the_others(*args, **kwargs):
        clash = real(*args, **kwargs)
        everyone_checked.wait()
        return clash

    with unlocked, mock.patch.object(services, "_first_clash", check_then_wait_for_the_others):
        statuses = _race(space)

    assert statuses == [201] * CONTENDERS
    assert Booking.objects.filter(space=space).count() == CONTENDERS


@pytest.mark.django_db(transaction=True)
def test_two_series_racing_for_the_same_week_book_each_day_once():
    space = SpaceFactory()
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    start = midnight + timedelta(days=10)
    body = {
        "space_id": space.pk,
        "start_datetime": (start + timedelta(hours=6)).isoformat(),
        "end_datetime": (start + timedelta(hours=7)).isoformat(),
        "num_days": 7,
        "is_admin_booking": True,
    }
    clients = [bearer_client(UserFactory(staff=True)) for _ in range(2)]
    gate = threading.Barrier(len(clients))
    created: list[int] = []

    def book(client):
        try:
            gate.wait()
            answer = client.post("/api/bookings/series", body, format="json").json()
            created.append(answer["created_count"])
        finally:
            connection.close()

    with _slow_clash_check(0.02):
        threads = [threading.Thread(target=book, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert sorted(created) == [0, 7]
    assert Booking.objects.filter(space=space).count() == 7
