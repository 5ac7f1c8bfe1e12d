"""PATCH /bookings/{id}: the three edit screens of the frontend, repriced on the server."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking, BookingEvent, BookingItem
from tests.factories import BookingFactory, ItemFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def wednesday(hour: int) -> datetime:
    """A Wednesday at least three days ahead (weekdays: no weekend surcharge)."""
    day = timezone.localdate() + timedelta(days=3)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def hall():
    return SpaceFactory(
        price_per_hour=Decimal("1000.00"),
        capacity=100,
        stage_options=[{"id": "stage-royal", "label": "Royal", "price": 6000}],
    )


@pytest.fixture
def cake():
    return ItemFactory(name="Cake", price=Decimal("1200.00"))


@pytest.fixture
def booking(customer_client, hall, cake) -> Booking:
    """A booking made through the API as payment-main.tsx makes it: 10:00-13:00, 2 cakes,
    the royal stage. 3000 + 2400 + 6000 = 11400."""
    response = customer_client.post(
        "/api/bookings",
        {
            "space_id": hall.pk,
            "start_datetime": naive(wednesday(10)),
            "end_datetime": naive(wednesday(13)),
            "attendees": 40,
            "items": [{"item_id": cake.pk, "quantity": 2}],
            "custom_items": [{"name": "Stage: Royal", "quantity": 1, "code": "stage-royal"}],
            "event_type": "Corporate Meeting",
            "total_amount": 11400,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    # Paid nothing yet, it holds its slot awaiting payment; an edit comes after paying.
    Booking.objects.filter(pk=response.json()["id"]).update(
        status=BookingStatus.PENDING, payment_hold_expires_at=None
    )
    return Booking.objects.get(pk=response.json()["id"])


def test_edit_screen_moves_resizes_and_rebuys_with_the_difference_to_pay(
    customer_client, booking, cake
):
    """app/book/edit/[id].tsx: ISO times in UTC, attendees, the whole list of items; it reads
    requires_payment, balance_amount and booking_id."""
    booking.status = BookingStatus.APPROVED
    booking.paid_amount = Decimal("5000.00")
    booking.save()
    start = wednesday(15)
    body = {
        "start_datetime": start.astimezone(UTC).isoformat().replace("+00:00", ".000Z"),
        "end_datetime": (start + timedelta(hours=4))
        .astimezone(UTC)
        .isoformat()
        .replace("+00:00", ".000Z"),
        "attendees": 40,
        "items": [{"item_id": cake.pk, "quantity": 3}],
    }

    response = customer_client.patch(f"/api/bookings/{booking.pk}", body, format="json")

    assert response.status_code == 200, response.json()
    # 4000 + 3600 + 6000 (the stage is kept, at today's price)
    assert response.json() == {
        "ok": True,
        "message": "Booking updated successfully",
        "booking_id": booking.pk,
        "booking_reference": booking.booking_reference,
        "status": "pending",
        "original_total": 11400.0,
        "new_total": 13600.0,
        "original_paid": 5000.0,
        "price_difference": 2200.0,
        "balance_amount": 8600.0,
        "refund_amount": 0.0,
        "requires_payment": True,
        "requires_refund": False,
    }
    booking.refresh_from_db()
    assert (booking.start_datetime, booking.end_datetime) == (start, start + timedelta(hours=4))
    assert booking.status == BookingStatus.PENDING  # back to staff for review, as legacy
    assert [(line.kind, line.quantity, line.total_price) for line in booking.items.all()] == [
        ("catalog", 3, Decimal("3600.00")),
        ("stage", 1, Decimal("6000.00")),
    ]
    event = BookingEvent.objects.filter(booking=booking).last()
    assert event is not None
    assert (event.from_status, event.to_status) == ("approved", "pending")


def test_items_screen_with_its_total_and_a_smaller_total_means_a_refund(
    customer_client, booking, cake
):
    """app/book/[id]/edit.tsx sends items and the total it shows."""
    booking.paid_amount = Decimal("11400.00")
    booking.save()

    response = customer_client.patch(
        f"/api/bookings/{booking.pk}",
        {"items": [{"item_id": cake.pk, "quantity": 1}], "total_amount": 10200},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["refund_amount"] == 1200.0
    assert response.json()["requires_refund"] is True
    assert response.json()["requires_payment"] is False


def test_a_wrong_total_is_refused_and_nothing_changes(customer_client, booking, cake):
    before = list(BookingItem.objects.values_list("id", "quantity", "total_price"))

    response = customer_client.patch(
        f"/api/bookings/{booking.pk}",
        {"items": [{"item_id": cake.pk, "quantity": 5}], "total_amount": 1},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "price_mismatch"
    assert response.json()["server_total"] == "15000.00"
    assert list(BookingItem.objects.values_list("id", "quantity", "total_price")) == before
    booking.refresh_from_db()
    assert booking.total_amount == Decimal("11400.00")


def test_times_only_keep_the_lines_and_their_vendor_state(customer_client, booking):
    """lib/api.ts update(): start, end and attendees only."""
    line = booking.items.get(kind="catalog")
    line.is_supplied = True
    line.save()

    response = customer_client.patch(
        f"/api/bookings/{booking.pk}",
        {
            "start_datetime": naive(wednesday(9)),
            "end_datetime": naive(wednesday(11)),
            "attendees": 30,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert response.json()["new_total"] == 2000 + 2400 + 6000
    kept = BookingItem.objects.get(pk=line.pk)
    assert kept.is_supplied is True
    assert kept.quantity == 2


def test_a_supplied_line_cannot_be_removed(customer_client, booking):
    booking.items.filter(kind="catalog").update(is_supplied=True)

    response = customer_client.patch(f"/api/bookings/{booking.pk}", {"items": []}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "line_fulfilled"
    assert booking.items.filter(kind="catalog").exists()


def test_moving_onto_another_booking_is_refused_but_overlapping_itself_is_not(
    customer_client, booking, hall
):
    BookingFactory(space=hall, start_datetime=wednesday(14), end_datetime=wednesday(16))

    clash = customer_client.patch(
        f"/api/bookings/{booking.pk}",
        {"start_datetime": naive(wednesday(12)), "end_datetime": naive(wednesday(15))},
        format="json",
    )
    extend_within_free_time = customer_client.patch(
        f"/api/bookings/{booking.pk}",
        {"start_datetime": naive(wednesday(9)), "end_datetime": naive(wednesday(14))},
        format="json",
    )

    assert clash.status_code == 409
    assert clash.json()["code"] == "slot_unavailable"
    assert extend_within_free_time.status_code == 200, extend_within_free_time.json()
    booking.refresh_from_db()
    assert booking.end_datetime == wednesday(14)


@pytest.mark.parametrize(
    "status",
    [
        BookingStatus.CANCELLED,
        BookingStatus.REJECTED,
        BookingStatus.EXPIRED,
        # Unpaid: its hold would move; the customer pays first.
        BookingStatus.PENDING_PAYMENT,
    ],
)
def test_closed_bookings_cannot_be_edited(customer_client, booking, status):
    booking.status = status
    booking.save()

    response = customer_client.patch(
        f"/api/bookings/{booking.pk}", {"attendees": 10}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"


@pytest.mark.parametrize(
    "body",
    [
        {"attendees": 0},
        {"attendees": 1000},  # over the hall's capacity
        {"start_datetime": "tomorrow"},
        {"end_datetime": "2020-01-01T10:00:00"},  # before the start
        {"items": [{"item_id": 999999, "quantity": 1}]},
        {"items": "cake"},
    ],
)
def test_bad_edits_are_400_and_change_nothing(customer_client, booking, body):
    before = Booking.objects.values().get(pk=booking.pk)

    response = customer_client.patch(f"/api/bookings/{booking.pk}", body, format="json")

    assert response.status_code == 400
    assert set(response.json()) >= {"detail", "message", "code"}
    assert Booking.objects.values().get(pk=booking.pk) == before


def test_another_customer_cannot_edit(other_customer, booking):
    from tests.conftest import bearer_client

    response = bearer_client(other_customer).patch(
        f"/api/bookings/{booking.pk}", {"attendees": 10}, format="json"
    )

    assert response.status_code == 403
    booking.refresh_from_db()
    assert booking.attendees == 40
