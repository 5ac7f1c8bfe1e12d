"""Reads for the participant lists, counts and the staff dashboards: bounded, fixed queries."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User
from bookings.choices import BookingStatus, BookingType
from bookings.models import Booking, BookingItem, Program, ProgramParticipant
from lebrq.errors import NotFound
from programs.models import EventDefinition, EventSchedule, ParticipantTicket, TicketType

# The legacy's cap on participant lists (program_participants.py MAX_LIST_ROWS).
MAX_LIST_ROWS = 200
# Counts asked for at once (the bookings screen asks for the live shows it shows).
MAX_COUNT_IDS = 200
# Staff dashboards: programs and shows listed, participants per entry.
MAX_DASHBOARD_ROWS = 200

PAID_BOOKING_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.COMPLETED)


def participants_of_booking(booking_id: int) -> QuerySet[ProgramParticipant]:
    return (
        ProgramParticipant.objects.filter(booking_id=booking_id)
        .select_related("user", "booking")
        .order_by("-joined_at", "-id")[:MAX_LIST_ROWS]
    )


def own_paid_participants(user: User, program_type: str) -> QuerySet[ProgramParticipant]:
    """The user's participations of a type that were paid for (legacy rule: an amount paid,
    or a paid booking that is not the venue's own)."""
    paid = Q(amount_paid__gt=0) | Q(
        booking__status__in=PAID_BOOKING_STATUSES, booking__is_admin_booking=False
    )
    return (
        ProgramParticipant.objects.filter(user=user, program_type=program_type)
        .filter(paid)
        .select_related("user", "booking")
        .order_by("-joined_at", "-id")[:MAX_LIST_ROWS]
    )


def ticket_counts_by_booking(program_type: str) -> dict[str, int]:
    """Tickets per booking for a type, for shows still running or ended in the last day (the
    legacy counted every booking ever)."""
    since = timezone.now() - timedelta(days=1)
    rows = (
        ProgramParticipant.objects.filter(
            program_type=program_type, booking__isnull=False, booking__end_datetime__gte=since
        )
        .values("booking_id")
        .annotate(total=Sum("ticket_quantity"))
        .order_by("booking_id")[:1000]
    )
    return {str(row["booking_id"]): int(row["total"] or 0) for row in rows}


def participant_counts(booking_ids: Iterable[int]) -> dict[str, dict[str, int]]:
    ids = list(dict.fromkeys(booking_ids))[:MAX_COUNT_IDS]
    rows = (
        ProgramParticipant.objects.filter(booking_id__in=ids)
        .values("booking_id")
        .annotate(total=Count("id"), verified=Count("id", filter=Q(is_verified=True)))
        .order_by("booking_id")
    )
    counts = {
        str(row["booking_id"]): {"total": row["total"], "verified": row["verified"]} for row in rows
    }
    for booking_id in ids:
        counts.setdefault(str(booking_id), {"total": 0, "verified": 0})
    return counts


def infer_program_type(title: str | None) -> str | None:
    """The legacy's guess from a title (programs.py infer_type)."""
    lowered = (title or "").lower()
    for needle, kind in (("yog", "yoga"), ("zumb", "zumba"), ("live", "live")):
        if needle in lowered:
            return kind
    return None


def staff_programs(*, q: str | None, status: str | None) -> list[Program]:
    programs = Program.objects.all()
    if q:
        programs = programs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    if status:
        programs = programs.filter(status=status)
    return list(programs.order_by("-created_at", "-id")[:MAX_DASHBOARD_ROWS])


class ShowRoster(NamedTuple):
    show: Booking
    participants: list[ProgramParticipant]
    lines: list[BookingItem]


class ScheduleRoster(NamedTuple):
    schedule: EventSchedule
    tickets: list[ParticipantTicket]


def staff_live_shows(*, q: str | None, status: str | None) -> list[ShowRoster]:
    shows = Booking.objects.filter(booking_type__in=(BookingType.LIVE, BookingType.LIVE_PLAIN))
    if q:
        shows = shows.filter(event_type__icontains=q)
    if status:
        shows = shows.filter(status=status)
    # Sliced prefetches (a window function per show; Django wants them in a to_attr): a show
    # with thousands of tickets lists its newest MAX_DASHBOARD_ROWS participants, not all.
    participants = Prefetch(
        "participants",
        queryset=ProgramParticipant.objects.select_related("user", "booking").order_by(
            "-joined_at", "-id"
        )[:MAX_DASHBOARD_ROWS],
        to_attr="recent_participants",
    )
    items = Prefetch(
        "items",
        queryset=BookingItem.objects.order_by("id")[:MAX_DASHBOARD_ROWS],
        to_attr="first_lines",
    )
    rows = shows.prefetch_related(participants, items).order_by("-start_datetime", "-id")
    return [
        ShowRoster(show, show.recent_participants, show.first_lines)  # type: ignore[attr-defined]  # set by the to_attr prefetches
        for show in rows[:MAX_DASHBOARD_ROWS]
    ]


def participants_by_type(program_types: Iterable[str]) -> dict[str, list[ProgramParticipant]]:
    """The newest participants of each type (bounded per type), for the programs list."""
    grouped: dict[str, list[ProgramParticipant]] = {}
    for kind in set(program_types):
        grouped[kind] = list(
            ProgramParticipant.objects.filter(program_type=kind)
            .select_related("user", "booking")
            .order_by("-joined_at", "-id")[:MAX_DASHBOARD_ROWS]
        )
    return grouped


def date_window(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    return (
        timezone.make_aware(datetime.combine(date_from, time.min)),
        timezone.make_aware(datetime.combine(date_to, time.max)),
    )


def schedules_by_type(event_type: str, date_from: date, date_to: date) -> list[ScheduleRoster]:
    # The newest MAX_DASHBOARD_ROWS tickets of each schedule, with their people.
    participants = Prefetch(
        "tickets",
        queryset=ParticipantTicket.objects.select_related(
            "participant__user", "participant__booking"
        ).order_by("-created_at", "-participant_id")[:MAX_DASHBOARD_ROWS],
        to_attr="recent_tickets",
    )
    schedules = (
        EventSchedule.objects.filter(
            definition__event_type=event_type,
            schedule_date__gte=date_from,
            schedule_date__lte=date_to,
        )
        .select_related("definition")
        .prefetch_related(participants)
        .order_by("-schedule_date", "start_time", "id")
    )
    return [
        ScheduleRoster(schedule, schedule.recent_tickets)  # recent_tickets: the to_attr prefetch
        for schedule in schedules[:MAX_DASHBOARD_ROWS]
    ]


def legacy_participants(
    program_type: str, date_from: date, date_to: date
) -> list[ProgramParticipant]:
    start, end = date_window(date_from, date_to)
    return list(
        ProgramParticipant.objects.filter(
            program_type=program_type, joined_at__gte=start, joined_at__lte=end
        )
        .select_related("user", "booking")
        .order_by("-joined_at", "-id")[: MAX_LIST_ROWS * 5]
    )


def dashboard_summary(today: date) -> dict[str, object]:
    month_start = today - timedelta(days=30)
    new_system = {
        row["definition__event_type"]: {
            "total_schedules": row["total_schedules"],
            "total_tickets_sold": int(row["total_tickets_sold"] or 0),
        }
        for row in EventSchedule.objects.filter(
            schedule_date__gte=month_start, definition__is_active=True
        )
        .values("definition__event_type")
        .annotate(total_schedules=Count("id"), total_tickets_sold=Sum("tickets_sold"))
        .order_by("definition__event_type")
    }
    since, _ = date_window(month_start, today)
    legacy = {
        row["program_type"]: {
            "participant_count": row["participant_count"],
            "ticket_count": int(row["ticket_count"] or 0),
            "revenue": float(row["revenue"] or 0),
        }
        for row in ProgramParticipant.objects.filter(joined_at__gte=since)
        .values("program_type")
        .annotate(
            participant_count=Count("id"),
            ticket_count=Sum("ticket_quantity"),
            revenue=Sum("amount_paid"),
        )
        .order_by("program_type")
    }
    today_schedules = EventSchedule.objects.filter(
        schedule_date=today, definition__is_active=True
    ).count()
    return {
        "date": today.isoformat(),
        "period": {"from": month_start.isoformat(), "to": today.isoformat()},
        "new_system_stats": new_system,
        "legacy_stats": legacy,
        "today_schedules": today_schedules,
    }


def active_definitions() -> QuerySet[EventDefinition]:
    return EventDefinition.objects.filter(is_active=True)


# The legacy listed them unbounded; an event has a handful of tiers.
MAX_TICKET_TYPES = 100


def ticket_types(definition_id: int) -> list[TicketType]:
    if not EventDefinition.objects.filter(pk=definition_id).exists():
        raise NotFound("Event definition not found")
    return list(
        TicketType.objects.filter(definition_id=definition_id, is_active=True).order_by(
            "sort_order", "id"
        )[:MAX_TICKET_TYPES]
    )
