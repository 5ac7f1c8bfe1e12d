"""The public booking pages, as the legacy frontend calls them without a login:
GET /bookings/regular-programs (home page, RegularProgramList), /bookings/public/{id}
(app/book/[id].tsx, ticket and payment success pages), /bookings/today (TodaysEvents) and
/all-bookings (app/calendar.tsx)."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus, BookingType
from bookings.models import AdminSetting
from bookings.models.settings import SettingKey
from tests.factories import BookingFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=day_offset)
    return datetime(
        day.year, day.month, day.day, hour, minute, tzinfo=timezone.get_default_timezone()
    )


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def hall():
    return SpaceFactory(
        name="Grand Hall",
        venue__name="LeBRQ Kochi",
        price_per_hour=Decimal("2000.00"),
        pricing_overrides={"weekend": 2500},
        stage_options=[{"id": "s1", "price": 1000}],
        banner_sizes=[{"id": "b1", "price": 500}],
        event_types=["Wedding"],
    )


# --- GET /bookings/regular-programs -------------------------------------------------------------


def programs(client, **params) -> dict[str, Any]:
    response = client.get("/api/bookings/regular-programs", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_programs_are_public_and_shaped_as_the_home_page_reads_them(api_client, hall):
    yoga = BookingFactory(
        space=hall,
        booking_type=BookingType.DAILY,
        event_type="Yoga Class",
        series_reference="SR-YOGA",
        start_datetime=local(2, 6),
        end_datetime=local(2, 7),
        banner_image_url="/api/uploads/7",
        customer_note="Bring a mat",
        attendees=15,
    )

    body = programs(api_client, booking_type="daily")

    assert body == {
        "items": [
            {
                "id": yoga.pk,
                "booking_reference": yoga.booking_reference,
                "title": "Yoga Class",
                "event_type": "Yoga Class",
                "booking_type": "daily",
                "start_datetime": naive(local(2, 6)),
                "end_datetime": naive(local(2, 7)),
                "space_id": hall.pk,
                "space_name": "Grand Hall",
                "status": "pending",
                "series_reference": "SR-YOGA",
                "banner_image_url": "/api/uploads/7",
                "customer_note": "Bring a mat",
                "attendees": 15,
                "trainer": "Coach",
            }
        ],
        "count": 1,
        "pagination": {
            "page": 1,
            "page_size": 50,
            "total": 1,
            "total_pages": 1,
            "has_next": False,
            "has_prev": False,
        },
    }


def test_a_daily_series_shows_once_on_its_day_or_its_earliest(api_client, hall):
    # Today's occurrence starts now and is still on: at a fixed hour it would have ended by
    # the evening, and the list shows only what has not ended yet.
    now = timezone.localtime().replace(second=0, microsecond=0)
    series = [
        BookingFactory(
            space=hall,
            booking_type=BookingType.DAILY,
            series_reference="SR-1",
            start_datetime=now + timedelta(days=day),
            end_datetime=now + timedelta(days=day, hours=1),
        )
        for day in (0, 1, 2)
    ]
    later_series = [
        BookingFactory(
            space=hall,
            booking_type=BookingType.DAILY,
            series_reference="SR-2",
            start_datetime=local(day, 6),
            end_datetime=local(day, 7),
        )
        for day in (3, 4)
    ]

    items = programs(api_client, booking_type="daily")["items"]

    assert [item["id"] for item in items] == [series[0].pk, later_series[0].pk]


def test_live_shows_are_each_listed(api_client, hall):
    shows = [
        BookingFactory(
            space=hall,
            booking_type=BookingType.LIVE,
            series_reference="SR-LIVE",
            start_datetime=local(day, 19),
            end_datetime=local(day, 22),
        )
        for day in (1, 2)
    ]

    items = programs(api_client, booking_type="live-")["items"]

    assert [item["id"] for item in items] == [show.pk for show in shows]


def test_past_programs_only_when_asked_and_private_bookings_never(api_client, hall):
    past = BookingFactory(
        space=hall,
        booking_type=BookingType.DAILY,
        start_datetime=local(-3, 6),
        end_datetime=local(-3, 7),
    )
    upcoming = BookingFactory(space=hall, booking_type=BookingType.LIVE)
    BookingFactory(space=hall, booking_type=BookingType.ONE_DAY, customer_note="Family party")

    assert [i["id"] for i in programs(api_client)["items"]] == [upcoming.pk]
    assert [i["id"] for i in programs(api_client, include_past="true")["items"]] == [
        past.pk,
        upcoming.pk,
    ]


def test_an_unknown_booking_type_is_a_400(api_client):
    response = api_client.get("/api/bookings/regular-programs", {"booking_type": "one_day"})

    assert response.status_code == 400
    assert response.json()["errors"].keys() == {"booking_type"}


def test_a_stale_token_does_not_hide_the_home_page(api_client, hall):
    BookingFactory(space=hall, booking_type=BookingType.LIVE)
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.token.here")

    assert programs(api_client)["count"] == 1


# --- GET /bookings/public/{id} --------------------------------------------------------------


def test_a_program_booking_page_shows_what_the_ticket_pages_read(api_client, hall):
    show = BookingFactory(
        space=hall,
        booking_type=BookingType.LIVE,
        event_type="Jazz night",
        customer_note='{"ticket_price": 500}',
        total_amount=Decimal("500.00"),
        attendees=1,
        start_datetime=local(5, 19),
        end_datetime=local(5, 22),
        banner_image_url="/api/uploads/3",
    )

    response = api_client.get(f"/api/bookings/public/{show.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": show.pk,
        "booking_reference": show.booking_reference,
        "event_type": "Jazz night",
        "booking_type": "live-",
        "customer_note": '{"ticket_price": 500}',
        "start_datetime": naive(local(5, 19)),
        "end_datetime": naive(local(5, 22)),
        "space_id": hall.pk,
        "venue_id": hall.venue_id,
        "space_name": "Grand Hall",
        "venue_name": "LeBRQ Kochi",
        "status": "pending",
        "banner_image_url": "/api/uploads/3",
        "stage_banner_url": "",
        "total_amount": 500.0,
        "guests": 1,
        "base_pricing": {"price_per_hour": 2000.0},
        "pricing_overrides": {"weekend": 2500},
        "stage_options": [{"id": "s1", "price": 1000}],
        "banner_sizes": [{"id": "b1", "price": 500}],
        "event_types": ["Wedding"],
    }


def test_a_customers_private_booking_shows_no_note_amount_or_guests(api_client, hall):
    """Improvement on the legacy, which showed anyone who guessed an id the customer's note."""
    private = BookingFactory(
        space=hall,
        booking_type=BookingType.ONE_DAY,
        customer_note="Surprise for Anu, call 98xxxxxx",
        total_amount=Decimal("9000.00"),
    )

    body = api_client.get(f"/api/bookings/public/{private.pk}").json()

    assert body["customer_note"] is None
    assert body["total_amount"] is None
    assert body["guests"] is None
    assert body["event_type"] == private.event_type


def test_an_unknown_booking_is_a_404(api_client):
    response = api_client.get("/api/bookings/public/999999")

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Booking not found",
        "message": "Booking not found",
        "code": "not_found",
    }


# --- GET /bookings/today --------------------------------------------------------------------


def test_todays_events_as_the_home_page_reads_them(api_client, hall):
    customer = UserFactory(first_name="Anu", mobile="+919800000001")
    party = BookingFactory(
        user=customer,
        space=hall,
        event_type="Birthday Party",
        start_datetime=local(0, 18),
        end_datetime=local(0, 21),
        attendees=40,
        total_amount=Decimal("9000.00"),
        status=BookingStatus.APPROVED,
    )
    show = BookingFactory(
        space=hall,
        event_type="",
        booking_type=BookingType.LIVE,
        is_admin_booking=True,
        admin_note="Doors at 18:30",
        start_datetime=local(0, 7),
        end_datetime=local(0, 8),
        attendees=None,
        total_amount=Decimal("0.00"),
    )
    BookingFactory(space=hall, start_datetime=local(1, 10), end_datetime=local(1, 11))
    BookingFactory(
        space=hall,
        status=BookingStatus.CANCELLED,
        start_datetime=local(0, 10),
        end_datetime=local(0, 11),
    )

    body = api_client.get("/api/bookings/today").json()

    assert body == {
        "date": timezone.localdate().isoformat(),
        "events": [
            {
                "id": show.pk,
                "booking_reference": show.booking_reference,
                "event_name": "Event",
                "space_name": "Grand Hall",
                "space_id": hall.pk,
                "start_time": "07:00:00",
                "end_time": "08:00:00",
                "attendees": 0,
                "status": "pending",
                "total_amount": 0.0,
                "user_name": "",
                "user_phone": "",
                "space_features": None,
                "event_type": "General Event",
                "is_admin_booking": True,
                "admin_note": "Doors at 18:30",
            },
            {
                "id": party.pk,
                "booking_reference": party.booking_reference,
                "event_name": "Birthday Party",
                "space_name": "Grand Hall",
                "space_id": hall.pk,
                "start_time": "18:00:00",
                "end_time": "21:00:00",
                "attendees": 40,
                "status": "approved",
                # Improvement on the legacy: no customer's name, phone or spend on the home page.
                "total_amount": None,
                "user_name": "",
                "user_phone": "",
                "space_features": None,
                "event_type": "Birthday Party",
                "is_admin_booking": False,
                "admin_note": None,
            },
        ],
        "total_events": 2,
    }


# --- GET /all-bookings ----------------------------------------------------------------------


def test_the_calendar_gets_a_bare_array_of_times_and_kinds(api_client, hall):
    early = BookingFactory(space=hall, start_datetime=local(3, 9), end_datetime=local(3, 11))
    late = BookingFactory(
        space=hall,
        booking_type=BookingType.DAILY,
        event_type="Zumba",
        status=BookingStatus.APPROVED,
        start_datetime=local(4, 17),
        end_datetime=local(4, 18),
    )

    body = api_client.get("/api/all-bookings/").json()

    assert body == [
        {
            "id": late.pk,
            "booking_reference": late.booking_reference,
            "space_id": hall.pk,
            "status": "approved",
            "booking_type": "daily",
            "event_type": "Zumba",
            "start_datetime": naive(local(4, 17)),
            "end_datetime": naive(local(4, 18)),
        },
        {
            "id": early.pk,
            "booking_reference": early.booking_reference,
            "space_id": hall.pk,
            "status": "pending",
            "booking_type": "one_day",
            "event_type": "Birthday Party",
            "start_datetime": naive(local(3, 9)),
            "end_datetime": naive(local(3, 11)),
        },
    ]


def test_the_calendar_is_capped(api_client, hall, monkeypatch):
    from bookings import public

    monkeypatch.setattr(public, "CALENDAR_MAX_ROWS", 2)
    bookings = [
        BookingFactory(space=hall, start_datetime=local(day, 9), end_datetime=local(day, 10))
        for day in (1, 2, 3)
    ]

    body = api_client.get("/api/all-bookings").json()

    assert [b["id"] for b in body] == [bookings[2].pk, bookings[1].pk]


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        # The page's total, its ids, then its rows (lebrq.pagination.page_rows).
        ("/api/bookings/regular-programs?include_past=true", 3),
        ("/api/bookings/today", 1),
        ("/api/all-bookings", 1),
    ],
)
def test_public_lists_cost_the_same_queries_for_one_row_or_many(
    api_client, hall, django_assert_num_queries, path, queries
):
    def add(count: int) -> None:
        # Each in its own space and venue, so joins have distinct rows to fetch.
        for _ in range(count):
            BookingFactory(
                space=SpaceFactory(),
                booking_type=BookingType.DAILY,
                start_datetime=local(0, 23),
                end_datetime=local(0, 23, 30),
            )

    add(1)
    with django_assert_num_queries(queries):
        assert api_client.get(path).status_code == 200
    add(9)
    with django_assert_num_queries(queries):
        assert api_client.get(path).status_code == 200


# --- GET /settings/refund-percentage --------------------------------------------------------


def test_the_refund_percentage_defaults_to_the_legacy_40(api_client):
    assert api_client.get("/api/settings/refund-percentage").json() == {"percentage": 40.0}


def test_the_refund_percentage_is_what_staff_set(api_client):
    AdminSetting.objects.create(setting_key=SettingKey.REFUND_PERCENTAGE, value="12.5")

    assert api_client.get("/api/settings/refund-percentage/").json() == {"percentage": 12.5}


def test_a_malformed_stored_value_falls_back_to_the_default(api_client):
    AdminSetting.objects.create(setting_key=SettingKey.REFUND_PERCENTAGE, value="forty")

    assert api_client.get("/api/settings/refund-percentage").json() == {"percentage": 40.0}


@pytest.mark.parametrize("value", ["forty", "-1", "100.5"])
def test_staff_cannot_save_a_percentage_outside_0_to_100(admin_client, value):
    response = admin_client.post(
        "/admin/bookings/adminsetting/add/",
        {"setting_key": SettingKey.REFUND_PERCENTAGE, "value": value},
    )

    assert response.status_code == 200  # the form again, with its error
    assert not AdminSetting.objects.exists()


def test_staff_set_the_refund_percentage_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/bookings/adminsetting/add/",
        {"setting_key": SettingKey.REFUND_PERCENTAGE, "value": " 25 "},
    )

    assert response.status_code == 302
    assert AdminSetting.objects.get().value == "25"
