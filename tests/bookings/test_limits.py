"""One customer cannot squat the calendar: a cap on bookings awaiting payment or approval, a
horizon, a series held to both, pending bookings nobody paid for or approved expire, and a
409 never names another customer's booking."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.limits import pending_bookings_expire
from bookings.models import Booking, BookingEvent
from tests.factories import BookingFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def local(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


def payload(space, days: int = 5, hour: int = 10) -> dict[str, object]:
    return {
        "space_id": space.pk,
        "start_datetime": naive(local(days, hour)),
        "end_datetime": naive(local(days, hour + 2)),
        "event_type": "Birthday Party",
        "attendees": 20,
    }


@pytest.fixture
def space():
    return SpaceFactory(price_per_hour=Decimal("1000.00"))


def test_a_customer_holds_at_most_the_pending_limit(customer_client, customer, space, settings):
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 2
    BookingFactory(user=customer, status=BookingStatus.PENDING)
    BookingFactory(
        user=customer,
        status=BookingStatus.PENDING_PAYMENT,
        payment_hold_expires_at=timezone.now() + timedelta(minutes=10),
    )
    # Neither an approved booking nor a lapsed hold counts.
    BookingFactory(user=customer, status=BookingStatus.APPROVED)
    BookingFactory(
        user=customer,
        status=BookingStatus.PENDING_PAYMENT,
        payment_hold_expires_at=timezone.now() - timedelta(minutes=1),
    )
    before = Booking.objects.count()

    response = customer_client.post("/api/bookings", payload(space), format="json")

    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "too_many_pending_bookings"
    assert body["max_pending_bookings"] == 2
    assert Booking.objects.count() == before


def test_under_the_limit_the_booking_is_made(customer_client, customer, space, settings):
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 2
    BookingFactory(user=customer, status=BookingStatus.PENDING)

    response = customer_client.post("/api/bookings", payload(space), format="json")

    assert response.status_code == 201, response.content


def test_staff_are_not_limited(staff_client, staff_user, space, settings):
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 1
    settings.BOOKING_MAX_DAYS_AHEAD = 10
    BookingFactory(user=staff_user, status=BookingStatus.PENDING)

    response = staff_client.post("/api/bookings", payload(space, days=30), format="json")

    assert response.status_code == 201, response.content


def test_a_booking_beyond_the_horizon_is_refused(customer_client, space, settings):
    settings.BOOKING_MAX_DAYS_AHEAD = 30

    far = customer_client.post("/api/bookings", payload(space, days=32), format="json")
    near = customer_client.post("/api/bookings", payload(space, days=28), format="json")

    assert far.status_code == 400
    assert far.json()["code"] == "too_far_ahead"
    assert near.status_code == 201


def test_a_booking_longer_than_the_maximum_is_refused(customer_client, space, settings):
    settings.BOOKING_MAX_HOURS = 4
    body = {**payload(space), "end_datetime": naive(local(5, 10) + timedelta(hours=5))}

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 400
    assert "end_datetime" in response.json()["errors"]


def series(space, days: int) -> dict[str, object]:
    first = local(2, 6)
    return {
        "space_id": space.pk,
        "start_datetime": naive(first),
        "end_datetime": naive(first + timedelta(days=days - 1, hours=1)),
        "event_type": "Yoga",
        "booking_type": "daily",
    }


def test_a_customers_series_is_held_to_the_pending_limit_all_or_nothing(
    customer_client, space, settings
):
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 5

    response = customer_client.post("/api/bookings/series", series(space, 30), format="json")

    assert response.status_code == 409, response.content
    assert response.json()["code"] == "too_many_pending_bookings"
    assert not Booking.objects.exists()


def test_a_series_skips_the_days_beyond_the_horizon(customer_client, space, settings):
    settings.BOOKING_MAX_DAYS_AHEAD = 4
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 10

    response = customer_client.post("/api/bookings/series", series(space, 6), format="json")

    assert response.status_code == 200, response.content
    reasons = [skip["reason"] for skip in response.json()["skipped"]]
    assert reasons.count("too_far_ahead") >= 1
    assert Booking.objects.filter(start_datetime__gt=local(5, 0)).count() == 0


def test_a_409_does_not_name_another_customers_booking(customer_client, customer, space):
    theirs = BookingFactory(
        space=space, status=BookingStatus.APPROVED, start_datetime=local(5, 9),
        end_datetime=local(5, 13),
    )  # fmt: skip
    mine = BookingFactory(
        user=customer, space=space, status=BookingStatus.APPROVED,
        start_datetime=local(6, 9), end_datetime=local(6, 13),
    )  # fmt: skip

    other = customer_client.post("/api/bookings", payload(space, days=5), format="json")
    own = customer_client.post("/api/bookings", payload(space, days=6), format="json")

    assert other.status_code == 409
    assert theirs.booking_reference not in other.content.decode()
    assert other.json()["detail"] == "Time slot conflicts with another booking."
    assert own.status_code == 409
    assert mine.booking_reference in own.json()["detail"]


def test_a_customers_series_does_not_name_another_customers_booking(
    customer_client, space, settings
):
    settings.BOOKING_MAX_PENDING_PER_CUSTOMER = 10
    theirs = BookingFactory(
        space=space, status=BookingStatus.APPROVED, start_datetime=local(3, 5),
        end_datetime=local(3, 8),
    )  # fmt: skip

    response = customer_client.post("/api/bookings/series", series(space, 3), format="json")

    assert response.status_code == 200, response.content
    assert theirs.booking_reference not in response.content.decode()
    assert {"date": local(3, 0).date().isoformat(), "reason": "conflict"} in response.json()[
        "skipped"
    ]


def test_pending_bookings_never_paid_or_approved_expire(settings):
    settings.BOOKING_PENDING_EXPIRY_HOURS = 72
    now = timezone.now()
    stale = BookingFactory(status=BookingStatus.PENDING)
    started = BookingFactory(
        status=BookingStatus.PENDING, start_datetime=now - timedelta(hours=1), end_datetime=now
    )
    paid = BookingFactory(status=BookingStatus.PENDING, paid_amount=Decimal("500.00"))
    fresh = BookingFactory(status=BookingStatus.PENDING)
    approved = BookingFactory(status=BookingStatus.APPROVED)
    Booking.objects.filter(pk__in=[stale.pk, paid.pk, approved.pk]).update(
        created_at=now - timedelta(hours=73)
    )

    assert pending_bookings_expire(now) == 2

    statuses = dict(Booking.objects.values_list("pk", "status"))
    assert statuses[stale.pk] == statuses[started.pk] == BookingStatus.EXPIRED
    assert statuses[paid.pk] == statuses[fresh.pk] == BookingStatus.PENDING
    assert statuses[approved.pk] == BookingStatus.APPROVED
    assert BookingEvent.objects.filter(
        booking=stale, from_status=BookingStatus.PENDING, to_status=BookingStatus.EXPIRED
    ).exists()
    # Expired, its slot is free: a new booking of the same window is accepted.
    assert not Booking.objects.holding_slot().filter(pk=stale.pk).exists()
