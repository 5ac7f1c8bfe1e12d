"""Querysets for the booking and catalog lists, already joined so pages cost a fixed number of
queries whatever their size."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookings.choices import ProgramStatus
from bookings.models import Booking, BookingItem, Item, Program, Space, Venue
from lebrq.pagination import in_order

# Booking lists show the space's and venue's names, not the JSON blobs the frontend reads on
# space pages (nor the booking's transport locations): decoding those for every row was the
# largest CPU cost of a list page.
LIST_BLOBS = (
    "transport_locations",
    "space__description",
    "space__features",
    "space__pricing_overrides",
    "space__event_types",
    "space__stage_options",
    "space__banner_sizes",
    "venue__address",
    "venue__metadata_json",
)


def _with_items(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    lines = (
        # The vendor for the staff detail's vendor_name (same query: a join).
        BookingItem.objects.select_related("item", "vendor")
        .defer("item__performance_team_profile", "item__profile_info")
        .order_by("id")
    )
    return bookings.prefetch_related(Prefetch("items", queryset=lines))


def booking_list_for_user(user: User) -> QuerySet[Booking]:
    """The user's own bookings, newest first."""
    bookings = Booking.objects.filter(user=user).select_related("space", "venue")
    return _with_items(bookings.defer(*LIST_BLOBS)).order_by("-created_at", "-id")


def booking_list_with_items() -> QuerySet[Booking]:
    """Every booking with what a detail view, an action's answer and an invoice show: its user,
    space, venue and items. Callers check who may see which."""
    bookings = Booking.objects.select_related("user", "space", "venue").defer("user__password")
    return _with_items(bookings)


def booking_get(pk: int) -> Booking:
    """One booking as booking_list_with_items() loads it; Booking.DoesNotExist if none."""
    return booking_list_with_items().get(pk=pk)


def booking_list_for_staff() -> QuerySet[Booking]:
    return (
        Booking.objects.select_related("user", "space", "venue")
        .defer(*LIST_BLOBS, "user__password")
        .order_by("-created_at", "-id")
    )


def booking_item_list_for_staff() -> QuerySet[BookingItem]:
    blobs = [f"booking__{field}" for field in LIST_BLOBS]
    return (
        BookingItem.objects.select_related(
            "booking__user", "booking__space", "booking__venue", "item", "vendor"
        )
        .defer(
            *blobs,
            "booking__user__password",
            "item__performance_team_profile",
            "item__profile_info",
        )
        .order_by("event_date", "id")
    )


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.order_by("id")


def space_list() -> QuerySet[Space]:
    return Space.objects.filter(active=True).order_by("venue_id", "name", "id")


def space_list_by_id(*, venue_id: int | None = None) -> QuerySet[Space]:
    """The legacy space lists, in id order: every space (the staff screens re-activate
    inactive ones), or a venue's active spaces."""
    if venue_id is None:
        return Space.objects.order_by("id")
    return Space.objects.filter(venue_id=venue_id, active=True).order_by("id")


def catalog_item_list() -> QuerySet[Item]:
    """Items customers can add: available, from vendors that are not suspended."""
    vendor_ok = Q(vendor__isnull=True) | Q(vendor__suspended_until__isnull=True)
    vendor_ok |= Q(vendor__suspended_until__lte=timezone.now())
    return (
        Item.objects.filter(available=True)
        .filter(vendor_ok)
        .order_by("category", "subcategory", "name", "id")
    )


def program_list() -> QuerySet[Program]:
    return Program.objects.filter(status=ProgramStatus.APPROVED).order_by("-id")


# --- Rows of list pages (lebrq.api.lists.RowListMixin): the columns bookings/api/list_rows.py
# shapes, for the ids of one page, in the page's order.

BOOKING_LIST_COLUMNS = (
    "id",
    "booking_reference",
    "series_reference",
    "user_id",
    "venue_id",
    "venue__name",
    "space_id",
    "space__name",
    "start_datetime",
    "end_datetime",
    "attendees",
    "status",
    "booking_type",
    "event_type",
    "total_amount",
    "advance_amount",
    "paid_amount",
    "brokerage_amount",
    "customer_note",
    "admin_note",
    "is_admin_booking",
    "banner_image_url",
    "stage_banner_url",
    "created_at",
    "updated_at",
)
USER_SUMMARY_COLUMNS = (
    "user__first_name",
    "user__last_name",
    "user__username",
    "user__email",
    "user__mobile",
)


def booking_rows_for_owner(ids: Sequence[int]) -> list[Mapping[str, Any]]:
    """The own list's columns of these bookings, in the order of ids."""
    rows = Booking.objects.filter(pk__in=ids).values(*BOOKING_LIST_COLUMNS, "space__price_per_hour")
    return in_order(rows.order_by(), ids)


def booking_rows_for_staff(ids: Sequence[int]) -> list[Mapping[str, Any]]:
    """The staff list's columns of these bookings, with their user's, in the order of ids."""
    rows = Booking.objects.filter(pk__in=ids).values(*BOOKING_LIST_COLUMNS, *USER_SUMMARY_COLUMNS)
    return in_order(rows.order_by(), ids)


def booking_line_rows(booking_ids: Sequence[int]) -> list[Mapping[str, Any]]:
    """Every line of these bookings, by id (the order the detail view prefetches them in)."""
    return list(
        BookingItem.objects.filter(booking_id__in=booking_ids)
        .order_by("id")
        .values(
            "booking_id",
            "id",
            "kind",
            "item_id",
            "name",
            "item__description",
            "item__image_url",
            "quantity",
            "hours_used",
            "unit_price",
            "total_price",
            "booking_status",
            "is_supplied",
        )
    )


CATALOG_ITEM_COLUMNS = (
    "id",
    "name",
    "description",
    "price",
    "main_category",
    "category",
    "subcategory",
    "item_type",
    "image_url",
    "video_url",
    "profile_image_url",
    "profile_info",
    "performance_team_profile",
    "space_id",
    "vendor_id",
    "item_status",
    "preparation_time_minutes",
    "base_hours_included",
    "rate_per_extra_hour",
)


def catalog_item_rows(ids: Sequence[int]) -> list[Mapping[str, Any]]:
    """The catalog list's columns of these items, in the order of ids."""
    rows = Item.objects.filter(pk__in=ids).values(*CATALOG_ITEM_COLUMNS)
    return in_order(rows.order_by(), ids)
