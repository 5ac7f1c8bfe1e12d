"""Reads for the public pages: program listings, a booking's public page, today's events and
the availability calendar. Nobody is logged in there, so these never carry a customer's name,
phone or payments; the venue's own events and programs show what their pages need.
"""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from bookings.choices import BookingType
from bookings.models import Booking
from bookings.selectors import LIST_BLOBS

# Bookings any visitor may see in full: programs and shows, and events the venue itself
# booked. A customer's private booking shows only its time and type.
PUBLIC_PROGRAM_TYPES = (BookingType.DAILY, BookingType.LIVE)

# The public calendar (GET /all-bookings) answers at most this many bookings, latest start
# first: the legacy sent the whole table. Two years of a busy venue fit.
CALENDAR_MAX_ROWS = 5000
# Today's events of every space: a day holds a few dozen at most.
TODAY_MAX_ROWS = 500


def is_public_event(booking: Booking) -> bool:
    """Whether anyone may see the booking's note, amount and banner: a program or show, or
    an event the venue booked itself."""
    return booking.is_admin_booking or booking.booking_type in PUBLIC_PROGRAM_TYPES


def program_list(*, booking_type: str | None, include_past: bool) -> QuerySet[Booking]:
    """Program and show bookings, soonest first; those still to end unless include_past."""
    types = [booking_type] if booking_type else list(PUBLIC_PROGRAM_TYPES)
    bookings = Booking.objects.filter(booking_type__in=types).select_related("space")
    if not include_past:
        bookings = bookings.filter(end_datetime__gte=timezone.now())
    return bookings.defer(*LIST_BLOBS).order_by("start_datetime", "id")


def one_per_series(bookings: Sequence[Booking], *, today: date) -> list[Booking]:
    """A daily series shows once: its occurrence today if it has one, else its earliest.

    Bookings without a series stand alone. Order follows the first booking of each group.
    """
    groups: dict[str, list[Booking]] = {}
    for booking in bookings:
        key = booking.series_reference or booking.booking_reference
        groups.setdefault(key, []).append(booking)
    chosen = []
    for group in groups.values():
        todays = [b for b in group if timezone.localtime(b.start_datetime).date() == today]
        chosen.append(min(todays or group, key=lambda b: (b.start_datetime, b.pk)))
    return chosen


def public_booking_get(pk: int) -> Booking:
    """A booking with its space and venue; Booking.DoesNotExist if there is none."""
    return Booking.objects.select_related("space", "venue").get(pk=pk)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


def todays_events(day: date) -> QuerySet[Booking]:
    """Bookings that hold their slot and touch `day` (venue-local), earliest first, at most
    TODAY_MAX_ROWS. Joined from each space through its (space, end_datetime) index: the day
    and what is still to come, never the bookings of the past (tests/bookings/
    test_list_indexes.py)."""
    start, end = _day_bounds(day)
    # A booking that holds a slot lasts at most BOOKING_MAX_HOURS, so one touching the day
    # started no earlier than that before it: a range bounded on both sides, which the start
    # index reads alone whatever plan the optimizer picks (unbounded below, a plan walking
    # the start index from the first booking ever read the whole past).
    earliest = start - timedelta(hours=settings.BOOKING_MAX_HOURS)
    bookings = Booking.objects.holding_slot().filter(
        start_datetime__gte=earliest, start_datetime__lt=end, end_datetime__gt=start
    )
    return (
        bookings.select_related("space")
        .defer(*LIST_BLOBS)
        .order_by("start_datetime", "id")[:TODAY_MAX_ROWS]
    )


# What a calendar cell shows of a booking: when, where and what kind; nobody's name or money.
CALENDAR_FIELDS = (
    "id",
    "booking_reference",
    "space_id",
    "status",
    "booking_type",
    "event_type",
    "start_datetime",
    "end_datetime",
)


def calendar_bookings() -> QuerySet[Booking]:
    """The public calendar's bookings, latest start first, with CALENDAR_FIELDS only."""
    return Booking.objects.only(*CALENDAR_FIELDS).order_by("-start_datetime", "-id")[
        :CALENDAR_MAX_ROWS
    ]
