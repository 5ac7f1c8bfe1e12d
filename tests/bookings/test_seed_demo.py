import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from accounts.models import User
from bookings.models import Booking, BookingItem, Item, Space

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (User, Space, Item, Booking, BookingItem))


def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    first = _counts()

    call_command("seed_demo")

    assert _counts() == first
    assert first[3] >= 4


def test_seeded_accounts_can_log_in():
    call_command("seed_demo")
    client = APIClient()

    for username, password in (("demo", "demo-pass-123"), ("staff", "staff-pass-123")):
        response = client.post("/api/auth/login", {"username": username, "password": password})
        assert response.status_code == 200, username
    assert User.objects.get(username="staff").is_staff
    assert User.objects.get(username="staff").has_perm("bookings.change_booking")
