"""Customers racing to spend a coupon's last use, each booking its own slot with the coupon's
total, in real concurrent transactions: exactly one booking takes it."""

import threading
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Booking
from offers.models import Coupon, CouponUsage
from tests.conftest import bearer_client
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMERS = 6


def test_the_last_use_of_a_coupon_is_taken_once():
    hall = SpaceFactory(price_per_hour=Decimal("1000.00"), capacity=100)
    Coupon.objects.create(
        code="LASTONE",
        title="Last one",
        discount_type="flat",
        discount_value=Decimal("100"),
        max_usage_total=1,
    )
    clients = [bearer_client(UserFactory()) for _ in range(CUSTOMERS)]
    for client in clients:
        quoted = client.post(
            "/api/offers/apply", {"coupon_code": "LASTONE", "purchase_amount": 1000}, format="json"
        )
        assert quoted.status_code == 200, quoted.json()
    day = timezone.localdate() + timedelta(days=10)
    day += timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday: no surcharge
    gate = threading.Barrier(CUSTOMERS, timeout=60)
    statuses: list[int] = []
    lock = threading.Lock()

    def book(n: int) -> None:
        start = timezone.make_aware(datetime.combine(day, time(8 + n)))
        body = {
            "space_id": hall.pk,
            "start_datetime": start.isoformat(),
            "end_datetime": (start + timedelta(hours=1)).isoformat(),
            "total_amount": 900,
        }
        try:
            gate.wait()
            status = clients[n].post("/api/bookings", body, format="json").status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(CUSTOMERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(statuses) == [201] + [409] * (CUSTOMERS - 1)
    assert Coupon.objects.get().current_usage_count == 1
    assert CouponUsage.objects.count() == 1
    assert Booking.objects.count() == 1
