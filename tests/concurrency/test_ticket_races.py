"""Buyers racing for the last tickets, and two scanners at one door, in real concurrent
transactions: exactly the capacity is sold, and a single entry admits once."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import ProgramParticipant
from payments.choices import PaymentPurpose, PaymentStatus
from payments.models import Payment
from programs import services, tickets
from programs.models import EventDefinition, EventSchedule
from tests.concurrency.gate import all_at_once
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 8


def test_buyers_of_the_last_scheduled_tickets_never_oversell():
    definition = EventDefinition.objects.create(
        event_code="late-show",
        title="Late Show",
        event_type="live",
        start_time=time(21),
        end_time=time(23),
        max_tickets=3,
    )
    schedule = EventSchedule.objects.create(
        definition=definition,
        schedule_date=timezone.localdate() + timedelta(days=2),
        start_time=time(21),
        end_time=time(23),
        max_tickets=3,
    )

    results = all_at_once(
        [
            lambda: services.tickets_reserve(schedule_id=schedule.pk, quantity=1)
            for _ in range(BUYERS)
        ]
    )

    sold_out = [r for r in results if isinstance(r, services.SoldOut)]
    assert len(sold_out) == BUYERS - 3
    assert not [r for r in results if isinstance(r, Exception) and r not in sold_out]
    schedule.refresh_from_db()
    assert schedule.tickets_sold == 3


def test_buyers_of_a_shows_last_seats_get_exactly_the_capacity():
    staff = UserFactory(staff=True)
    show = BookingFactory(
        user=staff,
        is_admin_booking=True,
        booking_type="live-",
        status=BookingStatus.APPROVED,
        customer_note="Tickets: 3 @ ₹100",
    )
    buyers = [UserFactory() for _ in range(BUYERS)]
    for n, buyer in enumerate(buyers):
        Payment.objects.create(
            user=buyer,
            booking=show,
            purpose=PaymentPurpose.TICKETS,
            amount=Decimal("100.00"),
            amount_paise=10000,
            order_id=f"order_Race{n:010d}",
            provider_payment_id=f"pay_Race{n:012d}",
            status=PaymentStatus.SUCCESS,
            paid_at=timezone.now(),
            settled_at=timezone.now(),
        )

    def buy(buyer):
        return lambda: services.participant_add(
            actor=buyer,
            request=services.ParticipantRequest(
                name="Guest", mobile="9800000000", program_type="live", booking_id=show.pk
            ),
        )

    results = all_at_once([buy(buyer) for buyer in buyers])

    assert len([r for r in results if isinstance(r, ProgramParticipant)]) == 3
    assert len([r for r in results if isinstance(r, services.SoldOut)]) == BUYERS - 3
    assert services.tickets_sold(show.pk) == 3
    assert Payment.objects.filter(refunds__isnull=False).count() == BUYERS - 3


def test_two_scanners_at_once_admit_a_single_entry_once():
    holder = ProgramParticipant.objects.create(
        name="Anu", mobile="9812345678", program_type="live", ticket_quantity=1
    )
    code = tickets.ticket_code(holder.pk)

    def scan():
        return tickets.participant_scan(participant_id=holder.pk, actor=None, code=code)

    results = all_at_once([scan, scan, scan, scan])

    assert len([r for r in results if isinstance(r, tickets.ScanResult)]) == 1
    assert len([r for r in results if isinstance(r, tickets.TicketUsed)]) == 3
    holder.refresh_from_db()
    assert (holder.scan_count, holder.is_verified) == (1, True)


def test_buyers_of_a_tiers_last_tickets_never_oversell_it():
    from programs.models import TicketType, TicketTypeSales

    definition = EventDefinition.objects.create(
        event_code="gala",
        title="Gala",
        event_type="live",
        start_time=time(20),
        end_time=time(23),
        max_tickets=50,
    )
    schedule = EventSchedule.objects.create(
        definition=definition,
        schedule_date=timezone.localdate() + timedelta(days=2),
        start_time=time(20),
        end_time=time(23),
        max_tickets=50,
    )
    vip = TicketType.objects.create(
        definition=definition, name="VIP", price=Decimal("900"), max_quantity=3
    )

    # The tier's counter does not exist yet: the first buyers also race to create it.
    results = all_at_once(
        [
            lambda: services.tickets_reserve(
                schedule_id=schedule.pk, quantity=1, ticket_type_id=vip.pk
            )
            for _ in range(BUYERS)
        ]
    )

    sold_out = [r for r in results if isinstance(r, services.SoldOut)]
    assert len(sold_out) == BUYERS - 3
    assert not [r for r in results if isinstance(r, Exception) and r not in sold_out]
    assert TicketTypeSales.objects.get(schedule=schedule, ticket_type=vip).sold == 3
    schedule.refresh_from_db()
    # The refused buyers' seats of the schedule were given back with their transaction.
    assert schedule.tickets_sold == 3
