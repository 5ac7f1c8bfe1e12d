"""GET /api/time-slots/available/{space} and POST /api/time-slots/validate, as the venue pages'
TimeSlotSelector calls them (components/TimeSlotSelector.tsx in the legacy frontend)."""

from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking
from tests.factories import BookingFactory, SpaceFactory

pytestmark = pytest.mark.django_db

DAY = "2030-01-15"
ALL_HOURS = [
    *(f"{h}:00 AM" for h in [12, *range(1, 12)]),
    *(f"{h}:00 PM" for h in [12, *range(1, 12)]),
]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """Venue-local time on January `day`, 2030."""
    return datetime(2030, 1, day, hour, minute, tzinfo=timezone.get_default_timezone())


def hours_except(*labels: str) -> list[str]:
    return [label for label in ALL_HOURS if label not in labels]


@pytest.fixture
def space():
    return SpaceFactory(name="Grand Hall")


def available(client, space, **params) -> dict[str, Any]:
    query = {"selected_date": DAY, "duration_hours": 1, "debug": "true", **params}
    response = client.get(f"/api/time-slots/available/{space.pk}", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_day_of_a_booked_space_as_the_picker_reads_it(api_client, space):
    booking = BookingFactory(space=space, start_datetime=at(15, 10), end_datetime=at(15, 13))

    body = available(api_client, space, duration_hours=2)

    assert body == {
        "date": DAY,
        # Two hours from 9:00 would run into 10:00; from 13:00 on is free again.
        "available_slots": hours_except("9:00 AM", "10:00 AM", "11:00 AM", "12:00 PM"),
        "space_id": space.pk,
        "space_name": "Grand Hall",
        "projected_blocks": [
            {
                "id": booking.pk,
                "orig_start": "2030-01-15T10:00:00",
                "orig_end": "2030-01-15T13:00:00",
                "projected_start": "2030-01-15T10:00:00",
                "projected_end": "2030-01-15T13:00:00",
            }
        ],
    }


def test_without_debug_the_blocks_are_not_listed(api_client, space):
    body = api_client.get(f"/api/time-slots/available/{space.pk}/", {"selected_date": DAY}).json()

    assert body == {
        "date": DAY,
        "available_slots": ALL_HOURS,
        "space_id": space.pk,
        "space_name": "Grand Hall",
    }


def test_cancelled_and_rejected_bookings_free_their_hours(api_client, space):
    for status in (BookingStatus.CANCELLED, BookingStatus.REJECTED):
        BookingFactory(space=space, status=status, start_datetime=at(15, 8), end_datetime=at(15, 9))
    BookingFactory(
        space=space,
        status=BookingStatus.APPROVED,
        start_datetime=at(15, 18),
        end_datetime=at(15, 19),
    )

    assert available(api_client, space)["available_slots"] == hours_except("6:00 PM")


def test_the_booking_being_edited_does_not_block_itself(api_client, space):
    booking = BookingFactory(space=space, start_datetime=at(15, 10), end_datetime=at(15, 11))

    body = available(api_client, space, exclude_booking_id=booking.pk)

    assert body["available_slots"] == ALL_HOURS
    assert body["projected_blocks"] == []


def test_a_series_stored_as_one_row_blocks_its_daily_window_on_each_day(api_client, space):
    """The legacy stored a daily program as one row from the first day's start to the last
    day's end; its hours on any day in between are the daily window, not the whole day."""
    BookingFactory(space=space, start_datetime=at(13, 6), end_datetime=at(17, 7, 30))

    body = available(api_client, space)

    assert body["available_slots"] == hours_except("6:00 AM", "7:00 AM")
    assert body["projected_blocks"][0] | {"id": 0} == {
        "id": 0,
        "orig_start": "2030-01-13T06:00:00",
        "orig_end": "2030-01-17T07:30:00",
        "projected_start": "2030-01-15T06:00:00",
        "projected_end": "2030-01-15T07:30:00",
    }


def test_an_overnight_booking_blocks_the_early_hours_of_its_second_day(api_client, space):
    """Improvement on the legacy, which projected it onto the second day as 22:00-02:00."""
    BookingFactory(space=space, start_datetime=at(14, 22), end_datetime=at(15, 2))

    assert available(api_client, space)["available_slots"] == hours_except("12:00 AM", "1:00 AM")


def test_bookings_of_other_spaces_and_days_do_not_count(api_client, space):
    BookingFactory(start_datetime=at(15, 10), end_datetime=at(15, 12))
    BookingFactory(space=space, start_datetime=at(16, 0), end_datetime=at(16, 3))

    assert available(api_client, space)["available_slots"] == ALL_HOURS


def test_a_stale_token_does_not_turn_the_public_page_into_a_401(api_client, space):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-valid-token")

    assert available(api_client, space)["available_slots"] == ALL_HOURS


def test_the_answer_costs_the_same_queries_however_busy_the_day(
    api_client, space, django_assert_num_queries
):
    BookingFactory(space=space, start_datetime=at(15, 1), end_datetime=at(15, 2))
    with django_assert_num_queries(2):
        available(api_client, space)
    for hour in range(3, 23, 2):
        BookingFactory(space=space, start_datetime=at(15, hour), end_datetime=at(15, hour + 1))
    with django_assert_num_queries(2):
        available(api_client, space)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"selected_date": "15/01/2030"}, "selected_date"),
        ({}, "selected_date"),
        ({"selected_date": DAY, "duration_hours": 13}, "duration_hours"),
        ({"selected_date": DAY, "duration_hours": 0}, "duration_hours"),
        ({"selected_date": DAY, "exclude_booking_id": "abc"}, "exclude_booking_id"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_field(api_client, space, query, field):
    response = api_client.get(f"/api/time-slots/available/{space.pk}", query)

    assert response.status_code == 400
    body = response.json()
    assert body["message"] == body["detail"]
    assert body["detail"].startswith(f"{field}: ")
    assert list(body["errors"]) == [field]


def test_an_unknown_space_is_a_404(api_client):
    response = api_client.get("/api/time-slots/available/999999", {"selected_date": DAY})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Space not found",
        "message": "Space not found",
        "code": "not_found",
    }


# --- POST /time-slots/validate -----------------------------------------------------------------


def utc_iso(moment: datetime) -> str:
    """What the frontend sends: Date.toISOString(), UTC with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", ".000Z")


def validate(client, space, start: datetime, end: datetime) -> dict[str, Any]:
    response = client.post(
        "/api/time-slots/validate",
        {"space_id": space.pk, "start_datetime": utc_iso(start), "end_datetime": utc_iso(end)},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_a_free_window_is_available(api_client, space):
    BookingFactory(space=space, start_datetime=at(15, 10), end_datetime=at(15, 12))

    body = validate(api_client, space, at(15, 12), at(15, 14))

    assert body == {
        "is_available": True,
        "message": "Slot is available",
        "conflicting_bookings": [],
    }


def test_a_clash_lists_the_bookings_in_venue_local_time(api_client, space):
    """UTC input from the browser is converted: 04:30Z is 10:00 in Kochi."""
    booking = BookingFactory(
        space=space,
        status=BookingStatus.APPROVED,
        start_datetime=at(15, 10),
        end_datetime=at(15, 12),
    )

    body = validate(api_client, space, at(15, 11), at(15, 13))

    assert body == {
        "is_available": False,
        "message": "Slot conflicts with 1 existing booking(s)",
        "conflicting_bookings": [
            {
                "id": booking.pk,
                "start_datetime": "2030-01-15T10:00:00",
                "end_datetime": "2030-01-15T12:00:00",
                "status": "approved",
            }
        ],
    }


def test_validation_uses_the_rule_booking_enforces(api_client, space):
    """Improvements on the legacy: it ignored approved bookings and those that started the day
    before, so it could say "available" for a window that booking then refused."""
    BookingFactory(
        space=space,
        status=BookingStatus.APPROVED,
        start_datetime=at(14, 22),
        end_datetime=at(15, 3),
    )

    body = validate(api_client, space, at(15, 1), at(15, 2))

    assert body["is_available"] is False


def test_a_window_that_ends_before_it_starts_is_a_400_and_changes_nothing(customer_client, space):
    before = Booking.objects.count()

    response = customer_client.post(
        "/api/time-slots/validate",
        {
            "space_id": space.pk,
            "start_datetime": utc_iso(at(15, 12)),
            "end_datetime": utc_iso(at(15, 11)),
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"end_datetime": ["Must be after start_datetime."]}
    assert Booking.objects.count() == before
