"""Participant lists and counts, programs with approval, events, and the staff dashboards,
with the shapes their screens read."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.choices import BookingStatus
from bookings.models import Program, ProgramParticipant
from programs import services
from programs.models import EventDefinition, EventSchedule, ParticipantTicket
from tests.conftest import bearer_client
from tests.factories import BookingFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def participant(**fields) -> ProgramParticipant:
    return ProgramParticipant.objects.create(
        **{
            "name": "Anu Thomas",
            "mobile": "9812345678",
            "program_type": "live",
            "ticket_quantity": 2,
            "amount_paid": Decimal("400"),
            **fields,
        }
    )


@pytest.fixture
def show(staff_user):
    return BookingFactory(
        user=staff_user,
        is_admin_booking=True,
        booking_type="live-",
        status=BookingStatus.APPROVED,
        customer_note="Tickets: 100 @ ₹200",
        start_datetime=timezone.now() + timedelta(days=3),
        end_datetime=timezone.now() + timedelta(days=3, hours=3),
    )


def test_participants_of_a_booking_are_masked_unless_staff_or_its_owner(
    api_client, customer, customer_client, staff_client, show
):
    mine = participant(user=customer, booking=show)

    anonymous = api_client.get(f"/api/program_participants/by-booking/{show.pk}").json()
    owner = customer_client.get(f"/api/program_participants/by-booking/{show.pk}").json()
    staff = staff_client.get(f"/api/program_participants/by-booking/{show.pk}").json()

    assert [(row["name"], row["mobile"], row["user_email"]) for row in anonymous] == [
        ("A** T*****", "******5678", None)
    ]
    assert (owner[0]["name"], owner[0]["mobile"]) == ("Anu Thomas", "9812345678")
    assert staff[0] == {
        "id": mine.pk,
        "user_id": customer.pk,
        "user_email": customer.username,
        "name": "Anu Thomas",
        "mobile": "9812345678",
        "program_type": "live",
        "subscription_type": "",
        "ticket_quantity": 2,
        "start_date": None,
        "end_date": None,
        "amount_paid": 400.0,
        "is_active": True,
        "joined_at": staff[0]["joined_at"],
        "is_verified": False,
        "verified_at": None,
        "scan_count": 0,
        "booking_id": show.pk,
    }


def test_counts_per_booking_and_by_bookings(api_client, show, customer):
    participant(user=customer, booking=show, ticket_quantity=3)
    participant(booking=show, ticket_quantity=1, is_verified=True)
    other = BookingFactory()

    live = api_client.get("/api/program_participants/counts/live").json()
    by_bookings = api_client.get(
        f"/api/program_participants/counts/by-bookings?ids={show.pk},{other.pk},x"
    ).json()

    assert live == {str(show.pk): 4}
    assert by_bookings == {
        str(show.pk): {"total": 2, "verified": 1},
        str(other.pk): {"total": 0, "verified": 0},
    }


def test_own_list_has_only_paid_participations_with_their_ticket_codes(
    customer, customer_client, show
):
    paid = participant(user=customer, booking=show)
    participant(user=customer, booking=show, amount_paid=Decimal("0"))  # the show: not paid
    participant(user=UserFactory(), booking=show)

    rows = customer_client.get("/api/program_participants/list/live").json()

    assert [row["id"] for row in rows] == [paid.pk]
    assert rows[0]["ticket_code"]


def test_a_program_is_proposed_then_decided_by_staff(customer_client, staff_client):
    created = customer_client.post(
        "/api/programs",
        {"title": "Sunrise Yoga", "price": 1200, "schedule": "Mon-Fri"},
        format="json",
    )
    program_id = created.json()["id"]
    refused = customer_client.post(f"/api/programs/{program_id}/approve")
    approved = staff_client.post(f"/api/programs/{program_id}/approve")
    patched = staff_client.patch(f"/api/programs/{program_id}", {"price": 1500}, format="json")

    assert created.status_code == 201
    assert created.json() == {"id": program_id, "title": "Sunrise Yoga", "status": "pending"}
    assert refused.status_code == 403
    assert approved.json() == {"ok": True}
    assert patched.json()["status"] == "approved"
    program = Program.objects.get(pk=program_id)
    assert (program.status, program.price, program.program_type) == (
        "approved",
        Decimal("1500.00"),
        "yoga",
    )
    assert customer_client.get(f"/api/programs/{program_id}").json()["title"] == "Sunrise Yoga"


def test_a_program_with_participants_is_not_deleted(staff_client):
    kept = ProgramFactory()
    participant(program=kept)
    empty = ProgramFactory()

    refused = staff_client.delete(f"/api/programs/{kept.pk}")
    deleted = staff_client.delete(f"/api/programs/{empty.pk}")

    assert refused.status_code == 409
    assert deleted.status_code == 204
    assert list(Program.objects.values_list("pk", flat=True)) == [kept.pk]


def test_programs_with_participants_for_staff(staff_client, show, customer):
    ProgramFactory(title="Morning Yoga")
    participant(program_type="yoga", user=customer)
    participant(booking=show, user=customer)

    body = staff_client.get("/api/programs/admin/with_participants").json()

    assert body["count"] == 2
    yoga, live = body["items"]
    assert (yoga["program_type"], yoga["participant_count"]) == ("yoga", 1)
    assert (live["program_type"], live["ticket_rate"], live["participant_count"]) == (
        "live",
        200.0,
        1,
    )
    assert live["participants"][0]["name"] == "Anu Thomas"


def test_events_list_and_create(api_client, staff_client, customer_client):
    created = staff_client.post(
        "/api/events", {"title": "Open mic", "dateText": "Fri 7pm"}, format="json"
    )
    refused = customer_client.post("/api/events", {"title": "Mine"}, format="json")
    empty = staff_client.post("/api/events", {"title": ""}, format="json")

    assert created.status_code == 201
    assert created.json() == {
        "id": created.json()["id"],
        "title": "Open mic",
        "dateText": "Fri 7pm",
    }
    assert (refused.status_code, empty.status_code) == (403, 400)
    assert api_client.get("/api/events").json() == {"items": [created.json()]}


@pytest.fixture
def yoga_definition():
    return EventDefinition.objects.create(
        event_code="sunrise-yoga",
        title="Sunrise Yoga",
        event_type="yoga",
        default_ticket_price=Decimal("450"),
        weekdays=[0, 2, 4],
        start_time=time(6),
        end_time=time(7),
        max_tickets=2,
    )


def test_schedules_are_generated_on_the_definitions_weekdays_once(yoga_definition):
    today = timezone.localdate()

    made = services.schedules_generate(
        definition=yoga_definition, first=today, last=today + timedelta(days=13)
    )
    again = services.schedules_generate(
        definition=yoga_definition, first=today, last=today + timedelta(days=13)
    )

    assert made == 6
    assert again == 0
    assert {s.schedule_date.weekday() for s in EventSchedule.objects.all()} == {0, 2, 4}


def test_reserving_never_sells_more_than_the_schedule_has(yoga_definition):
    schedule = EventSchedule.objects.create(
        definition=yoga_definition,
        schedule_date=timezone.localdate() + timedelta(days=1),
        start_time=time(6),
        end_time=time(7),
        max_tickets=2,
    )

    services.tickets_reserve(schedule_id=schedule.pk, quantity=2)
    with pytest.raises(services.SoldOut):
        services.tickets_reserve(schedule_id=schedule.pk, quantity=1)

    schedule.refresh_from_db()
    assert schedule.tickets_sold == 2


def test_staff_dashboards(staff_client, yoga_definition, customer):
    schedule = EventSchedule.objects.create(
        definition=yoga_definition,
        schedule_date=timezone.localdate(),
        start_time=time(6),
        end_time=time(7),
        max_tickets=20,
        tickets_sold=1,
    )
    person = participant(program_type="yoga", user=customer, ticket_quantity=1)
    ParticipantTicket.objects.create(participant=person, event_schedule=schedule)

    by_type = staff_client.get("/api/event-schedules/admin/by-type/yoga").json()
    legacy = staff_client.get("/api/event-schedules/admin/legacy/yoga").json()
    summary = staff_client.get("/api/event-schedules/admin/dashboard-summary").json()
    bad = staff_client.get("/api/event-schedules/admin/legacy/yoga?date_from=yesterday")

    assert by_type["total_schedules"] == 1
    row = by_type["schedules"][0]
    assert (row["event_code"], row["tickets_available"], row["ticket_price"]) == (
        "sunrise-yoga",
        19,
        450.0,
    )
    assert [p["id"] for p in row["participants"]] == [person.pk]
    assert legacy["summary"] == {
        "total_participants": 1,
        "total_tickets": 1,
        "total_revenue": 400.0,
        "verified_count": 0,
    }
    assert summary["new_system_stats"] == {"yoga": {"total_schedules": 1, "total_tickets_sold": 1}}
    assert summary["legacy_stats"]["yoga"]["participant_count"] == 1
    assert summary["today_schedules"] == 1
    assert bad.status_code == 400


def test_participant_lists_run_the_same_queries_for_1_and_30_rows(
    staff_client, show, django_assert_max_num_queries
):
    participant(booking=show, user=UserFactory())
    with django_assert_max_num_queries(20) as one:
        staff_client.get(f"/api/program_participants/by-booking/{show.pk}")
    for _ in range(29):
        participant(booking=show, user=UserFactory())
    with django_assert_max_num_queries(len(one.captured_queries)):
        staff_client.get(f"/api/program_participants/by-booking/{show.pk}")


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        # Staff register people by hand; a customer must name the booking that paid.
        ("post", "/api/program_participants/add", (401, 400, 200)),
        ("get", "/api/program_participants/counts/live", (200, 200, 200)),
        ("get", "/api/program_participants/counts/by-bookings?ids=1", (200, 200, 200)),
        ("get", "/api/program_participants/by-booking/{show}", (200, 200, 200)),
        ("get", "/api/program_participants/list/live", (401, 200, 200)),
        ("patch", "/api/program_participants/{person}/verify", (403, 403, 200)),
        ("post", "/api/program-participants/{person}/verify", (403, 403, 200)),
        ("get", "/api/program_participants/{person}/ticket.svg", (401, 403, 200)),
        ("get", "/api/programs", (200, 200, 200)),
        ("post", "/api/programs", (401, 201, 201)),
        ("get", "/api/programs/{program}", (200, 200, 200)),
        ("patch", "/api/programs/{program}", (401, 403, 200)),
        ("delete", "/api/programs/{program}", (401, 403, 204)),
        ("post", "/api/programs/{program}/approve", (401, 403, 200)),
        ("post", "/api/programs/{program}/reject", (401, 403, 200)),
        ("get", "/api/programs/admin/with_participants", (401, 403, 200)),
        ("get", "/api/events", (200, 200, 200)),
        ("post", "/api/events", (401, 403, 201)),
        ("get", "/api/event-schedules/admin/by-type/yoga", (401, 403, 200)),
        ("get", "/api/event-schedules/admin/legacy/yoga", (401, 403, 200)),
        ("get", "/api/event-schedules/admin/dashboard-summary", (401, 403, 200)),
    ],
)
@pytest.mark.parametrize("persona", ["anonymous", "customer", "staff"])
def test_authorization_matrix(method, path, expected, persona, show, staff_user):
    program = ProgramFactory()
    person = participant(booking=show, user=UserFactory())
    client = {
        "anonymous": APIClient(),
        "customer": bearer_client(UserFactory()),
        "staff": bearer_client(staff_user),
    }[persona]
    url = path.format(show=show.pk, person=person.pk, program=program.pk)
    body = {
        "/api/program_participants/add": {"name": "A", "mobile": "1", "program_type": "live"},
        "/api/programs": {"title": "Zumba"},
        "/api/programs/{program}": {"price": 10},
        "/api/events": {"title": "Open mic"},
    }.get(path, {})

    response = getattr(client, method)(url, body, format="json")

    assert response.status_code == expected[("anonymous", "customer", "staff").index(persona)], (
        response.content
    )


def _grow(count, **fields):
    for _ in range(count):
        participant(user=UserFactory(), **fields)


@pytest.mark.parametrize(
    "url",
    [
        "/api/programs/admin/with_participants",
        "/api/event-schedules/admin/legacy/live",
        "/api/event-schedules/admin/legacy/yoga",
    ],
)
def test_staff_dashboards_run_the_same_queries_for_1_and_30_people(
    staff_client, show, url, django_assert_max_num_queries
):
    ProgramFactory(title="Morning Yoga")
    participant(booking=show, user=UserFactory())
    participant(program_type="yoga", user=UserFactory())
    with django_assert_max_num_queries(30) as one:
        assert staff_client.get(url).status_code == 200
    _grow(29, booking=show)
    _grow(29, program_type="yoga")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert staff_client.get(url).status_code == 200


def test_schedules_by_type_runs_the_same_queries_for_1_and_30_tickets(
    staff_client, yoga_definition, django_assert_max_num_queries
):
    schedule = EventSchedule.objects.create(
        definition=yoga_definition,
        schedule_date=timezone.localdate(),
        start_time=time(6),
        end_time=time(7),
        max_tickets=100,
    )

    def ticket():
        ParticipantTicket.objects.create(
            participant=participant(program_type="yoga", user=UserFactory()),
            event_schedule=schedule,
        )

    ticket()
    with django_assert_max_num_queries(30) as one:
        staff_client.get("/api/event-schedules/admin/by-type/yoga")
    for _ in range(29):
        ticket()
    with django_assert_max_num_queries(len(one.captured_queries)):
        body = staff_client.get("/api/event-schedules/admin/by-type/yoga").json()
    assert len(body["schedules"][0]["participants"]) == 30


def test_own_participations_run_the_same_queries_for_1_and_30(
    customer, customer_client, show, django_assert_max_num_queries
):
    participant(user=customer, booking=show)
    with django_assert_max_num_queries(20) as one:
        customer_client.get("/api/program_participants/list/live")
    for _ in range(29):
        participant(user=customer, booking=show)
    with django_assert_max_num_queries(len(one.captured_queries)):
        rows = customer_client.get("/api/program_participants/list/live").json()
    assert len(rows) == 30


def test_a_busy_show_lists_its_newest_participants_only(staff_client, show, monkeypatch):
    from programs import selectors

    monkeypatch.setattr(selectors, "MAX_DASHBOARD_ROWS", 3)
    _grow(5, booking=show)

    body = staff_client.get("/api/programs/admin/with_participants").json()

    live = next(item for item in body["items"] if item["program_type"] == "live")
    assert live["participant_count"] == 3
