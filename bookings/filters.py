"""django-filter FilterSets for the list endpoints. Related objects are filtered by id
(IdFilter), not ModelChoiceFilter, so a filter never costs an extra query."""

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters as filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from bookings.choices import BookingItemStatus, BookingStatus, BookingType, ProgramType
from bookings.models import Booking, BookingItem, Item, Program, Space
from lebrq.api.filters import IdFilter, StoredDateFilter


def local_day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class StartDateRangeFilterSet(filters.FilterSet):
    """`from_date` / `to_date` (YYYY-MM-DD, inclusive) on the local date of start_datetime.

    Compared as a datetime range rather than with __date so the start_datetime index is used.
    """

    from_date = StoredDateFilter(method="filter_from_date", help_text="Starts on or after.")
    to_date = StoredDateFilter(method="filter_to_date", help_text="Starts on or before.")

    def filter_from_date(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(start_datetime__gte=local_day_start(value))

    def filter_to_date(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(start_datetime__lt=local_day_start(value + timedelta(days=1)))


class OwnBookingFilter(StartDateRangeFilterSet):
    status = filters.ChoiceFilter(
        choices=[*BookingStatus.choices, ("all", "All")],
        method="filter_status",
        help_text="A status, or `all`. Without it, cancelled bookings are left out.",
    )

    class Meta:
        model = Booking
        fields = ["status", "from_date", "to_date"]

    def filter_status(
        self, queryset: QuerySet[Booking], name: str, value: str
    ) -> QuerySet[Booking]:
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_queryset(self, queryset: QuerySet[Booking]) -> QuerySet[Booking]:
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            # The legacy list hid cancelled bookings unless asked; the frontend relies on it.
            queryset = queryset.exclude(status=BookingStatus.CANCELLED)
        return queryset


class StaffBookingFilter(StartDateRangeFilterSet):
    status = filters.MultipleChoiceFilter(choices=BookingStatus.choices)
    booking_type = filters.ChoiceFilter(choices=BookingType.choices)
    space = IdFilter(field_name="space_id")
    user = IdFilter(field_name="user_id")
    vendor = IdFilter(method="filter_vendor", help_text="Has an item from vendor.")
    is_admin_booking = filters.BooleanFilter()
    # The legacy's two flags: the venue's own bookings, and those the asking staff member made.
    admin_only = filters.BooleanFilter(method="filter_admin_only")
    my_admin_only = filters.BooleanFilter(method="filter_my_admin_only")

    class Meta:
        model = Booking
        fields = ["status", "booking_type", "space", "user", "vendor", "from_date", "to_date"]

    def filter_admin_only(
        self, queryset: QuerySet[Booking], name: str, value: bool
    ) -> QuerySet[Booking]:
        return queryset.filter(is_admin_booking=True) if value else queryset

    def filter_my_admin_only(
        self, queryset: QuerySet[Booking], name: str, value: bool
    ) -> QuerySet[Booking]:
        if not value:
            return queryset
        user_id = getattr(self.request.user, "pk", None) if self.request is not None else None
        if not isinstance(user_id, int):
            return queryset.none()  # nobody asked: nobody's own bookings
        return queryset.filter(is_admin_booking=True, user_id=user_id)

    def filter_vendor(
        self, queryset: QuerySet[Booking], name: str, value: int
    ) -> QuerySet[Booking]:
        lines = BookingItem.objects.filter(booking=OuterRef("pk"), vendor_id=value)
        return queryset.filter(Exists(lines))


class StaffBookingItemFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(
        field_name="booking_status", choices=BookingItemStatus.choices
    )
    booking = IdFilter(field_name="booking_id")
    space = IdFilter(field_name="booking__space_id")
    user = IdFilter(field_name="booking__user_id")
    vendor = IdFilter(field_name="vendor_id")
    payment_settled = filters.BooleanFilter()
    from_date = StoredDateFilter(field_name="event_date", lookup_expr="gte")
    to_date = StoredDateFilter(field_name="event_date", lookup_expr="lte")

    class Meta:
        model = BookingItem
        fields = ["status", "booking", "space", "user", "vendor", "payment_settled"]


class SpaceFilter(filters.FilterSet):
    venue = IdFilter(field_name="venue_id")

    class Meta:
        model = Space
        fields = ["venue"]


class ItemFilter(filters.FilterSet):
    main_category = filters.CharFilter()
    category = filters.CharFilter()
    subcategory = filters.CharFilter()
    type = filters.CharFilter(field_name="item_type", help_text="e.g. veg, non-veg")
    item_type = filters.CharFilter(field_name="item_type", help_text="Legacy alias of type.")
    space = IdFilter(
        method="filter_space", help_text="Items for this space, including all-space items."
    )
    space_id = IdFilter(method="filter_space", help_text="Legacy alias of space.")
    vendor = IdFilter(field_name="vendor_id")
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text="Name contains.")

    class Meta:
        model = Item
        fields = ["main_category", "category", "subcategory", "vendor"]

    def filter_space(self, queryset: QuerySet[Item], name: str, value: int) -> QuerySet[Item]:
        return queryset.filter(Q(space_id=value) | Q(space__isnull=True))


class ProgramFilter(filters.FilterSet):
    program_type = filters.ChoiceFilter(choices=ProgramType.choices)
    q = filters.CharFilter(field_name="title", lookup_expr="icontains", help_text="Title contains.")

    class Meta:
        model = Program
        fields = ["program_type"]
