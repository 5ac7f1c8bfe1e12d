"""Yoga and zumba subscriptions: a customer books days or months of the venue's own program
from app/book/[id].tsx, pays, and registers as a participant (payment-main.tsx). The server
prices them from the program's fees (the legacy trusted the browser's total), and they take a
place in the program rather than the hall's slot."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking, ProgramParticipant
from tests.conftest import bearer_client
from tests.factories import BookingFactory, SpaceFactory, UserFactory
from tests.payments.test_checkout import verify

pytestmark = pytest.mark.django_db

YOGA = "Morning Yoga"
FEES_NOTE = "1 Month(s) | Morning Yoga | Fees: daily=500, monthly=1500 | Exclude: [Sun]"


def at(day, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def iso_utc(moment: datetime) -> str:
    """What the screen sends: Date.toISOString(), UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@pytest.fixture
def hall():
    return SpaceFactory(price_per_hour=Decimal("1000.00"), capacity=50)


@pytest.fixture
def yoga_program(hall, staff_user):
    """The venue's regular program as training.tsx creates it: approved, free, holding the
    hall every morning."""
    tomorrow = timezone.localdate() + timedelta(days=1)
    return BookingFactory(
        user=staff_user,
        space=hall,
        start_datetime=at(tomorrow, 6),
        end_datetime=at(tomorrow, 7),
        status=BookingStatus.APPROVED,
        booking_type="daily",
        is_admin_booking=True,
        event_type=YOGA,
        customer_note=FEES_NOTE,
        total_amount=Decimal("0"),
    )


def subscription_body(space, start, end, *, booking_type, quantity, total, event_type=YOGA):
    """bookingPayloadBase of payment-main.tsx for a program booking from app/book/[id].tsx."""
    unit = total // quantity
    period = (
        f"Date: {timezone.localdate(start):%d %b %Y}, Period: Day x {quantity} @ ₹{unit}"
        if booking_type == "daily"
        else f"Period: {quantity} Month(s) @ ₹{unit}"
    )
    return {
        "space_id": space.pk,
        "start_datetime": iso_utc(start),
        "end_datetime": iso_utc(end),
        "attendees": quantity,
        "items": [],
        "custom_items": [],
        "customer_note": period,
        "event_type": event_type,
        "booking_type": booking_type,
        "total_amount": total,
    }


def test_a_days_places_are_priced_from_the_programs_fees(customer_client, hall, yoga_program):
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = subscription_body(
        hall, at(tomorrow, 6), at(tomorrow, 7), booking_type="daily", quantity=2, total=1000
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    booked = response.json()
    assert booked["total_amount"] == 1000
    assert booked["booking_type"] == "daily"
    assert booked["status"] == BookingStatus.PENDING_PAYMENT
    # Naive venue-local wall time, as every booking time goes out.
    assert booked["start_datetime"] == f"{tomorrow.isoformat()}T06:00:00"
    stored = Booking.objects.get(pk=booked["id"])
    assert stored.is_subscription is True
    assert (stored.space_amount, stored.total_amount) == (Decimal("1000.00"), Decimal("1000.00"))
    # The class's own booking holds the hall; the subscription takes a place in it (a second
    # subscriber is not refused as a clash, as a hall booking would be).
    second = bearer_client(UserFactory()).post("/api/bookings", body, format="json")
    assert second.status_code == 201, second.json()


def test_months_start_today_even_after_the_class_began(customer_client, hall, yoga_program):
    today = timezone.localdate()
    start = at(today, 0, 1)  # the screen uses today at the class's time, often already past
    year, month = divmod(today.month + 1, 12)  # two months on, the way setMonth() counts
    end = at(today.replace(year=today.year + year, month=month + 1, day=min(today.day, 28)), 0, 1)
    if today.day > 28:
        end += timedelta(days=today.day - 28)
    body = subscription_body(hall, start, end, booking_type="monthly", quantity=2, total=3000)

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["total_amount"] == 3000  # 2 months x 1500, the program's fee


def test_a_program_without_fees_in_its_note_costs_the_legacy_screens_figures(
    customer_client, settings
):
    # The static zumba page books space 1 under its own title; no program booking names fees.
    settings.PROGRAM_DAY_PRICE = Decimal("450")
    studio = SpaceFactory(price_per_hour=Decimal("800.00"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = subscription_body(
        studio,
        at(tomorrow, 18),
        at(tomorrow, 19),
        booking_type="daily",
        quantity=1,
        total=450,
        event_type="Avandya's Zumba Class @ Kasaragod",
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["total_amount"] == 450


def test_the_browsers_total_is_checked_not_trusted(customer_client, hall, yoga_program):
    # The legacy stored whatever total the browser sent; a rupee for a day's class is refused.
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = subscription_body(
        hall, at(tomorrow, 6), at(tomorrow, 7), booking_type="daily", quantity=2, total=2
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "price_mismatch"
    assert response.json()["server_total"] == "1000.00"
    assert not Booking.objects.filter(is_subscription=True).exists()


@pytest.mark.parametrize(
    ("days_back", "days", "months", "field"),
    [(1, 31, 1, "start_datetime"), (0, 400, 13, "end_datetime")],
    ids=["starts-yesterday", "thirteen-months"],
)
def test_windows_outside_the_rules_are_refused(
    customer_client, hall, yoga_program, days_back, days, months, field
):
    start = at(timezone.localdate() - timedelta(days=days_back), 6)
    body = subscription_body(
        hall,
        start,
        start + timedelta(days=days),
        booking_type="monthly",
        quantity=months,
        total=1500 * months,
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["detail"]
    assert not Booking.objects.filter(is_subscription=True).exists()


def test_a_hall_booking_is_not_blocked_by_a_subscription(customer_client, hall):
    # No program booking here: the subscription alone must not take the hall's slot.
    tomorrow = timezone.localdate() + timedelta(days=1)
    subscription = subscription_body(
        hall, at(tomorrow, 9), at(tomorrow, 10), booking_type="daily", quantity=1, total=450
    )
    assert customer_client.post("/api/bookings", subscription, format="json").status_code == 201

    hall_booking = bearer_client(UserFactory()).post(
        "/api/bookings",
        {
            "space_id": hall.pk,
            "start_datetime": iso_utc(at(tomorrow, 9)),
            "end_datetime": iso_utc(at(tomorrow, 10)),
            "attendees": 10,
            "event_type": "Meeting",
        },
        format="json",
    )

    assert hall_booking.status_code == 201, hall_booking.json()


def test_a_subscription_is_not_edited(customer_client, hall, yoga_program):
    tomorrow = timezone.localdate() + timedelta(days=1)
    body = subscription_body(
        hall, at(tomorrow, 6), at(tomorrow, 7), booking_type="daily", quantity=1, total=500
    )
    booking_id = customer_client.post("/api/bookings", body, format="json").json()["id"]

    response = customer_client.patch(f"/api/bookings/{booking_id}", {"attendees": 5}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"


def test_paid_then_booked_then_registered(customer, customer_client, razorpay, hall, yoga_program):
    """payment-main.tsx for a program: order, pay, book, verify, add the participant."""
    order = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 100000, "currency": "INR"}, format="json"
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    booked = customer_client.post(
        "/api/bookings",
        subscription_body(
            hall, at(tomorrow, 6), at(tomorrow, 7), booking_type="daily", quantity=2, total=1000
        ),
        format="json",
    ).json()

    verified = verify(customer_client, razorpay, order["order_id"], payment_id, booked["id"])
    added = customer_client.post(
        "/api/program_participants/add",
        {
            "user_id": customer.pk,
            "name": "Asha K",
            "mobile": "9800000002",
            "program_type": "yoga",
            "subscription_type": "daily",
            "ticket_quantity": 2,
            "start_date": iso_utc(at(tomorrow, 6)),
            "end_date": iso_utc(at(tomorrow, 7)),
            "amount_paid": 1,  # the browser's figure: ignored, the server knows what was paid
            "booking_id": booked["id"],
        },
        format="json",
    )

    assert verified.status_code == 200, verified.json()
    assert added.status_code in (200, 201), added.json()
    participant = ProgramParticipant.objects.get(pk=added.json()["id"])
    assert (participant.booking_id, participant.amount_paid) == (booked["id"], Decimal("1000.00"))
    assert (participant.subscription_type, participant.ticket_quantity) == ("daily", 2)
    assert Booking.objects.get(pk=booked["id"]).status == BookingStatus.PENDING
