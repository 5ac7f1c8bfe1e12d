"""Querysets for the booking and catalog lists, already joined so pages cost a fixed number of
queries whatever their size."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from bookings.choices import ProgramStatus
from bookings.models import Booking, BookingItem, Item, Program, Space, Venue

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
