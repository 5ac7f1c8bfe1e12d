"""Money in and out, exactly once.

The frontend makes its Razorpay order before the booking exists, pays, books, then asks us to
verify; Razorpay also calls our webhook, and reconciliation asks Razorpay about orders left
pending. Those three may report one payment in any order, twice, or at once. A payment's row
(unique order id, unique gateway payment id) is locked while its news is applied, and a
status only ever moves forward, so each payment is recorded once and pays its booking once.

Lock order, everywhere: payment row, then the space's row, then the booking's row (booking
creation locks space then booking), so no two of these ever wait on each other in a circle.
Calls to the gateway are made outside transactions: no row stays locked while Razorpay thinks.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from bookings import policies
from bookings.choices import BookingStatus, BookingType
from bookings.models import Booking, BookingEvent, Space
from bookings.services import booking_payment_received
from lebrq import metrics
from lebrq.errors import InvalidInput
from payments.choices import (
    PaymentPurpose,
    PaymentSource,
    PaymentStatus,
    RefundStatus,
    RefundType,
)
from payments.exceptions import (
    AmountMismatch,
    NotPayable,
    NotYours,
    PaymentNotCaptured,
    PaymentNotFound,
    RefundNotProcessable,
    RefundTooLarge,
    SignatureInvalid,
)
from payments.gateways import GatewayPayment, GatewayRefund, payment_gateway
from payments.hooks import capture_handler
from payments.models import Payment, PaymentEvent, Refund

logger = logging.getLogger(__name__)

PAISE_PER_RUPEE = 100
MIN_PAYMENT = Decimal("1.00")  # Razorpay takes nothing under 100 paise
# Statuses in which a booking can take money towards what it owes.
PAYABLE_STATUSES = frozenset(
    {BookingStatus.PENDING_PAYMENT, BookingStatus.PENDING, BookingStatus.APPROVED}
)


def to_paise(amount: Decimal) -> int:
    return int((amount * PAISE_PER_RUPEE).to_integral_value())


def to_rupees(paise: int) -> Decimal:
    return (Decimal(paise) / PAISE_PER_RUPEE).quantize(Decimal("0.01"))


# --- What a booking owes ----------------------------------------------------------------------


def amounts_due(booking: Booking) -> list[Decimal]:
    """The figures a payment for `booking` may be: the balance, or, before anything has been
    paid, the advance the checkout offers. Empty when it owes nothing."""
    balance = booking.total_amount - booking.paid_amount
    if balance <= 0 or booking.status not in PAYABLE_STATUSES:
        return []
    due = [balance]
    if booking.paid_amount == 0:
        advance = policies.advance_payment().share_of(booking.total_amount)
        if Decimal(0) < advance < balance:
            due.append(advance)
    return due


def _owned_booking(user: User, booking_id: int, *, tickets_allowed: bool = False) -> Booking:
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise PaymentNotFound("Booking not found.", code="booking_not_found")
    others = booking.user_id != user.pk and not user.is_staff
    if others and not (tickets_allowed and sells_tickets(booking)):
        raise NotYours()
    return booking


def sells_tickets(booking: Booking) -> bool:
    """The venue's own live show: customers pay for tickets to it (the programs app registers
    their people), not for the booking itself."""
    return booking.is_admin_booking and booking.booking_type in (
        BookingType.LIVE,
        BookingType.LIVE_PLAIN,
    )


def _check_amount(booking: Booking, amount: Decimal) -> None:
    due = amounts_due(booking)
    if not due:
        raise NotPayable(f"Booking {booking.booking_reference} owes nothing now.")
    if amount not in due:
        raise AmountMismatch(
            f"This booking owes {' or '.join(str(d) for d in due)}, not {amount}.",
            extra={"client_amount": str(amount), "server_amount": str(due[0])},
        )


@dataclass(frozen=True)
class Prepared:
    amount: Decimal
    currency: str
    booking: Booking | None


def payment_prepare(
    *, user: User, amount: Decimal, currency: str, booking_id: int | None
) -> Prepared:
    """The checkout's confirmation step. With a booking, the server's figure is checked."""
    if booking_id is not None:
        booking = _owned_booking(user, booking_id)
        _check_amount(booking, amount)
        return Prepared(amount=amount, currency=currency, booking=booking)
    if amount < MIN_PAYMENT:
        raise InvalidInput.for_field("amount", "The smallest payment is 1 rupee.")
    return Prepared(amount=amount, currency=currency, booking=None)


# --- Orders ------------------------------------------------------------------------------------


def order_create(
    *, user: User, amount_paise: int, currency: str, booking_id: int | None
) -> Payment:
    """A Razorpay order for what the customer is about to pay.

    With a booking, the amount must be what it owes (409 with both figures otherwise). The
    frontend makes its order before booking: then the amount is checked when the checkout is
    verified against the booking it paid for, and money that does not match is returned.
    """
    amount = to_rupees(amount_paise)
    if amount < MIN_PAYMENT:
        raise InvalidInput.for_field("amount", "The smallest payment is 100 paise (1 rupee).")
    booking = None
    if booking_id is not None:
        booking = _owned_booking(user, booking_id)
        _check_amount(booking, amount)
    return _order(
        user=user,
        amount_paise=amount_paise,
        currency=currency,
        booking=booking,
        purpose=PaymentPurpose.BOOKING,
        notes={"user_id": str(user.pk), "booking_id": str(booking_id or "")},
    )


def purpose_order_create(
    *,
    user: User,
    amount: Decimal,
    purpose: str,
    notes: dict[str, str],
    on_created: Callable[[Payment], None] | None = None,
) -> Payment:
    """A Razorpay order for an amount another app computed (a payout to a vendor or a broker,
    a rack order). `on_created` runs in the transaction that records the payment, so what the
    payment is for (the lines it settles, the order it pays) is recorded with it or not at all.
    The capture handler registered for `purpose` (payments.hooks) takes it when it is paid."""
    if amount < MIN_PAYMENT:
        raise InvalidInput.for_field("amount", "The smallest payment is 1 rupee.")
    return _order(
        user=user,
        amount_paise=to_paise(amount),
        currency="INR",
        booking=None,
        purpose=purpose,
        notes={"user_id": str(user.pk), "purpose": purpose, **notes},
        on_created=on_created,
    )


def _order(
    *,
    user: User,
    amount_paise: int,
    currency: str,
    booking: Booking | None,
    purpose: str,
    notes: dict[str, str],
    on_created: Callable[[Payment], None] | None = None,
) -> Payment:
    gateway = payment_gateway()
    order = gateway.create_order(
        amount_paise=amount_paise,
        currency=currency,
        receipt=f"u{user.pk}-{timezone.now():%Y%m%d%H%M%S}"[:40],
        notes=notes,
    )
    with transaction.atomic():
        payment = Payment.objects.create(
            user=user,
            booking=booking,
            amount=to_rupees(order.amount_paise),
            amount_paise=order.amount_paise,
            currency=order.currency,
            provider=gateway.name,
            order_id=order.id,
            purpose=purpose,
            gateway_response={"order": order.raw},
        )
        PaymentEvent.objects.create(
            payment=payment,
            to_status=payment.status,
            source=PaymentSource.ORDER,
            raw=order.raw,
        )
        if on_created is not None:
            on_created(payment)
    return payment


# --- Payments arriving --------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    payment: Payment
    # Set when the payment could not pay its booking and is being returned.
    refund: Refund | None = None


def checkout_verify(
    *,
    user: User,
    order_id: str,
    payment_id: str,
    signature: str,
    booking_id: int | None,
) -> Settlement:
    """The browser's word that it paid, checked twice: the signature Razorpay's checkout made
    with our secret, and Razorpay's own record of the payment (amount and status)."""
    gateway = payment_gateway()
    if not gateway.checkout_signature_valid(order_id, payment_id, signature):
        raise SignatureInvalid()
    payment = Payment.objects.filter(order_id=order_id).first()
    if payment is None or (payment.user_id != user.pk and not user.is_staff):
        raise PaymentNotFound()
    if booking_id is not None:
        _owned_booking(user, booking_id, tickets_allowed=True)
    paid = gateway.payment_for_order(order_id, payment_id)
    if paid is None or not paid.captured:
        raise PaymentNotCaptured()
    return payment_captured(
        order_id=order_id, paid=paid, source=PaymentSource.VERIFY, booking_id=booking_id
    )


def payment_captured(
    *, order_id: str, paid: GatewayPayment, source: str, booking_id: int | None = None
) -> Settlement:
    """Apply "this order was paid" once, whoever says it and however often."""
    refund: Refund | None = None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_id=order_id).first()
        if payment is None:
            raise PaymentNotFound(f"No order {order_id} here.")
        if payment.status == PaymentStatus.PENDING or payment.status == PaymentStatus.FAILED:
            _record_capture(payment, paid, source)
        elif payment.provider_payment_id != paid.id:
            # A second payment against one order (Razorpay allows retries of a failed one;
            # two successes are a gateway fault): keep it on the record, refund it.
            logger.error(
                "Order %s paid twice: %s and %s", order_id, payment.provider_payment_id, paid.id
            )
            PaymentEvent.objects.create(
                payment=payment,
                from_status=payment.status,
                to_status=payment.status,
                source=source,
                raw={"second_payment": paid.raw},
            )
            _count_payment_after_commit("duplicate")
            return Settlement(payment=payment)
        target = booking_id or payment.booking_id
        handler = capture_handler(payment.purpose)
        if handler is not None and payment.settled_at is None:
            # A purpose another app owns (a payout to a vendor, a rack order): it takes the
            # payment once, under this row lock, or says why not and the money goes back.
            reason = handler(payment)
            if reason is not None:
                refund = _refund_automatically(payment, None, reason)
            payment.settled_at = timezone.now()
            payment.save(update_fields=["settled_at", "updated_at"])
            if refund is not None:
                _send_refund_after_commit(refund.pk)
        elif target is not None and payment.settled_at is None:
            refund = _pay_booking(payment, target)
            payment.settled_at = timezone.now()
            payment.save(update_fields=["settled_at", "updated_at"])
            if refund is not None:
                _send_refund_after_commit(refund.pk)
    return Settlement(payment=payment, refund=refund)


def _count_payment_after_commit(outcome: str) -> None:
    # Counted once the change is committed: a rolled-back capture was never an outcome.
    transaction.on_commit(lambda: metrics.PAYMENTS.labels(outcome).inc())


def _send_refund_after_commit(refund_id: int) -> None:
    from payments.tasks import refund_send  # the task module imports this one

    transaction.on_commit(lambda: refund_send.enqueue(refund_id))


def _record_capture(payment: Payment, paid: GatewayPayment, source: str) -> None:
    from_status = payment.status
    payment.status = PaymentStatus.SUCCESS
    payment.provider_payment_id = paid.id
    payment.method = paid.method[:30]
    payment.paid_at = timezone.now()
    # What arrived is what counts (an order could in theory be paid partially).
    payment.amount_paise = paid.amount_paise
    payment.amount = to_rupees(paid.amount_paise)
    payment.gateway_response = {**payment.gateway_response, "payment": paid.raw}
    payment.save()
    PaymentEvent.objects.create(
        payment=payment,
        from_status=from_status,
        to_status=payment.status,
        source=source,
        raw=paid.raw,
    )
    _count_payment_after_commit(payment.status)


def _pay_booking(payment: Payment, booking_id: int) -> Refund | None:
    """Count `payment` towards its booking, or return it when the booking cannot take it.
    Runs inside the caller's transaction, with the payment's row locked."""
    space_id = Booking.objects.filter(pk=booking_id).values_list("space_id", flat=True).first()
    if space_id is None:
        raise PaymentNotFound("Booking not found.", code="booking_not_found")
    Space.objects.select_for_update().filter(pk=space_id).first()
    booking = Booking.objects.select_for_update().get(pk=booking_id)
    if payment.booking_id not in (None, booking.pk):
        raise NotYours("This payment was made for another booking.")
    if booking.user_id != payment.user_id:
        if not sells_tickets(booking):
            raise NotYours("This payment was made for another booking.")
        # Tickets to the venue's show: the payment waits for its participants
        # (programs.services.participant_add), which check the amount and the seats.
        payment.booking = booking
        payment.purpose = PaymentPurpose.TICKETS
        payment.save(update_fields=["booking", "purpose", "updated_at"])
        return None
    payment.booking = booking
    payment.save(update_fields=["booking", "updated_at"])

    reason = _why_unpayable(booking, payment.amount)
    if reason is not None:
        return _refund_automatically(payment, booking, reason)
    booking_payment_received(
        booking=booking,
        amount=payment.amount,
        actor=payment.user,
        note=f"Payment {payment.order_id} of {payment.amount} received.",
    )
    return None


def _why_unpayable(booking: Booking, amount: Decimal) -> str | None:
    if booking.status == BookingStatus.EXPIRED or (
        booking.status == BookingStatus.PENDING_PAYMENT
        and booking.payment_hold_expires_at is not None
        and booking.payment_hold_expires_at <= timezone.now()
    ):
        # The hold ran out before the money came: keep the booking if its slot is still free.
        clash = (
            Booking.objects.overlapping(booking.space, booking.start_datetime, booking.end_datetime)
            .exclude(pk=booking.pk)
            .exists()
        )
        if clash:
            return "The booking's hold ran out and its slot was taken before the payment came."
        booking.status = BookingStatus.PENDING_PAYMENT  # revived; paid just below
        return _amount_problem(booking, amount)
    if booking.status not in PAYABLE_STATUSES:
        return f"The booking is {booking.status}; it takes no payment."
    return _amount_problem(booking, amount)


def _amount_problem(booking: Booking, amount: Decimal) -> str | None:
    due = amounts_due(booking)
    if amount in due:
        return None
    owed = " or ".join(str(d) for d in due) or "nothing"
    return f"The payment of {amount} is not what the booking owed ({owed})."


def refund_automatically(payment: Payment, booking: Booking | None, reason: str) -> Refund:
    """Return a payment nobody can take (for callers above this app, in their transaction):
    the refund is sent by the task worker once the transaction commits."""
    refund = _refund_automatically(payment, booking, reason)
    _send_refund_after_commit(refund.pk)
    return refund


def refund_part_automatically(*, payment: Payment, amount: Decimal, reason: str) -> Refund:
    """Return the part of a payment a caller above this app did not need (the checkout charged
    more than the order it paid for costs), in the caller's transaction with the payment's row
    locked; sent by the task worker once the transaction commits."""
    if amount <= 0 or amount > payment.refundable:
        raise RefundTooLarge(
            f"At most {payment.refundable} can be returned of this payment, not {amount}.",
            extra={"refundable": str(payment.refundable)},
        )
    refund = Refund.objects.create(
        payment=payment, amount=amount, reason=reason, refund_type=RefundType.AUTOMATIC
    )
    logger.warning("Returning %s of payment %s: %s", amount, payment.order_id, reason)
    _send_refund_after_commit(refund.pk)
    return refund


def _refund_automatically(payment: Payment, booking: Booking | None, reason: str) -> Refund:
    refund = Refund.objects.create(
        booking=booking,
        payment=payment,
        amount=payment.refundable,
        reason=reason,
        refund_type=RefundType.AUTOMATIC,
    )
    logger.warning("Returning payment %s: %s", payment.order_id, reason)
    return refund


def payment_failed(*, order_id: str, raw: dict[str, object], source: str) -> Payment | None:
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_id=order_id).first()
        if payment is None or payment.status != PaymentStatus.PENDING:
            return payment  # unknown, or already settled: a late failure of a retry changes nothing
        payment.status = PaymentStatus.FAILED
        payment.gateway_response = {**payment.gateway_response, "failure": raw}
        payment.save(update_fields=["status", "gateway_response", "updated_at"])
        PaymentEvent.objects.create(
            payment=payment,
            from_status=PaymentStatus.PENDING,
            to_status=payment.status,
            source=source,
            raw=raw,
        )
        _count_payment_after_commit(payment.status)
    return payment


# --- Refunds ------------------------------------------------------------------------------------


def refundable_total(booking: Booking) -> Decimal:
    """Paid and not yet returned or promised back."""
    paid = Payment.objects.filter(
        booking=booking, status__in=(PaymentStatus.SUCCESS, PaymentStatus.REFUNDED)
    )
    received = paid.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    promised = Refund.objects.filter(booking=booking).exclude(status=RefundStatus.FAILED)
    returned = promised.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    return max(received - returned, Decimal("0"))


def refunds_open(booking: Booking) -> Decimal:
    """Promised back and not yet returned (requested or on their way)."""
    open_refunds = Refund.objects.filter(
        booking=booking, status__in=(RefundStatus.PENDING, RefundStatus.PROCESSING)
    )
    return open_refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def refund_request(
    *,
    booking: Booking,
    amount: Decimal,
    reason: str,
    refund_type: str,
    actor: User | None,
    limit: Decimal | None = None,
) -> list[Refund]:
    """Promise `amount` back, split over the booking's payments (a refund goes back through
    the payment it came from). Never more than was paid and not yet refunded."""
    with transaction.atomic():
        locked = list(
            Payment.objects.select_for_update()
            .filter(booking=booking, status=PaymentStatus.SUCCESS)
            .order_by("-amount", "id")
        )
        available = refundable_total(booking)
        ceiling = available if limit is None else min(available, limit)
        if amount <= 0 or amount > ceiling:
            raise RefundTooLarge(
                f"At most {ceiling} can be refunded for this booking, not {amount}.",
                extra={"refundable": str(ceiling)},
            )
        promised = {
            row["payment_id"]: row["total"]
            for row in Refund.objects.filter(payment__in=locked)
            .exclude(status=RefundStatus.FAILED)
            .values("payment_id")
            .annotate(total=Sum("amount"))
        }
        refunds: list[Refund] = []
        left = amount
        for payment in locked:
            room = payment.amount - promised.get(payment.pk, Decimal("0"))
            part = min(room, left)
            if part <= 0:
                continue
            refunds.append(
                Refund.objects.create(
                    booking=booking,
                    payment=payment,
                    amount=part,
                    reason=reason,
                    refund_type=refund_type,
                    created_by=actor,
                )
            )
            left -= part
            if left == 0:
                break
        BookingEvent.objects.create(
            booking=booking,
            actor=actor,
            from_status=booking.status,
            to_status=booking.status,
            note=f"Refund of {amount} requested ({refund_type}): {reason}"[:2000],
        )
    return refunds


def cancellation_refund(*, booking: Booking, actor: User | None) -> Refund | None:
    """The legacy's rule: the refund percentage of what was paid, requested at cancellation
    (staff process it). None when nothing was paid."""
    paid = refundable_total(booking)
    amount = (paid * policies.refund_percentage() / Decimal(100)).quantize(Decimal("0.01"))
    if amount <= 0:
        return None
    refunds = refund_request(
        booking=booking,
        amount=amount,
        reason=f"Cancellation: {policies.refund_percentage().normalize():f} % of {paid} paid",
        refund_type=RefundType.CANCELLATION,
        actor=actor,
    )
    return refunds[0] if refunds else None


def refund_process(refund_id: int) -> Refund:
    """Send a requested refund through the gateway, once.

    The refund is marked processing (committed) before the call, and carries its own id in
    the gateway's notes: a retry after a lost answer finds the refund the gateway already
    made instead of making a second one.
    """
    with transaction.atomic():
        # No join here: PostgreSQL locks no outer-joined (nullable) side.
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == RefundStatus.COMPLETED:
            return refund
        if refund.payment is None or refund.payment.provider_payment_id is None:
            raise RefundNotProcessable("This refund has no gateway payment to go back through.")
        if refund.status in (RefundStatus.PENDING, RefundStatus.FAILED):
            refund.status = RefundStatus.PROCESSING
            refund.save(update_fields=["status", "updated_at"])
    gateway_payment_id = refund.payment.provider_payment_id
    gateway = payment_gateway()
    tag = {"lebrq_refund_id": str(refund.pk)}
    made = next(
        (r for r in gateway.payment_refunds(gateway_payment_id) if _tagged(r, refund.pk)),
        None,
    )
    if made is None:
        made = gateway.refund(
            payment_id=gateway_payment_id,
            amount_paise=to_paise(refund.amount),
            notes={**tag, "reason": refund.reason[:200]},
        )
    return refund_recorded(refund_id=refund.pk, made=made)


def _tagged(made: GatewayRefund, refund_id: int) -> bool:
    notes = made.raw.get("notes")
    return isinstance(notes, dict) and notes.get("lebrq_refund_id") == str(refund_id)


def refund_recorded(*, refund_id: int, made: GatewayRefund) -> Refund:
    """The gateway made (or finished) a refund: record it once."""
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund_id)
        if refund.status == RefundStatus.COMPLETED:
            return refund
        refund.refund_reference = made.id
        refund.gateway_response = made.raw
        if made.status == "failed":
            refund.status = RefundStatus.FAILED
            refund.save(
                update_fields=["refund_reference", "gateway_response", "status", "updated_at"]
            )
            transaction.on_commit(lambda: metrics.REFUNDS.labels("failed").inc())
            return refund
        assert refund.payment_id is not None  # refund_process refuses refunds without one
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        payment.refunded_amount += refund.amount
        if payment.refunded_amount >= payment.amount:
            PaymentEvent.objects.create(
                payment=payment,
                from_status=payment.status,
                to_status=PaymentStatus.REFUNDED,
                source=PaymentSource.STAFF,
                raw=made.raw,
            )
            payment.status = PaymentStatus.REFUNDED
            _count_payment_after_commit(payment.status)
        payment.save(update_fields=["refunded_amount", "status", "updated_at"])
        if refund.booking_id is not None and refund.refund_type != RefundType.AUTOMATIC:
            # An automatic refund returns money that was never counted towards the booking.
            booking = Booking.objects.select_for_update().get(pk=refund.booking_id)
            booking.paid_amount = max(booking.paid_amount - refund.amount, Decimal("0"))
            booking.save(update_fields=["paid_amount", "updated_at"])
        refund.status = RefundStatus.COMPLETED
        refund.processed_at = timezone.now()
        refund.save()
        transaction.on_commit(lambda: metrics.REFUNDS.labels("completed").inc())
    return refund


# --- Background: holds running out, pending orders, stuck refunds ---------------------------

SWEEP_BATCH = 500


def payment_holds_expire(now: datetime | None = None) -> int:
    """Mark unpaid bookings whose hold ran out as expired (their slots are already free: see
    Booking.holds_slot_q). Bounded per run."""
    now = now or timezone.now()
    ids = list(
        Booking.objects.filter(
            status=BookingStatus.PENDING_PAYMENT, payment_hold_expires_at__lte=now
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    expired = 0
    for booking_id in ids:
        with transaction.atomic():
            changed = Booking.objects.filter(
                pk=booking_id,
                status=BookingStatus.PENDING_PAYMENT,
                payment_hold_expires_at__lte=now,
            ).update(status=BookingStatus.EXPIRED, updated_at=now)
            if changed:
                expired += 1
                BookingEvent.objects.create(
                    booking_id=booking_id,
                    from_status=BookingStatus.PENDING_PAYMENT,
                    to_status=BookingStatus.EXPIRED,
                    note="Not paid within the hold; the slot is free again.",
                )
    return expired


def payments_to_reconcile(now: datetime | None = None) -> QuerySet[Payment]:
    now = now or timezone.now()
    after = timedelta(minutes=settings.PAYMENT_RECONCILE_AFTER_MINUTES)
    return Payment.objects.filter(
        status=PaymentStatus.PENDING,
        created_at__lte=now - after,
        created_at__gte=now - timedelta(days=3),
    ).order_by("created_at", "id")


def reconcile_payments(now: datetime | None = None) -> dict[str, int]:
    """Ask the gateway about orders left pending, settle what was paid, return money no
    booking took, and finish refunds left processing."""
    now = now or timezone.now()
    counts = {"captured": 0, "failed": 0, "returned": 0, "refunds": 0}
    gateway = payment_gateway()
    for payment in payments_to_reconcile(now)[:SWEEP_BATCH]:
        found = gateway.order_payments(payment.order_id)
        captured = next((p for p in found if p.captured), None)
        if captured is not None:
            payment_captured(
                order_id=payment.order_id, paid=captured, source=PaymentSource.RECONCILE
            )
            counts["captured"] += 1
        elif payment.created_at <= now - timedelta(days=1):
            # A day without a successful payment: the checkout was abandoned.
            raw = {"reconciled": True, "payments": [p.raw for p in found]}
            payment_failed(order_id=payment.order_id, raw=raw, source=PaymentSource.RECONCILE)
            counts["failed"] += 1
    # Paid, but no booking ever claimed it within twice the hold: the customer's booking never
    # came (the slot went to someone else, the browser closed). Return it.
    unclaimed_since = now - timedelta(minutes=2 * settings.PAYMENT_HOLD_MINUTES)
    unclaimed = Payment.objects.filter(
        status=PaymentStatus.SUCCESS, settled_at__isnull=True, paid_at__lte=unclaimed_since
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    for payment_id in unclaimed:
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment_id)
            if locked.settled_at is not None:
                continue  # a verify got there first
            refund = _refund_automatically(
                locked, None, "Paid, but no booking claimed the payment."
            )
            locked.settled_at = now
            locked.save(update_fields=["settled_at", "updated_at"])
            _send_refund_after_commit(refund.pk)
        counts["returned"] += 1
    stuck = Refund.objects.filter(
        status=RefundStatus.PROCESSING, updated_at__lte=now - timedelta(minutes=10)
    ).values_list("pk", flat=True)[:SWEEP_BATCH]
    for refund_id in stuck:
        _send_refund_after_commit(refund_id)
        counts["refunds"] += 1
    return counts
