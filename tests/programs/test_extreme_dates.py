"""Dates at the ends of the calendar on the programs' staff dashboards and participant form
(issue 19): window bounds beyond what the database stores are moved inside it, a participant's
dates outside it are a 400; never a 500."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.models import ProgramParticipant
from programs.models import EventDefinition, EventSchedule

pytestmark = pytest.mark.django_db

DASHBOARDS = ["/api/event-schedules/admin/by-type/yoga", "/api/event-schedules/admin/legacy/yoga"]


@pytest.fixture
def staff_client(staff_client):
    # A 500 comes back as a response to assert on, not as the exception.
    staff_client.raise_request_exception = False
    return staff_client


@pytest.mark.parametrize("url", DASHBOARDS)
@pytest.mark.parametrize(
    ("date_from", "date_to", "shown"),
    [
        ("0001-01-01", "0001-01-05", ("1000-01-02", "1000-01-02")),
        ("0001-01-01", "0001-01-01", ("1000-01-02", "1000-01-02")),
        ("9999-12-25", "9999-12-31", ("9999-12-25", "9999-12-30")),
        ("9999-12-31", "9999-12-31", ("9999-12-30", "9999-12-30")),
    ],
)
def test_dashboard_windows_beyond_the_database_are_moved_inside_it(
    staff_client, url, date_from, date_to, shown
):
    response = staff_client.get(url, {"date_from": date_from, "date_to": date_to})

    assert response.status_code == 200, response.content
    assert (response.json()["date_range"]["from"], response.json()["date_range"]["to"]) == shown


def test_the_moved_window_still_finds_what_lies_at_its_ends(staff_client):
    definition = EventDefinition.objects.create(
        event_code="far-yoga",
        title="Yoga",
        event_type="yoga",
        default_ticket_price=Decimal("450"),
        start_time=time(6),
        end_time=time(7),
    )
    EventSchedule.objects.create(
        definition=definition,
        schedule_date=date(9999, 12, 30),
        start_time=time(6),
        end_time=time(7),
        max_tickets=20,
    )
    person = ProgramParticipant.objects.create(
        name="Anu", mobile="9812345678", program_type="yoga", ticket_quantity=1
    )
    ProgramParticipant.objects.filter(pk=person.pk).update(
        joined_at=datetime(1000, 1, 2, 9, tzinfo=timezone.get_current_timezone())
    )

    late = staff_client.get(DASHBOARDS[0], {"date_from": "9999-12-31", "date_to": "9999-12-31"})
    early = staff_client.get(DASHBOARDS[1], {"date_from": "0001-01-01", "date_to": "0001-01-05"})

    assert late.json()["total_schedules"] == 1
    assert early.json()["summary"]["total_participants"] == 1


@pytest.mark.parametrize("url", DASHBOARDS)
def test_an_unbounded_window_is_a_400_in_the_error_shape(staff_client, url):
    response = staff_client.get(url, {"date_from": "0001-01-01", "date_to": "9999-12-31"})

    assert response.status_code == 400
    assert set(response.json()) >= {"detail", "message", "code"}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("0001-01-01T00:00:00", "0001-01-05T00:00:00"),
        ("0001-01-01T00:00:00Z", None),
        ("2026-01-01T00:00:00", "9999-12-31T23:59:59"),
    ],
)
def test_a_participant_outside_the_stored_calendar_is_a_400(staff_client, start, end):
    body = {"name": "Anu", "mobile": "9812345678", "program_type": "yoga", "start_date": start}
    if end:
        body["end_date"] = end

    response = staff_client.post("/api/program_participants/add", body, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) >= {"detail", "message", "code"}
    assert not ProgramParticipant.objects.exists()
