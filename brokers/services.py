"""Brokers: the profiles staff manage, approval and suspension, the brokerage percentage, and
settling what brokers are owed, by hand or through Razorpay (brokers/README.md).

The brokerage of a booking is computed when it is booked (bookings.services, from
BrokerProfile.brokerage_on) and settled at most once: every settlement is a conditional UPDATE
of the bookings on `broker_settled=False`, so two settlements of one booking cannot both count.
"""

import logging
import re
import secrets
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import user_cache
from accounts.choices import Role
from accounts.models import BrokerProfile, User
from accounts.services import brokers_approve
from bookings.models import Booking
from brokers.choices import PayoutStatus
from brokers.exceptions import (
    AlreadySettled,
    BrokerNotFound,
    NothingToSettle,
    PayoutMismatch,
    PayoutNotFound,
    PayoutRefused,
)
from brokers.masking import masked_account_number
from brokers.models import BrokerPayout, BrokerPayoutLine
from brokers.selectors import PAYOUT_MAX_BOOKINGS, bookings_owed, period_start
from brokers.tasks import broker_invite_send
from lebrq.errors import Conflict, InvalidInput, NotFound
from payments.choices import PaymentPurpose
from payments.models import Payment
from payments.services import checkout_verify, purpose_order_create

logger = logging.getLogger(__name__)

PERCENT_RANGE_MESSAGE = "Brokerage percentage must be between 0 and 100"
# The most bookings one "settle by hand" call takes (the summary lists at most 1,000).
SETTLE_MAX_BOOKINGS = 1000


def _check_percentage(percentage: Decimal) -> None:
    if not Decimal("0") <= percentage <= Decimal("100"):
        raise InvalidInput.for_field("brokerage_percentage", PERCENT_RANGE_MESSAGE)


# --- Profiles ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BrokerDetails:
    """A broker's profile as the staff form sends it; None leaves a field as it is."""

    company_name: str | None = None
    description: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    brokerage_percentage: Decimal | None = None
    bank_account_name: str | None = None
    bank_account_number: str | None = None
    bank_ifsc_code: str | None = None
    bank_name: str | None = None

    def given(self) -> dict[str, object]:
        return {
            f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None
        }


@dataclass(frozen=True)
class BrokerCreated:
    profile: BrokerProfile
    # Set when a new account was made for the broker.
    username: str | None
    # Shown once to staff when no invitation carries it (the legacy showed it always); only
    # its hash is stored.
    temp_password: str | None
    invited: bool


# Room for the number _free_username may add within User.username's 150 characters.
USERNAME_BASE_MAX = 140


def _username_base(username: str | None, company_name: str | None, email: str) -> str:
    base = (username or (company_name or "").strip()) or email.split("@")[0]
    base = re.sub(r"[^a-z0-9_]+", "_", base.lower().strip())[:USERNAME_BASE_MAX]
    return base or "broker"


def _free_username(base: str) -> str:
    """`base`, or `base` with the smallest number that makes it unused (the legacy's rule),
    from one query over the names of that form only."""
    taken = {
        name.lower()
        for name in User.objects.filter(username__iregex=rf"^{re.escape(base)}[0-9]*$").values_list(
            "username", flat=True
        )
    }
    if base not in taken:
        return base
    n = 1
    while f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


def broker_create(
    *, details: BrokerDetails, user_id: int | None, username: str | None, send_invite: bool
) -> BrokerCreated:
    """A broker profile for an existing user (made a broker), or for a new account with a
    temporary password, e-mailed to contact_email when `send_invite` (brokers/tasks.py).
    Staff-made brokers still wait for approval, as the legacy's did."""
    if details.brokerage_percentage is not None:
        _check_percentage(details.brokerage_percentage)
    temp_password: str | None = None
    try:
        with transaction.atomic():
            if user_id is None:
                if not details.contact_email:
                    raise InvalidInput.for_field(
                        "contact_email", "contact_email is required to create a new broker user"
                    )
                user = User(
                    username=_free_username(
                        _username_base(username, details.company_name, details.contact_email)
                    ),
                    role=Role.BROKER,
                )
                temp_password = secrets.token_urlsafe(8)
                user.set_password(temp_password)
                user.save()
            else:
                found = User.objects.select_for_update().filter(pk=user_id).first()
                if found is None:
                    raise NotFound("User not found", code="user_not_found")
                user = found
                if BrokerProfile.objects.filter(user=user).exists():
                    raise Conflict(
                        "Broker profile already exists for this user", code="broker_exists"
                    )
                if user.role != Role.BROKER:
                    user.role = Role.BROKER
                    user.save(update_fields=["role"])
            profile = BrokerProfile.objects.create(user=user, **details.given())
            invited = temp_password is not None and send_invite
            if invited:
                transaction.on_commit(lambda: broker_invite_send.enqueue(profile.pk))
    except IntegrityError:
        # Two creations picked the same free username at once; the unique index decided.
        raise Conflict("That username was just taken; try again.", code="username_taken") from None
    return BrokerCreated(
        profile=profile,
        username=user.username if temp_password is not None else None,
        temp_password=None if invited else temp_password,
        invited=invited,
    )


def broker_update(*, broker_id: int, details: BrokerDetails) -> BrokerProfile:
    """Change the fields given. A bank account number equal to the masked form of the stored
    one (what the lists show, sent back by a form prefilled from them) leaves it as it is."""
    if details.brokerage_percentage is not None:
        _check_percentage(details.brokerage_percentage)
    with transaction.atomic():
        profile = BrokerProfile.objects.select_for_update().filter(pk=broker_id).first()
        if profile is None:
            raise BrokerNotFound()
        changes = details.given()
        stored = profile.bank_account_number
        if stored and changes.get("bank_account_number") == masked_account_number(stored):
            del changes["bank_account_number"]
        for name, value in changes.items():
            setattr(profile, name, value)
        profile.save()
    if profile.bank_account_number != stored:
        logger.info(
            "Broker %s bank account changed from %s to %s",
            profile.pk,
            masked_account_number(stored) or "(none)",
            masked_account_number(profile.bank_account_number) or "(none)",
        )
    return profile


def broker_approve(*, broker_id: int) -> BrokerProfile:
    """Let the broker log in (a no-op when already approved)."""
    profiles = BrokerProfile.objects.filter(pk=broker_id)
    if not profiles.exists():
        raise BrokerNotFound()
    brokers_approve(profiles=profiles)
    return profiles.get()


def broker_suspend(*, broker_id: int, until: datetime | None) -> BrokerProfile:
    """Suspend the broker until `until` (None lifts it). The account's own suspended_until is
    set too: login and every authenticated request already refuse a suspended account."""
    with transaction.atomic():
        profile = BrokerProfile.objects.select_for_update().filter(pk=broker_id).first()
        if profile is None:
            raise BrokerNotFound()
        profile.suspended_until = until
        profile.save(update_fields=["suspended_until", "updated_at"])
        User.objects.filter(pk=profile.user_id).update(suspended_until=until)
        user_cache.forget(profile.user_id)  # a bulk update sends no signal
    return profile


def broker_invite(*, broker_id: int) -> None:
    """E-mail the broker a new temporary password, from the task worker."""
    profile = BrokerProfile.objects.filter(pk=broker_id).only("contact_email").first()
    if profile is None:
        raise BrokerNotFound()
    if not profile.contact_email:
        raise InvalidInput.for_field("contact_email", "Broker has no contact email")
    broker_invite_send.enqueue(profile.pk)


def brokerage_bulk_update(*, percentage: Decimal) -> int:
    """Every broker's percentage at once; returns how many brokers there are. Bookings already
    made keep the brokerage they were booked with."""
    _check_percentage(percentage)
    return BrokerProfile.objects.update(brokerage_percentage=percentage, updated_at=timezone.now())


# --- Settlement by hand ------------------------------------------------------------------------


def brokerage_settle(*, booking_ids: list[int], actor: User) -> int:
    """Mark these bookings' brokerage paid (outside Razorpay); returns how many were still
    unpaid. One conditional UPDATE: a booking already settled, by hand or by a payout, is
    left alone and not counted."""
    ids = list(dict.fromkeys(booking_ids))
    if not ids:
        raise InvalidInput.for_field("booking_ids", "No booking IDs provided")
    if len(ids) > SETTLE_MAX_BOOKINGS:
        raise InvalidInput.for_field(
            "booking_ids", f"At most {SETTLE_MAX_BOOKINGS} bookings at a time."
        )
    return Booking.objects.filter(pk__in=ids, broker__isnull=False, broker_settled=False).update(
        broker_settled=True, broker_settled_at=timezone.now(), broker_settled_by=actor
    )


# --- Settlement through Razorpay ---------------------------------------------------------------


@dataclass(frozen=True)
class PreparedPayout:
    payout: BrokerPayout
    order_id: str
    bookings: list[Booking]


def payout_prepare(*, actor: User, booking_id: int) -> PreparedPayout:
    """A Razorpay order for one booking's brokerage, the amount from the booking."""
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("Booking not found", code="booking_not_found")
    if booking.broker_id is None:
        raise InvalidInput("This booking has no broker", code="booking_without_broker")
    if booking.brokerage_amount <= 0:
        raise InvalidInput("No brokerage amount to pay", code="no_brokerage")
    if booking.broker_settled:
        raise AlreadySettled()
    return _payout(actor, booking.broker_id, [booking], {"booking_id": str(booking.pk)})


def payout_prepare_bulk(*, actor: User, broker_id: int, period: str) -> PreparedPayout:
    """A Razorpay order for the broker's unsettled brokerage of the period (at most
    PAYOUT_MAX_BOOKINGS bookings, oldest first), recorded with the bookings it pays."""
    if not BrokerProfile.objects.filter(pk=broker_id).exists():
        raise BrokerNotFound()
    start = period_start(period, timezone.now())
    bookings = list(
        bookings_owed(broker_id)
        .filter(created_at__gte=start)
        .only("id", "booking_reference", "brokerage_amount", "broker_id")
        .order_by("id")[:PAYOUT_MAX_BOOKINGS]
    )
    if not bookings:
        raise NothingToSettle("No unsettled bookings found")
    return _payout(actor, broker_id, bookings, {"count": str(len(bookings))})


def _payout(
    actor: User, broker_id: int, bookings: list[Booking], notes: dict[str, str]
) -> PreparedPayout:
    amount = sum((booking.brokerage_amount for booking in bookings), Decimal("0"))
    made: list[BrokerPayout] = []

    def record(payment: Payment) -> None:
        # In the payment's own transaction: an order is never without its lines.
        payout = BrokerPayout.objects.create(payment=payment, broker_id=broker_id, amount=amount)
        BrokerPayoutLine.objects.bulk_create(
            BrokerPayoutLine(payout=payout, booking=booking, amount=booking.brokerage_amount)
            for booking in bookings
        )
        made.append(payout)

    payment = purpose_order_create(
        user=actor,
        amount=amount,
        purpose=PaymentPurpose.BROKER_SETTLEMENT,
        notes={"broker_id": str(broker_id), **notes},
        on_created=record,
    )
    return PreparedPayout(payout=made[0], order_id=payment.order_id, bookings=bookings)


class _SomeAlreadySettled(Exception):
    pass


def payout_captured(payment: Payment) -> str | None:
    """The capture handler of broker payouts (registered in BrokersConfig.ready): settle
    exactly the bookings the payout was prepared for, all or none.

    Runs once per payment, inside the capture's transaction with the payment's row locked.
    Each booking is flipped by a conditional UPDATE on broker_settled=False; if any was settled
    meanwhile (by hand, or by another payout), none is, and the reason returned makes the
    payments app refund the whole payment: no brokerage is ever paid twice.
    """
    payout = BrokerPayout.objects.select_for_update().filter(payment=payment).first()
    if payout is None:
        return "No brokerage payout was prepared for this payment."
    if payout.status != PayoutStatus.PREPARED:
        return None if payout.status == PayoutStatus.SETTLED else payout.refusal_reason
    if payment.amount != payout.amount:
        return _refuse(payout, f"Paid {payment.amount}, but the payout was {payout.amount}.")
    booking_ids = list(payout.lines.values_list("booking_id", flat=True))
    now = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: undone whole if one booking is taken
            flipped = Booking.objects.filter(
                pk__in=booking_ids, broker_id=payout.broker_id, broker_settled=False
            ).update(broker_settled=True, broker_settled_at=now, broker_settled_by=payment.user)
            if flipped != len(booking_ids):
                raise _SomeAlreadySettled
    except _SomeAlreadySettled:
        return _refuse(payout, "Some of these bookings' brokerage was settled meanwhile.")
    payout.status = PayoutStatus.SETTLED
    payout.decided_at = now
    payout.save(update_fields=["status", "decided_at"])
    return None


def _refuse(payout: BrokerPayout, reason: str) -> str:
    payout.status = PayoutStatus.REFUSED
    payout.refusal_reason = reason
    payout.decided_at = timezone.now()
    payout.save(update_fields=["status", "refusal_reason", "decided_at"])
    return reason


def payout_verify(
    *,
    actor: User,
    order_id: str,
    payment_id: str,
    signature: str,
    booking_ids: list[int],
    broker_id: int | None = None,
) -> BrokerPayout:
    """The checkout's word that a payout was paid: checked with Razorpay (payments'
    checkout_verify), then applied by payout_captured, once whoever reports it first. The
    bookings the browser names must be those the payout was prepared for."""
    payout = BrokerPayout.objects.filter(payment__order_id=order_id).first()
    if payout is None:
        raise PayoutNotFound()
    prepared = set(payout.lines.values_list("booking_id", flat=True))
    if set(booking_ids) != prepared or (broker_id is not None and broker_id != payout.broker_id):
        raise PayoutMismatch()
    checkout_verify(
        user=actor, order_id=order_id, payment_id=payment_id, signature=signature, booking_id=None
    )
    payout.refresh_from_db()
    if payout.status == PayoutStatus.REFUSED:
        raise PayoutRefused(extra={"reason": payout.refusal_reason})
    return payout
