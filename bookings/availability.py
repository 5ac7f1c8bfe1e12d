"""Which hours of a day a space is free: the time-slot picker of every venue page.

Reads only. The slots are whole hours from 00:00 to 23:00 in venue-local time, labelled
"9:00 AM" as the legacy API did (the frontend parses that form back). A slot is free when
[start, start + duration) meets no booking that holds its slot. A booking spanning several
days (a daily series stored as one row) blocks its time-of-day window on each of those days,
as the legacy projected it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bookings.models import Booking

# A day of one space holds at most a few dozen bookings; this bounds a pathological one.
MAX_BOOKINGS_PER_DAY = 500
DAY = timedelta(days=1)


@dataclass(frozen=True)
class BlockingWindow:
    """When a booking keeps a space busy on the day asked about (venue-local, aware)."""

    booking_id: int
    booked_start: datetime
    booked_end: datetime
    start: datetime
    end: datetime


@dataclass(frozen=True)
class DayAvailability:
    day: date
    free_slot_starts: tuple[datetime, ...]
    blocking: tuple[BlockingWindow, ...]


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _projected(booking_id: int, start: datetime, end: datetime, day: date) -> BlockingWindow:
    """The booking's window on `day`: itself, or for a series stored as one row (longer than
    a day, as the legacy stored daily programs) its daily time-of-day window.

    The legacy projected every booking that crossed midnight, so an overnight party from 22:00
    to 02:00 blocked 22:00-02:00 of its second day instead of 00:00-02:00; only rows longer
    than a day are projected here.
    """
    start, end = timezone.localtime(start), timezone.localtime(end)
    window_start, window_end = start, end
    if end - start > DAY:
        daily = datetime.combine(start.date(), end.time()) - datetime.combine(
            start.date(), start.time()
        )
        if daily <= timedelta(0):
            daily += DAY  # an overnight window, 22:00 to 02:00
        if daily < DAY:
            window_start = timezone.make_aware(datetime.combine(day, start.time()))
            window_end = window_start + daily
    return BlockingWindow(booking_id, start, end, window_start, window_end)


def blocking_windows(
    *, space_id: int, day: date, exclude_booking_id: int | None = None
) -> list[BlockingWindow]:
    """Every booking of the space that holds its slot and touches `day`, in one query on
    the (space, end_datetime) index."""
    day_start = local_midnight(day)
    bookings = Booking.objects.holding_slot().filter(
        space_id=space_id, start_datetime__lt=day_start + DAY, end_datetime__gt=day_start
    )
    if exclude_booking_id is not None:
        bookings = bookings.exclude(pk=exclude_booking_id)
    rows = bookings.order_by("start_datetime", "id").values_list(
        "id", "start_datetime", "end_datetime"
    )[:MAX_BOOKINGS_PER_DAY]
    return [_projected(pk, start, end, day) for pk, start, end in rows]


def free_slot_starts(
    day: date, duration: timedelta, blocking: Iterable[BlockingWindow]
) -> tuple[datetime, ...]:
    windows = list(blocking)
    starts = (local_midnight(day) + timedelta(hours=hour) for hour in range(24))
    return tuple(
        start
        for start in starts
        if not any(start < w.end and start + duration > w.start for w in windows)
    )


def day_availability(
    *, space_id: int, day: date, duration_hours: int, exclude_booking_id: int | None = None
) -> DayAvailability:
    blocking = blocking_windows(space_id=space_id, day=day, exclude_booking_id=exclude_booking_id)
    free = free_slot_starts(day, timedelta(hours=duration_hours), blocking)
    return DayAvailability(day=day, free_slot_starts=free, blocking=tuple(blocking))


def slot_label(moment: datetime) -> str:
    """ "9:00 AM", "12:00 PM": the legacy's strftime("%I:%M %p") without the leading zero."""
    return timezone.localtime(moment).strftime("%I:%M %p").lstrip("0")


def conflicting_bookings(*, space_id: int, start: datetime, end: datetime) -> Sequence[Booking]:
    """Bookings of the space that hold their slot and share any instant with [start, end)."""
    clashes = Booking.objects.holding_slot().filter(
        space_id=space_id, start_datetime__lt=end, end_datetime__gt=start
    )
    return list(
        clashes.order_by("start_datetime", "id").only(
            "id", "start_datetime", "end_datetime", "status"
        )[:MAX_BOOKINGS_PER_DAY]
    )
