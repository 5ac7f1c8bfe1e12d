"""What one customer may hold at once, so one account cannot squat the calendar.

Before these limits a fresh account booked 365 consecutive days of a space in 18 s: free
bookings wait for staff holding their slot, with no cap per customer and no horizon (year 9999
was accepted). Staff are not limited: they book the venue's own programs and on customers'
behalf. The length of one booking is BOOKING_MAX_HOURS (bookings.services._validate_window).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookings.choices import BookingStatus
from bookings.exceptions import BookingConflict
from bookings.models import Booking, BookingEvent
from lebrq.errors import InvalidInput

# Awaiting payment or approval: what a squatter piles up.
AWAITING = (BookingStatus.PENDING, BookingStatus.PENDING_PAYMENT)


class TooManyPendingBookings(BookingConflict):
    default_code = "too_many_pending_bookings"


def is_limited(user: User) -> bool:
    return not user.is_staff


def check_horizon(user: User, start: datetime) -> None:
    """A customer books at most BOOKING_MAX_DAYS_AHEAD days ahead."""
    days = settings.BOOKING_MAX_DAYS_AHEAD
    if is_limited(user) and start > timezone.now() + timedelta(days=days):
        raise InvalidInput.for_field(
            "start_datetime", f"Bookings open at most {days} days ahead.", code="too_far_ahead"
        )


def lock_customer(user: User) -> None:
    """Serialises one customer's bookings (inside the caller's transaction), so two requests
    at once cannot both pass the pending count below."""
    if is_limited(user):
        User.objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


def awaiting_count(user: User) -> int:
    """The customer's future bookings that await payment (hold still running) or approval."""
    now = timezone.now()
    return (
        Booking.objects.holding_slot()
        .filter(user=user, status__in=AWAITING, end_datetime__gt=now)
        .count()
    )


def check_pending_room(user: User, adding: int = 1) -> None:
    """Refuse when `adding` more bookings would pass BOOKING_MAX_PENDING_PER_CUSTOMER."""
    if not is_limited(user):
        return
    limit = settings.BOOKING_MAX_PENDING_PER_CUSTOMER
    if awaiting_count(user) + adding > limit:
        raise TooManyPendingBookings(
            f"You already have {limit} bookings awaiting payment or approval; pay for or "
            "cancel one before booking more.",
            extra={"max_pending_bookings": limit},
        )


SWEEP_BATCH = 500


def pending_bookings_expire(now: datetime | None = None) -> int:
    """Expire free-standing pending bookings nobody paid for or approved within
    BOOKING_PENDING_EXPIRY_HOURS of their creation, or whose start has come: their slots
    are free again. (Unpaid holds of priced bookings expire in payments.payment_holds_expire.)
    Bounded per run; each row changes with compare-and-set, so a concurrent approval or
    payment wins."""
    now = now or timezone.now()
    created_before = now - timedelta(hours=settings.BOOKING_PENDING_EXPIRY_HOURS)
    stale = Booking.objects.filter(status=BookingStatus.PENDING, paid_amount=0).filter(
        created_at__lte=created_before
    ) | Booking.objects.filter(status=BookingStatus.PENDING, paid_amount=0, start_datetime__lte=now)
    ids = list(stale.values_list("pk", flat=True)[:SWEEP_BATCH])
    expired = 0
    for booking_id in ids:
        with transaction.atomic():
            changed = Booking.objects.filter(
                pk=booking_id, status=BookingStatus.PENDING, paid_amount=0
            ).update(status=BookingStatus.EXPIRED, updated_at=now)
            if changed:
                expired += 1
                BookingEvent.objects.create(
                    booking_id=booking_id,
                    from_status=BookingStatus.PENDING,
                    to_status=BookingStatus.EXPIRED,
                    note="Neither paid nor approved in time; the slot is free again.",
                )
    return expired
