"""Ticket tiers of an event (Standard, VIP...): listed for the event page, created by staff,
and sold per schedule within the tier's own limit as well as the schedule's."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from lebrq.errors import InvalidInput
from programs import services
from programs.models import (
    EventDefinition,
    EventSchedule,
    ParticipantTicket,
    TicketType,
    TicketTypeSales,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def concert():
    return EventDefinition.objects.create(
        event_code="concert",
        title="Concert",
        event_type="live",
        start_time=time(19),
        end_time=time(22),
        max_tickets=10,
    )


@pytest.fixture
def evening(concert):
    return EventSchedule.objects.create(
        definition=concert,
        schedule_date=timezone.localdate() + timedelta(days=3),
        start_time=time(19),
        end_time=time(22),
        max_tickets=10,
    )


def test_the_event_page_lists_active_tiers_in_order(api_client, concert):
    vip = TicketType.objects.create(
        definition=concert, name="VIP", price=Decimal("999.50"), max_quantity=2, sort_order=1,
        perks="Front row, drinks",
    )  # fmt: skip
    standard = TicketType.objects.create(definition=concert, name="Standard", price=Decimal("300"))
    TicketType.objects.create(definition=concert, name="Old", price=Decimal("1"), is_active=False)

    response = api_client.get(f"/api/event-definitions/{concert.pk}/ticket-types")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": standard.pk,
            "name": "Standard",
            "description": "",
            "price": 300.0,
            "max_quantity": None,
            "perks": "",
            "sort_order": 0,
        },
        {
            "id": vip.pk,
            "name": "VIP",
            "description": "",
            "price": 999.5,
            "max_quantity": 2,
            "perks": "Front row, drinks",
            "sort_order": 1,
        },
    ]
    assert api_client.get("/api/event-definitions/999999/ticket-types").status_code == 404


def test_staff_create_a_tier_as_the_legacy_did(staff_client, concert):
    body = {"name": "Early Bird", "description": None, "price": 199, "max_quantity": 20,
            "perks": None, "sort_order": 0}  # fmt: skip

    response = staff_client.post(
        f"/api/event-definitions/{concert.pk}/ticket-types", body, format="json"
    )

    assert response.status_code == 200, response.json()
    created = TicketType.objects.get()
    assert response.json() == {
        "id": created.pk,
        "name": "Early Bird",
        "description": "",
        "price": 199.0,
        "max_quantity": 20,
        "perks": "",
        "sort_order": 0,
    }
    assert (created.definition_id, created.price) == (concert.pk, Decimal("199.00"))


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("api_client", 401), ("customer_client", 403), ("staff_client", 400)],
)
def test_only_staff_create_tiers_and_bad_ones_change_nothing(request, concert, client_name, status):
    client = request.getfixturevalue(client_name)

    response = client.post(
        f"/api/event-definitions/{concert.pk}/ticket-types",
        {"name": "", "price": -5, "max_quantity": 0},
        format="json",
    )

    assert response.status_code == status
    assert not TicketType.objects.exists()


def test_a_tier_sells_within_its_own_limit_and_the_schedules(evening, concert):
    vip = TicketType.objects.create(definition=concert, name="VIP", price=500, max_quantity=2)

    services.tickets_reserve(schedule_id=evening.pk, quantity=2, ticket_type_id=vip.pk)
    with pytest.raises(services.SoldOut) as refused:
        services.tickets_reserve(schedule_id=evening.pk, quantity=1, ticket_type_id=vip.pk)

    assert refused.value.extra == {"tickets_available": 0, "ticket_type_id": vip.pk}
    evening.refresh_from_db()
    # The refused VIP ticket did not take a seat of the schedule either (one transaction).
    assert evening.tickets_sold == 2
    assert TicketTypeSales.objects.get(schedule=evening, ticket_type=vip).sold == 2
    # Without a tier of its own limit, the schedule's seats are what is left.
    services.tickets_reserve(schedule_id=evening.pk, quantity=8)
    with pytest.raises(services.SoldOut):
        services.tickets_reserve(schedule_id=evening.pk, quantity=1)


def test_a_tier_of_another_event_is_refused(evening):
    other = EventDefinition.objects.create(
        event_code="other", title="Other", event_type="live", start_time=time(9), end_time=time(10)
    )
    foreign = TicketType.objects.create(definition=other, name="VIP", price=100)

    with pytest.raises(InvalidInput):
        services.tickets_reserve(schedule_id=evening.pk, quantity=1, ticket_type_id=foreign.pk)

    evening.refresh_from_db()
    assert evening.tickets_sold == 0


def test_staff_register_a_participant_with_a_tier(staff_client, evening, concert):
    vip = TicketType.objects.create(definition=concert, name="VIP", price=500, max_quantity=3)

    response = staff_client.post(
        "/api/program_participants/add",
        {
            "name": "Guest of honour",
            "mobile": "9800000001",
            "program_type": "live",
            "ticket_quantity": 2,
            "event_schedule_id": evening.pk,
            "ticket_type_id": vip.pk,
        },
        format="json",
    )

    assert response.status_code == 200, response.json()
    ticket = ParticipantTicket.objects.get(participant_id=response.json()["id"])
    assert (ticket.event_schedule_id, ticket.ticket_type_id) == (evening.pk, vip.pk)
    assert TicketTypeSales.objects.get(ticket_type=vip).sold == 2
    # A tier without a schedule is refused: tiers are sold per schedule.
    without = staff_client.post(
        "/api/program_participants/add",
        {"name": "X", "mobile": "9800000002", "program_type": "live", "ticket_type_id": vip.pk},
        format="json",
    )
    assert without.status_code == 400
