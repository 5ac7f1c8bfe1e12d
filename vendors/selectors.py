"""Reads of the vendors app: vendor lists, a vendor's orders and catalog, notifications, and
what each vendor is owed. Lists the legacy left unbounded are cut at documented caps large
enough for the screens (vendors/README.md)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User, VendorProfile
from bookings.choices import BookingItemStatus
from bookings.models import BookingItem, Item
from vendors.choices import PERIOD_DAYS, SummaryPeriod
from vendors.exceptions import VendorNotFound, VendorProfileMissing, VendorSuspended
from vendors.models import BookingItemRejection, VendorNotification

# The legacy answered these in full; a vendor's lists stay far below these in practice.
VENDOR_ORDERS_MAX = 500
VENDOR_ITEMS_MAX = 500
STAFF_VENDOR_ITEMS_MAX = 500
CANDIDATES_MAX = 500
# One settlement screen (a year of one vendor's supplied lines at most); totals are computed
# over every line, not only those listed.
SUMMARY_LINES_MAX = 1000
# The notifications screen asks for 100 (the legacy's le=100).
NOTIFICATIONS_MAX = 100

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=14, decimal_places=2)
# What the vendor is paid for a line: its cost price (items.vendor_price) times the quantity,
# never the customer's price (the legacy's rule, vendor_payments.py).
VENDOR_LINE_AMOUNT = ExpressionWrapper(
    Coalesce(F("item__vendor_price"), Value(ZERO, output_field=MONEY)) * F("quantity"),
    output_field=MONEY,
)


def vendor_of_user(user: User) -> VendorProfile:
    """The caller's vendor profile; suspended vendors may not act (their login is refused too:
    a suspension is mirrored on the user)."""
    vendor = VendorProfile.objects.filter(user=user).first()
    if vendor is None:
        raise VendorProfileMissing()
    if vendor.suspended_until is not None and vendor.suspended_until > timezone.now():
        raise VendorSuspended()
    return vendor


def vendor_get(vendor_id: int) -> VendorProfile:
    vendor = VendorProfile.objects.select_related("user").filter(pk=vendor_id).first()
    if vendor is None:
        raise VendorNotFound()
    return vendor


def vendor_list_for_staff() -> QuerySet[VendorProfile]:
    return VendorProfile.objects.select_related("user").order_by("company_name", "id")


def amounts_owed(vendor_ids: list[int]) -> dict[int, Decimal]:
    """What each vendor is owed for supplied lines not yet settled: one grouped query."""
    rows = (
        BookingItem.objects.filter(
            vendor_id__in=vendor_ids, payment_settled=False, is_supplied=True
        )
        .values("vendor_id")
        .annotate(owed=Sum(VENDOR_LINE_AMOUNT))
        .order_by()
    )
    return {row["vendor_id"]: row["owed"] or ZERO for row in rows}


def vendor_candidates(booking_item_id: int | None) -> QuerySet[VendorProfile]:
    """Vendors staff may pick for a line, each with the note of its rejection of that line
    (if any) in `rejection_reason`: one query."""
    queryset = VendorProfile.objects.select_related("user").filter(user__role=Role.VENDOR)
    if booking_item_id is not None:
        rejection = BookingItemRejection.objects.filter(
            booking_item_id=booking_item_id, vendor_id=OuterRef("pk")
        )
        queryset = queryset.annotate(
            rejected_id=Subquery(rejection.values("id")[:1]),
            rejection_reason=Subquery(rejection.values("rejection_note")[:1]),
        )
    return queryset.order_by("company_name", "id")[:CANDIDATES_MAX]


def vendor_profile_stats(vendor: VendorProfile) -> dict[str, int]:
    """The portal's counters: two queries (the catalog, then every order count at once)."""
    # The venue's day, as a range on created_at (no time zone conversion in the database).
    start = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    items = Item.objects.filter(vendor=vendor).count()
    orders = BookingItem.objects.filter(vendor=vendor).aggregate(
        orders=Count("id"),
        supplied=Count("id", filter=Q(is_supplied=True)),
        new_today=Count(
            "id", filter=Q(created_at__gte=start, created_at__lt=start + timedelta(days=1))
        ),
        pending=Count("id", filter=Q(booking_status=BookingItemStatus.PENDING)),
        cancelled=Count("id", filter=Q(booking_status=BookingItemStatus.CANCELLED)),
    )
    return {"items": items, **orders}


def vendor_items(vendor: VendorProfile) -> QuerySet[Item]:
    """The vendor's catalog as the legacy sorted it: by space (none last), subcategory, name."""
    return Item.objects.filter(vendor=vendor).order_by(
        F("space_id").asc(nulls_last=True), "subcategory", "name", "id"
    )[:VENDOR_ITEMS_MAX]


def vendor_orders(vendor: VendorProfile) -> QuerySet[BookingItem]:
    """The lines assigned to the vendor, newest first, cancelled and rejected ones included."""
    return (
        BookingItem.objects.filter(vendor=vendor)
        .select_related("booking__user", "booking__venue", "item")
        .defer("item__performance_team_profile", "item__profile_info")
        .order_by("-created_at", "-id")[:VENDOR_ORDERS_MAX]
    )


def vendor_orders_by_ids(vendor: VendorProfile, ids: list[int]) -> QuerySet[BookingItem]:
    return (
        BookingItem.objects.filter(vendor=vendor, pk__in=ids)
        .select_related("booking__user", "booking__venue", "item")
        .order_by("booking_id", "id")
    )


def staff_vendor_booking_items(vendor_id: int) -> QuerySet[BookingItem]:
    """GET /admin/vendors/{id}/items: the vendor's lines by event date (the legacy's order)."""
    return (
        BookingItem.objects.filter(vendor_id=vendor_id)
        .select_related("booking__space", "booking__venue", "item")
        .defer("item__performance_team_profile", "item__profile_info")
        .order_by("event_date", "id")[:STAFF_VENDOR_ITEMS_MAX]
    )


def notifications_of(user: User, *, unread_only: bool = False) -> QuerySet[VendorNotification]:
    queryset = VendorNotification.objects.filter(vendor_user=user, is_deleted=False)
    if unread_only:
        queryset = queryset.filter(is_read=False)
    return queryset.order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return notifications_of(user, unread_only=True).count()


@dataclass(frozen=True)
class SummaryWindow:
    period: SummaryPeriod
    start: datetime
    end: datetime


def summary_window(period: str, now: datetime | None = None) -> SummaryWindow:
    now = now or timezone.now()
    chosen = SummaryPeriod(period)
    return SummaryWindow(chosen, now - timedelta(days=PERIOD_DAYS[chosen]), now)


def summary_lines(
    vendor_id: int, window: SummaryWindow, *, include_unverified: bool
) -> QuerySet[BookingItem]:
    """Supplied lines of the vendor supplied or settled in the window: verified ones (or, with
    include_unverified, every supplied one), and settled ones whatever their verification."""
    recent = Q(supplied_at__gte=window.start) | Q(payment_settled_at__gte=window.start)
    queryset = BookingItem.objects.filter(recent, vendor_id=vendor_id, is_supplied=True)
    if not include_unverified:
        queryset = queryset.filter(Q(payment_settled=True) | Q(supply_verified=True))
    return queryset.annotate(vendor_amount=VENDOR_LINE_AMOUNT)


def summary_page(
    vendor_id: int, window: SummaryWindow, *, include_unverified: bool
) -> tuple[list[BookingItem], dict[str, Any]]:
    """The listed lines (newest settlement or supply first, capped) and the totals over all of
    them (one aggregate query: count, amount, amount still owed)."""
    lines = summary_lines(vendor_id, window, include_unverified=include_unverified)
    totals = lines.aggregate(
        total_items=Count("id"),
        total_amount=Coalesce(Sum("vendor_amount"), Value(ZERO, output_field=MONEY)),
        unsettled_amount=Coalesce(
            Sum("vendor_amount", filter=Q(payment_settled=False)),
            Value(ZERO, output_field=MONEY),
        ),
    )
    listed = list(
        lines.select_related("booking", "item")
        .defer("item__performance_team_profile", "item__profile_info")
        .order_by(
            Coalesce("payment_settled_at", "supplied_at", "verified_at").desc(nulls_last=True),
            "-id",
        )[:SUMMARY_LINES_MAX]
    )
    return listed, totals
