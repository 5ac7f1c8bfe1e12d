"""Reads for the brokers' screens: the staff list and detail, and the settlement summary."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from accounts.choices import Role
from accounts.models import BrokerProfile, User
from bookings.models import Booking
from brokers.choices import SummaryPeriod
from brokers.exceptions import BrokerNotFound
from lebrq.errors import Forbidden, InvalidInput

# The staff list's page: the legacy's skip/limit, limit at most 500 (its own bound).
LIST_MAX_LIMIT = 500
# The summary lists at most this many bookings, newest first (the legacy's limit); its totals
# count every booking of the period.
SUMMARY_MAX_ITEMS = 1000
# The most bookings one bulk payout settles; the rest are left for the next one.
PAYOUT_MAX_BOOKINGS = 500

PERIOD_DAYS = {SummaryPeriod.WEEKLY: 7, SummaryPeriod.MONTHLY: 30, SummaryPeriod.YEARLY: 365}


def period_start(period: str, now: datetime) -> datetime:
    """The legacy's rolling windows: the last 7, 30 or 365 days up to now."""
    try:
        days = PERIOD_DAYS[SummaryPeriod(period)]
    except ValueError:
        raise InvalidInput.for_field(
            "period", "Invalid period. Use: weekly, monthly, or yearly"
        ) from None
    return now - timedelta(days=days)


def brokers_page(*, skip: int, limit: int) -> tuple[list[BrokerProfile], int]:
    """A page of brokers with their users, named ones first by name (the legacy's order, whose
    unnamed brokers were NULL and sorted last), then by id so pages are stable."""
    rows = (
        BrokerProfile.objects.select_related("user")
        .annotate(unnamed=Case(When(company_name="", then=Value(1)), default=Value(0)))
        .order_by("unnamed", "company_name", "id")
    )
    return list(rows[skip : skip + min(limit, LIST_MAX_LIMIT)]), BrokerProfile.objects.count()


def broker_get(broker_id: int) -> BrokerProfile:
    profile = BrokerProfile.objects.select_related("user").filter(pk=broker_id).first()
    if profile is None:
        raise BrokerNotFound()
    return profile


def broker_of_user(user: User) -> BrokerProfile | None:
    return BrokerProfile.objects.filter(user=user).first()


def summary_broker(*, user: User, broker_id: int | None) -> BrokerProfile:
    """Whose summary a caller may read: staff any broker's (named by broker_id), a broker
    only their own (broker_id ignored, as the legacy did), nobody else any."""
    if user.is_staff:
        if broker_id is None:
            raise InvalidInput.for_field("broker_id", "Choose a broker.")
        return broker_get(broker_id)
    if user.role == Role.BROKER:
        profile = broker_of_user(user)
        if profile is None:
            raise BrokerNotFound("Broker profile not found")
        return profile
    raise Forbidden("Access denied", code="brokers_only")


def bookings_owed(broker_id: int) -> QuerySet[Booking]:
    """Bookings whose brokerage is still to be paid to the broker."""
    return Booking.objects.filter(broker_id=broker_id, broker_settled=False, brokerage_amount__gt=0)


@dataclass(frozen=True)
class BrokerageSummary:
    period: str
    start: datetime
    end: datetime
    percentage: Decimal
    total_bookings: int
    total: Decimal
    settled: Decimal
    items: list[Booking]

    @property
    def pending(self) -> Decimal:
        return self.total - self.settled


def brokerage_summary(
    *, broker: BrokerProfile, period: str, include_settled: bool = True
) -> BrokerageSummary:
    """What the broker earned in the period, settled and still owed: the totals in one
    aggregate query over the bookings, the newest SUMMARY_MAX_ITEMS of them listed."""
    now = timezone.now()
    start = period_start(period, now)
    earned = Booking.objects.filter(broker=broker, brokerage_amount__gt=0, created_at__gte=start)
    if not include_settled:
        earned = earned.filter(broker_settled=False)
    totals = earned.aggregate(
        count=Count("id"),
        total=Sum("brokerage_amount", default=Decimal("0")),
        settled=Sum("brokerage_amount", filter=Q(broker_settled=True), default=Decimal("0")),
    )
    items = earned.only(
        "id",
        "booking_reference",
        "total_amount",
        "brokerage_amount",
        "created_at",
        "broker_settled",
        "broker_settled_at",
    ).order_by("-created_at", "-id")[:SUMMARY_MAX_ITEMS]
    return BrokerageSummary(
        period=SummaryPeriod(period).label,
        start=start,
        end=now,
        percentage=broker.brokerage_percentage,
        total_bookings=totals["count"],
        total=totals["total"],
        settled=totals["settled"],
        items=list(items),
    )
