"""Registering participants after payment, selling tickets without overselling, programs'
approval, and dated schedules generated from event definitions.

Seats are counted under a row lock: the venue's live-show booking's row for tickets to a show,
the schedule's row (a conditional UPDATE) for tickets to a scheduled event. The amount a
participant paid is the payment's, never the browser's figure (the legacy stored whatever
`amount_paid` the browser sent).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from accounts.models import User
from bookings.choices import BookingStatus, ProgramStatus, ProgramType
from bookings.models import Booking, Program, ProgramParticipant
from lebrq.errors import Conflict, Forbidden, InvalidInput, NotFound
from payments import services as payments
from payments.choices import PaymentPurpose, PaymentStatus
from payments.exceptions import AmountMismatch
from payments.models import Payment
from programs.models import (
    EventDefinition,
    EventSchedule,
    ParticipantTicket,
    TicketType,
    TicketTypeSales,
)

MAX_TICKETS_PER_PURCHASE = 100
# The live-show booking's note, as staff write it and the frontend reads it:
# "Tickets: 100 @ ₹199 | Coordinator: ..." (the legacy's regex, programs.py).
TICKETS_NOTE = re.compile(
    r"Tickets\s*:\s*(\d+)\s*@\s*(?:₹|Rs\.?\s*)?([0-9]+(?:\.[0-9]{1,2})?)", re.IGNORECASE
)


class SoldOut(Conflict):
    default_message = "Not enough tickets are left."
    default_code = "sold_out"


class NotPaid(Conflict):
    default_message = "Pay for this first; participants are registered after payment."
    default_code = "not_paid"


@dataclass(frozen=True)
class ShowTickets:
    capacity: int
    price: Decimal


def show_tickets(booking: Booking) -> ShowTickets:
    """A live show's ticket stock and price, from its note (else its attendees, free)."""
    match = TICKETS_NOTE.search(booking.customer_note or "")
    if match:
        return ShowTickets(capacity=int(match.group(1)), price=Decimal(match.group(2)))
    return ShowTickets(capacity=booking.attendees or 0, price=Decimal("0"))


def tickets_sold(booking_id: int) -> int:
    sold = ProgramParticipant.objects.filter(booking_id=booking_id, is_active=True).aggregate(
        total=Sum("ticket_quantity")
    )["total"]
    return int(sold or 0)


@dataclass(frozen=True, kw_only=True)
class ParticipantRequest:
    """What the checkout posts after paying (payment-main.tsx). `amount_paid` is not here:
    the server knows what was paid."""

    name: str
    mobile: str
    program_type: str
    ticket_quantity: int = 1
    subscription_type: str = ""
    start_date: datetime | None = None
    end_date: datetime | None = None
    booking_id: int | None = None
    event_schedule_id: int | None = None
    ticket_type_id: int | None = None
    user_id: int | None = None


def participant_add(*, actor: User, request: ParticipantRequest) -> ProgramParticipant:
    if not 1 <= request.ticket_quantity <= MAX_TICKETS_PER_PURCHASE:
        raise InvalidInput.for_field(
            "ticket_quantity", f"From 1 to {MAX_TICKETS_PER_PURCHASE} tickets."
        )
    if request.ticket_type_id is not None and request.event_schedule_id is None:
        raise InvalidInput.for_field("ticket_type_id", "A ticket type is sold for a schedule.")
    if request.user_id not in (None, actor.pk) and not actor.is_staff:
        raise Forbidden("You can only create participants for yourself.")
    if request.booking_id is None:
        if not actor.is_staff:
            raise InvalidInput.for_field(
                "booking_id", "Name the booking that paid for this participant."
            )
        return _create(actor=actor, request=request, amount=Decimal("0"), booking=None)
    booking = Booking.objects.filter(pk=request.booking_id).first()
    if booking is None:
        raise NotFound("Booking not found")
    if booking.user_id != actor.pk and payments.sells_tickets(booking):
        return _buy_show_tickets(actor=actor, booking=booking, request=request)
    if booking.user_id != actor.pk and not actor.is_staff:
        raise Forbidden("This booking belongs to someone else.")
    if booking.status in (BookingStatus.PENDING_PAYMENT, BookingStatus.EXPIRED) and not (
        actor.is_staff
    ):
        raise NotPaid()
    return _create(actor=actor, request=request, amount=booking.paid_amount, booking=booking)


def _buy_show_tickets(
    *, actor: User, booking: Booking, request: ParticipantRequest
) -> ProgramParticipant:
    """Seats at the venue's show for the customer's unclaimed ticket payment, checked against
    what is left under the show booking's row lock; a payment that cannot be honoured goes
    back to the customer."""
    unclaimed = (
        Payment.objects.filter(
            user=actor,
            booking=booking,
            purpose=PaymentPurpose.TICKETS,
            status=PaymentStatus.SUCCESS,
            participant_ticket__isnull=True,
            refunds__isnull=True,
        )
        .order_by("-paid_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    if unclaimed is None:
        raise NotPaid("No payment for these tickets was received; pay first.")
    with transaction.atomic():
        # Lock order: payment, then booking (as payments.services does).
        payment = Payment.objects.select_for_update().get(pk=unclaimed)
        if ParticipantTicket.objects.filter(payment=payment).exists():
            raise Conflict("This payment has registered its participants already.")
        show = Booking.objects.select_for_update().get(pk=booking.pk)
        tickets = show_tickets(show)
        owed = tickets.price * request.ticket_quantity
        left = tickets.capacity - tickets_sold(show.pk)
        failure: Conflict
        if payment.amount != owed:
            reason = (
                f"{request.ticket_quantity} ticket(s) at {tickets.price} cost {owed}, "
                f"not {payment.amount}."
            )
            failure = AmountMismatch(
                f"{reason} The payment is being refunded.",
                extra={"client_amount": str(payment.amount), "server_amount": str(owed)},
            )
        elif request.ticket_quantity > left:
            reason = f"Only {max(left, 0)} ticket(s) were left."
            failure = SoldOut(
                f"Only {max(left, 0)} ticket(s) are left; the payment is being refunded.",
                extra={"tickets_available": max(left, 0)},
            )
        else:
            return _create(
                actor=actor,
                request=request,
                amount=payment.amount,
                booking=show,
                payment=payment,
                program_type=ProgramType.LIVE,
            )
        # Committed with the transaction (the refusal below is not an error of the block):
        # the money goes back even though the request fails.
        payments.refund_automatically(payment, show, reason)
    raise failure


def _create(
    *,
    actor: User,
    request: ParticipantRequest,
    amount: Decimal,
    booking: Booking | None,
    payment: Payment | None = None,
    program_type: str | None = None,
) -> ProgramParticipant:
    with transaction.atomic():
        schedule = None
        if request.event_schedule_id is not None:
            schedule = _reserve(
                request.event_schedule_id, request.ticket_quantity, request.ticket_type_id
            )
        participant = ProgramParticipant.objects.create(
            user_id=(request.user_id or actor.pk) if actor.is_staff else actor.pk,
            booking=booking,
            name=request.name,
            mobile=request.mobile,
            program_type=program_type or request.program_type,
            subscription_type=request.subscription_type,
            ticket_quantity=request.ticket_quantity,
            start_date=request.start_date,
            end_date=request.end_date,
            amount_paid=amount,
        )
        if schedule is not None or payment is not None:
            ParticipantTicket.objects.create(
                participant=participant,
                event_schedule=schedule,
                payment=payment,
                ticket_type_id=request.ticket_type_id if schedule is not None else None,
            )
    return participant


def _reserve(schedule_id: int, quantity: int, ticket_type_id: int | None = None) -> EventSchedule:
    """Take `quantity` tickets of a schedule in one conditional UPDATE: concurrent buyers of
    the last tickets cannot both succeed. With a ticket type, its own count for the schedule
    moves the same way; the caller's transaction undoes both when either is sold out."""
    taken = EventSchedule.objects.filter(
        pk=schedule_id,
        is_blocked=False,
        tickets_sold__lte=F("max_tickets") - quantity,
    ).update(tickets_sold=F("tickets_sold") + quantity, updated_at=timezone.now())
    schedule = EventSchedule.objects.filter(pk=schedule_id).first()
    if schedule is None:
        raise NotFound("Event schedule not found")
    if not taken:
        raise SoldOut(
            f"Only {schedule.tickets_available} ticket(s) are left.",
            extra={"tickets_available": schedule.tickets_available},
        )
    if ticket_type_id is not None:
        _reserve_type(schedule, ticket_type_id, quantity)
    return schedule


def _reserve_type(schedule: EventSchedule, ticket_type_id: int, quantity: int) -> None:
    ticket_type = TicketType.objects.filter(
        pk=ticket_type_id, definition_id=schedule.definition_id, is_active=True
    ).first()
    if ticket_type is None:
        raise InvalidInput.for_field("ticket_type_id", "Not a ticket type of this event.")
    # The counter row exists before its conditional UPDATE (get_or_create copes with a
    # concurrent first buyer through the unique constraint).
    TicketTypeSales.objects.get_or_create(schedule=schedule, ticket_type=ticket_type)
    sales = TicketTypeSales.objects.filter(schedule=schedule, ticket_type=ticket_type)
    if ticket_type.max_quantity is not None:
        sales = sales.filter(sold__lte=ticket_type.max_quantity - quantity)
    if not sales.update(sold=F("sold") + quantity):
        sold = (
            TicketTypeSales.objects.filter(schedule=schedule, ticket_type=ticket_type)
            .values_list("sold", flat=True)
            .get()
        )
        left = max((ticket_type.max_quantity or 0) - sold, 0)
        raise SoldOut(
            f"Only {left} {ticket_type.name} ticket(s) are left.",
            extra={"tickets_available": left, "ticket_type_id": ticket_type.pk},
        )


def ticket_type_create(*, definition_id: int, fields: dict[str, Any]) -> TicketType:
    if not EventDefinition.objects.filter(pk=definition_id).exists():
        raise NotFound("Event definition not found")
    return TicketType.objects.create(definition_id=definition_id, **fields)


def tickets_reserve(
    *, schedule_id: int, quantity: int, ticket_type_id: int | None = None
) -> EventSchedule:
    if not 1 <= quantity <= MAX_TICKETS_PER_PURCHASE:
        raise InvalidInput.for_field("quantity", f"From 1 to {MAX_TICKETS_PER_PURCHASE}.")
    with transaction.atomic():
        return _reserve(schedule_id, quantity, ticket_type_id)


# --- Programs ------------------------------------------------------------------------------------


PROGRAM_DECISIONS = {"approve": ProgramStatus.APPROVED, "reject": ProgramStatus.REJECTED}


def program_decide(*, program_id: int, decision: str) -> Program:
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise NotFound("Program not found")
    program.status = PROGRAM_DECISIONS[decision]
    program.save(update_fields=["status", "updated_at"])
    return program


def program_delete(*, program_id: int) -> None:
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise NotFound("Program not found")
    if program.participants.exists():
        # Participants paid for it: their records stay (the legacy deleted them with it).
        raise Conflict(
            "This program has participants; reject it instead of deleting it.",
            code="program_has_participants",
        )
    program.delete()


# --- Schedules -----------------------------------------------------------------------------------

MAX_SCHEDULE_DAYS = 366


def schedules_generate(*, definition: EventDefinition, first: date, last: date) -> int:
    """One schedule per matching weekday from `first` to `last`; existing ones are kept."""
    days = (last - first).days + 1
    if not 1 <= days <= MAX_SCHEDULE_DAYS:
        raise InvalidInput.for_field("date_to", f"Generate 1 to {MAX_SCHEDULE_DAYS} days at once.")
    weekdays = set(definition.weekdays or range(7))
    rows = [
        EventSchedule(
            definition=definition,
            schedule_date=day,
            start_time=definition.start_time,
            end_time=definition.end_time,
            max_tickets=definition.max_tickets,
        )
        for day in (first + timedelta(days=n) for n in range(days))
        if day.weekday() in weekdays
    ]
    before = definition.schedules.count()
    # ignore_conflicts: days already scheduled (the unique slot) keep their sales.
    EventSchedule.objects.bulk_create(rows, ignore_conflicts=True)
    return definition.schedules.count() - before


UNCLAIMED_LOOKBACK = timedelta(days=7)


def ticket_payments_return_unclaimed(now: datetime | None = None) -> int:
    """Ticket payments no participant claimed within twice the hold (the checkout failed
    after paying): the money goes back."""
    now = now or timezone.now()
    since = now - timedelta(minutes=2 * settings.PAYMENT_HOLD_MINUTES)
    unclaimed = Payment.objects.filter(
        purpose=PaymentPurpose.TICKETS,
        status=PaymentStatus.SUCCESS,
        participant_ticket__isnull=True,
        refunds__isnull=True,
        paid_at__lte=since,
        # Each run returns what the last one left, so a week back is plenty: the
        # (purpose, status, paid_at) index then reads a week of ticket payments, not all.
        paid_at__gte=now - UNCLAIMED_LOOKBACK,
    ).values_list("pk", flat=True)[:500]
    returned = 0
    for payment_id in unclaimed:
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=payment_id)
            if (
                payment.refunds.exists()
                or ParticipantTicket.objects.filter(payment=payment).exists()
            ):
                continue
            payments.refund_automatically(
                payment, payment.booking, "Tickets paid for, but no participants were registered."
            )
            returned += 1
    return returned
