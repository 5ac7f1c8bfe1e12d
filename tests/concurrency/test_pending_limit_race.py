"""One customer racing themselves past the pending-bookings cap, on the real database: the
customer's row lock (bookings.limits.lock_customer) lets exactly the cap through."""

import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from bookings import limits
from bookings.models import Booking
from tests.conftest import bearer_client
from tests.factories import SpaceFactory, UserFactory

CONTENDERS = 6


def _slow_count():
    """Hold the gap between counting and inserting open, so a missing lock shows."""
    real = limits.awaiting_count

    def count(user):
        value = real(user)
        time.sleep(0.1)
        return value

    return mock.patch.object(limits, "awaiting_count", count)


def _race(user) -> list[int]:
    spaces = [SpaceFactory() for _ in range(CONTENDERS)]
    start = timezone.now() + timedelta(days=7)
    gate = threading.Barrier(CONTENDERS)
    statuses: list[int] = []
    guard = threading.Lock()

    def book(space):
        client = bearer_client(user)
        payload = {
            "space_id": space.pk,
            "start_datetime": start.isoformat(),
            "end_datetime": (start + timedelta(hours=2)).isoformat(),
        }
        try:
            gate.wait()
            status = client.post("/api/bookings", payload, format="json").status_code
            with guard:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(space,)) for space in spaces]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_customer_stop_at_the_cap(settings):
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 2
    user = UserFactory()

    with _slow_count():
        statuses = _race(user)

    assert sorted(statuses) == [201, 201] + [409] * (CONTENDERS - 2)
    assert Booking.objects.filter(user=user).count() == 2


@pytest.mark.django_db(transaction=True)
def test_control_without_the_customer_lock_the_cap_is_overrun(settings):
    """Shows the test above can fail: without the row lock every request counts 0."""
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 2
    user = UserFactory()

    with _slow_count(), mock.patch.object(limits, "lock_customer", return_value=None):
        statuses = _race(user)

    assert statuses.count(201) > 2
