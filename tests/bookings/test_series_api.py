"""POST /bookings/series as the training screen sends it (app/(tabs)/training.tsx), and the
venue-program flag (is_admin_booking) on POST /bookings."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking
from bookings.services import SERIES_MAX_DAYS
from tests.factories import BookingFactory, ItemFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_default_timezone())


def naive(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat()


@pytest.fixture
def studio():
    return SpaceFactory(name="Studio", price_per_hour=Decimal("500.00"), capacity=30)


def training_body(space, first: date, **fields) -> dict[str, object]:
    """What the training screen posts for a monthly yoga program."""
    return {
        "space_id": space.pk,
        "start_datetime": at(first, 6).isoformat(),
        "end_datetime": at(first, 7).isoformat(),
        "num_days": 7,
        "excluded_weekdays": [6],
        "attendees": 20,
        "items": [],
        "customer_note": "1 Month(s) | Morning Yoga | Fees: daily=100, monthly=2000",
        "booking_type": "daily",
        "event_type": "Morning Yoga",
        "banner_image_url": None,
        "is_admin_booking": True,
        "admin_note": "Regular program booking created by admin",
    } | fields


def test_staff_create_a_program_series_skipping_excluded_and_taken_days(staff_client, studio):
    monday = next_monday()
    taken = BookingFactory(
        space=studio,
        start_datetime=at(monday + timedelta(days=2), 5),
        end_datetime=at(monday + timedelta(days=2), 8),
    )

    response = staff_client.post(
        "/api/bookings/series/", training_body(studio, monday), format="json"
    )

    assert response.status_code == 200
    body = response.json()
    series = list(Booking.objects.filter(series_reference=body["series_reference"]))
    days = [monday + timedelta(days=n) for n in (0, 1, 3, 4, 5)]
    assert body == {
        "ok": True,
        "series_reference": series[0].series_reference,
        "created_count": 5,
        "skipped_count": 2,
        "created": [
            {
                "id": booking.pk,
                "booking_reference": booking.booking_reference,
                "date": day.isoformat(),
                "start_datetime": naive(at(day, 6)),
                "end_datetime": naive(at(day, 7)),
            }
            for booking, day in zip(
                sorted(series, key=lambda b: b.start_datetime), days, strict=True
            )
        ],
        "skipped": [
            {
                "date": (monday + timedelta(days=2)).isoformat(),
                "reason": f"conflict:{taken.booking_reference}",
            },
            {"date": (monday + timedelta(days=6)).isoformat(), "reason": "excluded_weekday"},
        ],
        "message": "Created 5 booking(s); skipped 2.",
    }
    assert body["series_reference"].startswith("SR-")
    assert {(b.status, b.total_amount, b.is_admin_booking, b.booking_type) for b in series} == {
        (BookingStatus.APPROVED, Decimal("0.00"), True, "daily")
    }


def test_a_customer_cannot_book_the_venues_own_program(customer_client, studio):
    """Improvement on the legacy, which made any customer's booking approved and free when the
    body said is_admin_booking."""
    series = customer_client.post(
        "/api/bookings/series", training_body(studio, next_monday()), format="json"
    )
    single = customer_client.post(
        "/api/bookings",
        {
            "space_id": studio.pk,
            "start_datetime": naive(at(next_monday(), 9)),
            "end_datetime": naive(at(next_monday(), 10)),
            "is_admin_booking": True,
        },
        format="json",
    )

    assert series.status_code == single.status_code == 403
    assert series.json()["code"] == single.json()["code"] == "venue_program_staff_only"
    assert not Booking.objects.exists()


def test_a_customers_series_is_priced_per_day_and_awaits_payment(customer_client, studio):
    mat = ItemFactory(name="Mat", price=Decimal("50.00"), space=None)
    body = training_body(
        studio,
        next_monday(),
        is_admin_booking=None,
        num_days=2,
        items=[{"item_id": mat.pk, "quantity": 2}],
    )

    response = customer_client.post("/api/bookings/series", body, format="json")

    assert response.json()["created_count"] == 2
    assert {(b.status, b.total_amount) for b in Booking.objects.all()} == {
        # 1 h x 500 + 2 mats x 50, each day holding its slot while the customer pays
        (BookingStatus.PENDING_PAYMENT, Decimal("600.00"))
    }


def test_days_already_past_are_skipped(staff_client, studio):
    yesterday = timezone.localdate() - timedelta(days=1)

    body = staff_client.post(
        "/api/bookings/series",
        training_body(studio, yesterday, num_days=3, excluded_weekdays=[]),
        format="json",
    ).json()

    assert body["skipped"][0] == {"date": yesterday.isoformat(), "reason": "past"}
    assert body["created_count"] + body["skipped_count"] == 3


def test_a_series_longer_than_a_year_is_refused_and_writes_nothing(staff_client, studio):
    response = staff_client.post(
        "/api/bookings/series",
        training_body(studio, next_monday(), num_days=SERIES_MAX_DAYS + 1),
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["num_days"]
    assert not Booking.objects.exists()


def test_a_series_costs_a_bounded_number_of_queries_per_day(
    staff_client, studio, django_assert_max_num_queries
):
    """Per day: the clash check, the insert and its audit event (items: one bulk insert)."""
    with django_assert_max_num_queries(6 + 4 * 7):
        staff_client.post(
            "/api/bookings/series",
            training_body(studio, next_monday(), excluded_weekdays=[]),
            format="json",
        )
    assert Booking.objects.count() == 7


def test_the_booking_screens_nulls_are_understood(staff_client, studio):
    """payment-main.tsx sends null event_type and booking_type, and banner_img_url."""
    response = staff_client.post(
        "/api/bookings",
        {
            "space_id": studio.pk,
            "start_datetime": naive(at(next_monday(), 18)),
            "end_datetime": naive(at(next_monday(), 21)),
            "attendees": 1,
            "items": [],
            "custom_items": [],
            "customer_note": "",
            "event_type": None,
            "booking_type": None,
            "banner_img_url": "/api/uploads/9",
            "is_admin_booking": True,
            "admin_note": "Booked by admin without payment",
        },
        format="json",
    )

    assert response.status_code == 201
    booking = Booking.objects.get()
    assert (booking.event_type, booking.booking_type, booking.banner_image_url) == (
        "",
        "one_day",
        "/api/uploads/9",
    )
    assert (booking.status, booking.total_amount, booking.admin_note) == (
        BookingStatus.APPROVED,
        Decimal("0.00"),
        "Booked by admin without payment",
    )


def test_the_guest_list_and_transport_locations_are_kept(customer_client, studio):
    """The legacy kept guests in booking_guests (dropping those without ten digits) and the
    transport locations inside customer_note; here nothing the screen sent is lost."""
    pickup = {"address": "MG Road", "lat": 9.97, "lng": 76.28, "guests": ["g1"]}
    response = customer_client.post(
        "/api/bookings",
        {
            "space_id": studio.pk,
            "start_datetime": naive(at(next_monday(), 18)),
            "end_datetime": naive(at(next_monday(), 21)),
            "customer_note": "Cake at 8",
            "guest_list": [
                {
                    "id": "g1",
                    "name": " Anu ",
                    "mobile": "+91 98123-45678",
                    "pickupLocation": None,
                    "needsTransportation": True,
                },
                {"name": "Ravi", "mobile": "98123", "needsTransportation": None},
            ],
            "default_pickup_location": "Kochi Metro",
            "transport_locations": [pickup],
        },
        format="json",
    )

    assert response.status_code == 201
    booking = Booking.objects.get()
    assert (booking.customer_note, booking.transport_locations) == ("Cake at 8", [pickup])
    assert booking.default_pickup_location == "Kochi Metro"
    assert list(
        booking.guests.values_list("name", "mobile", "pickup_location", "needs_transportation")
    ) == [
        ("Anu", "919812345678", "Kochi Metro", True),
        ("Ravi", "98123", "Kochi Metro", False),
    ]


def test_a_guest_without_a_name_is_a_400_and_nothing_is_booked(customer_client, studio):
    response = customer_client.post(
        "/api/bookings",
        {
            "space_id": studio.pk,
            "start_datetime": naive(at(next_monday(), 18)),
            "end_datetime": naive(at(next_monday(), 21)),
            "guest_list": [{"mobile": "9812345678"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"guest_list": {"0": {"name": ["This field is required."]}}}
    assert not Booking.objects.exists()
