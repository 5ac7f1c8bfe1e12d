"""Customers racing for one vehicle at the same time, in real concurrent transactions on the
database (MariaDB in CI): exactly one gets it; without the vehicle's row lock, all do."""

import threading
import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import bearer_client
from tests.factories import BookingFactory, UserFactory
from tests.transport.factories import VehicleFactory
from transport import services
from transport.models import Vehicle, VehicleBooking

pytestmark = pytest.mark.django_db(transaction=True)

CONTENDERS = 12


def _slow_clash_check(seconds: float):
    """Hold the gap between 'the vehicle is free' and the insert open, so a missing lock shows."""
    real = services._first_clash

    def check(*args, **kwargs):
        clash = real(*args, **kwargs)
        time.sleep(seconds)
        return clash

    return mock.patch.object(services, "_first_clash", check)


def _race(vehicle: Vehicle) -> list[int]:
    start = (timezone.now() + timedelta(days=9)).replace(minute=0, second=0, microsecond=0)
    contenders = []
    for n in range(CONTENDERS):
        owner = UserFactory()
        begins = start + timedelta(minutes=10 * n)  # all overlap one another
        booking = BookingFactory(
            user=owner, start_datetime=begins, end_datetime=begins + timedelta(hours=3)
        )
        payload = {
            "booking_id": booking.pk,
            "vehicle_id": vehicle.pk,
            "number_of_guests": 4,
            "guest_contact_number": "9876543210",
            "pickup_location": "Kanhangad",
        }
        contenders.append((bearer_client(owner), payload))
    gate = threading.Barrier(CONTENDERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def attach(client, payload):
        try:
            gate.wait()
            status = client.post("/api/vehicles/bookings", payload, format="json").status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=attach, args=c) for c in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.fixture(autouse=True)
def _known_distance():
    # The race is about the lock, not the provider: a fixed distance.
    with mock.patch("transport.locations.distance_to_office", return_value=Decimal("23.40")):
        yield


def test_concurrent_requests_for_one_vehicle_book_it_exactly_once():
    vehicle = VehicleFactory(vehicle_capacity=10)

    with _slow_clash_check(0.05):
        statuses = _race(vehicle)

    assert sorted(statuses) == [200] + [409] * (CONTENDERS - 1)
    assert VehicleBooking.objects.filter(vehicle=vehicle).count() == 1


def test_control_without_the_vehicle_lock_the_same_race_double_books():
    """Shows the test above can fail: bypass the lock and the vehicle goes to everyone."""
    vehicle = VehicleFactory(vehicle_capacity=10)
    unlocked = mock.patch.object(
        services, "_lock_vehicle", lambda vehicle_id: Vehicle.objects.filter(pk=vehicle_id).first()
    )
    everyone_checked = threading.Barrier(CONTENDERS, timeout=60)
    real = services._first_clash

    def check_then_wait(*args, **kwargs):
        clash = real(*args, **kwargs)
        everyone_checked.wait()
        return clash

    with unlocked, mock.patch.object(services, "_first_clash", check_then_wait):
        statuses = _race(vehicle)

    assert statuses.count(200) > 1
    assert VehicleBooking.objects.filter(vehicle=vehicle).count() > 1
