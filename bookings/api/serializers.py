from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from bookings.choices import BookingType
from bookings.models import Booking, BookingItem, Item, Program, Space, Venue
from bookings.pricing import SpaceOptionRequest, money
from bookings.services import (
    BookingChanges,
    BookingEdit,
    BookingRequest,
    GuestRequest,
    ItemRequest,
    SeriesRequest,
)
from lebrq.api.fields import NaiveUtcDateTimeField, SafeLinkField, VenueLocalDateTimeField
from lebrq.api.serializers import LegacyModelSerializer

# --- Catalog (public) -------------------------------------------------------------------------


class VenueSerializer(LegacyModelSerializer[Venue]):
    class Meta:
        model = Venue
        fields = [
            "id",
            "name",
            "address",
            "city",
            "timezone",
            "metadata_json",
            "created_at",
            "updated_at",
        ]


class SpaceSerializer(LegacyModelSerializer[Space]):
    class Meta:
        model = Space
        fields = [
            "id",
            "venue_id",
            "name",
            "description",
            "capacity",
            "price_per_hour",
            "advance_payment_percentage",
            "image_url",
            "features",
            "pricing_overrides",
            "event_types",
            "stage_options",
            "banner_sizes",
            "active",
            "created_at",
            "updated_at",
        ]


class ItemSerializer(LegacyModelSerializer[Item]):
    type = serializers.CharField(source="item_type")

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "description",
            "price",
            "main_category",
            "category",
            "subcategory",
            "type",
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
        ]


class ProgramSerializer(LegacyModelSerializer[Program]):
    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "description",
            "program_type",
            "schedule",
            "start_time",
            "end_time",
            "price",
            "status",
            "poster_url",
            "created_at",
            "updated_at",
        ]


# --- Bookings (customers) -----------------------------------------------------------------------


class BookingLineSerializer(LegacyModelSerializer[BookingItem]):
    item_name = serializers.CharField(source="name")
    item_description = serializers.CharField(source="description")
    image_url = serializers.CharField()

    class Meta:
        model = BookingItem
        fields = [
            "id",
            "kind",
            "item_id",
            "item_name",
            "item_description",
            "image_url",
            "quantity",
            "hours_used",
            "unit_price",
            "total_price",
            "booking_status",
            "is_supplied",
        ]


class BookingColumnsSerializer(LegacyModelSerializer[Booking]):
    """What the customer and the staff APIs both show of a booking."""

    space_name = serializers.CharField(source="space.name")
    venue_name = serializers.CharField(source="venue.name")
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()
    balance_amount = serializers.DecimalField(source="balance_due", max_digits=12, decimal_places=2)

    class Meta:
        model = Booking
        fields = [
            "id",
            "booking_reference",
            "series_reference",
            "user_id",
            "venue_id",
            "venue_name",
            "space_id",
            "space_name",
            "start_datetime",
            "end_datetime",
            "attendees",
            "status",
            "booking_type",
            "event_type",
            "total_amount",
            "advance_amount",
            "paid_amount",
            "balance_amount",
            # A broker's booking: what the broker earns (bookings.tsx shows it when above 0).
            "brokerage_amount",
            "customer_note",
            "admin_note",
            "is_admin_booking",
            "banner_image_url",
            "stage_banner_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class BookingSerializer(BookingColumnsSerializer):
    price_per_hour = serializers.DecimalField(
        source="space.price_per_hour", max_digits=10, decimal_places=2
    )
    items = BookingLineSerializer(many=True)

    class Meta(BookingColumnsSerializer.Meta):
        fields = [*BookingColumnsSerializer.Meta.fields, "price_per_hour", "items"]
        read_only_fields = fields


class ActionResultSerializer(BookingSerializer):
    ok = serializers.BooleanField(default=True, help_text="Kept for the legacy frontend.")

    class Meta(BookingSerializer.Meta):
        fields = ["ok", *BookingSerializer.Meta.fields]
        read_only_fields = fields


class RegularProgramSerializer(LegacyModelSerializer[Booking]):
    title = serializers.SerializerMethodField()
    space_name = serializers.CharField(source="space.name")
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "booking_reference",
            "title",
            "event_type",
            "booking_type",
            "start_datetime",
            "end_datetime",
            "space_id",
            "space_name",
            "status",
            "series_reference",
            "banner_image_url",
            "customer_note",
            "attendees",
        ]

    def get_title(self, booking: Booking) -> str:
        return booking.event_type or "Program"


class BookingLineRequestSerializer(serializers.Serializer[Any]):
    item_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    hours_used = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("24"),
        required=False,
        allow_null=True,
    )


class GuestSerializer(serializers.Serializer[Any]):
    """One guest as the booking screen sends it (camelCase, as the legacy took it)."""

    id = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=64)
    name = serializers.CharField(max_length=255)
    mobile = serializers.CharField(max_length=32, allow_blank=True)
    pickupLocation = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=500
    )
    needsTransportation = serializers.BooleanField(required=False, allow_null=True, default=False)


class SpaceOptionSerializer(serializers.Serializer[Any]):
    """One of custom_items: the space's own option, named by code; the server prices it."""

    code = serializers.CharField(max_length=600, allow_blank=True, allow_null=True)
    name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, allow_null=True, default=""
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    unit_price = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text="Ignored: the price comes from the space's own tables.",
    )

    def validate_code(self, code: str | None) -> str:
        if not code:
            raise serializers.ValidationError("Name the option by its code.")
        return code


class BookingCreateSerializer(serializers.Serializer[Any]):
    """What a customer sends to book. Prices are never taken from the client."""

    space_id = serializers.IntegerField(min_value=1)
    start_datetime = VenueLocalDateTimeField(
        help_text="ISO 8601; without an offset it is venue-local time."
    )
    end_datetime = VenueLocalDateTimeField()
    # DRF's ListSerializer takes max_length (3.14+); the stubs' __init__ does not list it.
    items = BookingLineRequestSerializer(  # type: ignore[call-arg]
        many=True, required=False, max_length=50, default=list
    )
    custom_items = SpaceOptionSerializer(  # type: ignore[call-arg]
        many=True, required=False, allow_null=True, max_length=50
    )
    total_amount = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="The total the customer was shown; a booking at another price is refused (409).",
    )
    attendees = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    # The frontend sends null for "not given" in these: null reads as empty.
    event_type = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    booking_type = serializers.ChoiceField(
        choices=BookingType.choices, default=BookingType.ONE_DAY, allow_null=True
    )
    customer_note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, allow_null=True
    )
    banner_image_url = SafeLinkField(
        max_length=500, required=False, allow_blank=True, allow_null=True
    )
    banner_img_url = SafeLinkField(
        max_length=500,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Legacy name of banner_image_url, used when that is empty.",
    )
    stage_banner_url = SafeLinkField(
        max_length=500, required=False, allow_blank=True, allow_null=True
    )
    is_admin_booking = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="The venue's own program or show: staff only; approved at once, free.",
    )
    admin_note = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, allow_null=True
    )
    admin_notes = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Legacy name of admin_note (the meeting-room screen sends it).",
    )
    # A ListField, not GuestSerializer(many=True): with many=True DRF hands allow_null to each
    # guest too, and a null guest reached the service (a 500). The list may be null; a guest not.
    guest_list = serializers.ListField(
        child=GuestSerializer(), required=False, allow_null=True, max_length=500
    )
    default_pickup_location = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True
    )
    transport_locations = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        allow_null=True,
        max_length=50,
        help_text="Pickup points with their guests, stored as sent.",
    )

    def validate_items(self, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = [line["item_id"] for line in lines]
        if len(ids) != len(set(ids)):
            raise serializers.ValidationError("List each item once; use quantity for more.")
        return lines

    def booking_request(self) -> BookingRequest:
        """The validated body as the one typed object the booking service takes."""
        data = self.validated_data
        return BookingRequest(
            space_id=data["space_id"],
            start=data["start_datetime"],
            end=data["end_datetime"],
            items=tuple(ItemRequest(**line) for line in data["items"]),
            options=tuple(
                SpaceOptionRequest(
                    code=option["code"], quantity=option["quantity"], name=option.get("name") or ""
                )
                for option in data.get("custom_items") or ()
            ),
            client_total=(
                None if data.get("total_amount") is None else money(data["total_amount"])
            ),
            attendees=data.get("attendees"),
            event_type=data.get("event_type") or "",
            booking_type=data.get("booking_type") or self.default_booking_type,
            customer_note=data.get("customer_note") or "",
            banner_image_url=data.get("banner_image_url") or data.get("banner_img_url") or "",
            stage_banner_url=data.get("stage_banner_url") or "",
            venue_program=bool(data.get("is_admin_booking")),
            admin_note=data.get("admin_note") or data.get("admin_notes") or "",
            guests=tuple(
                GuestRequest(
                    name=guest["name"].strip(),
                    # Digits only, as the legacy kept them (it dropped guests without ten).
                    mobile="".join(ch for ch in guest["mobile"] if ch.isdigit())[-15:],
                    pickup_location=guest.get("pickupLocation") or "",
                    needs_transportation=bool(guest.get("needsTransportation")),
                )
                for guest in data.get("guest_list") or ()
            ),
            transport_locations=tuple(data.get("transport_locations") or ()),
            default_pickup_location=data.get("default_pickup_location") or "",
            # From a program's screen (daily or monthly): a subscription, unless staff book the
            # venue's own program (the service decides with venue_program).
            subscription=True,
        )

    default_booking_type: str = BookingType.ONE_DAY


class SeriesCreateSerializer(BookingCreateSerializer):
    """POST /bookings/series: the times of day come from start and end; the days from start's
    date to end's date, or num_days from start."""

    booking_type = serializers.ChoiceField(
        choices=BookingType.choices, default=BookingType.DAILY, allow_null=True
    )
    num_days = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    excluded_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        allow_null=True,
        max_length=7,
        help_text="Weekdays to skip, Monday = 0.",
    )

    default_booking_type = BookingType.DAILY

    def series_request(self) -> SeriesRequest:
        data = self.validated_data
        first_day = timezone.localdate(data["start_datetime"])
        num_days = data.get("num_days")
        last_day = (
            first_day + timedelta(days=num_days - 1)
            if num_days
            else timezone.localdate(data["end_datetime"])
        )
        return SeriesRequest(
            # A series is priced per day; the screen's figure is not one booking's total.
            booking=replace(self.booking_request(), client_total=None),
            first_day=first_day,
            last_day=last_day,
            excluded_weekdays=frozenset(data.get("excluded_weekdays") or ()),
        )


class BookingUpdateSerializer(serializers.Serializer[Any]):
    """PATCH /bookings/{id} as the edit screens send it: any subset of these."""

    start_datetime = VenueLocalDateTimeField(required=False, allow_null=True)
    end_datetime = VenueLocalDateTimeField(required=False, allow_null=True)
    items = BookingLineRequestSerializer(  # type: ignore[call-arg]
        many=True, required=False, allow_null=True, max_length=50
    )
    attendees = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    event_type = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    customer_note = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, allow_null=True
    )
    total_amount = serializers.DecimalField(
        max_digits=20,
        decimal_places=6,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        help_text="The new total the screen shows; another price is refused (409).",
    )

    def validate_items(self, lines: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if lines is None:
            return None
        return BookingCreateSerializer().validate_items(lines)

    def changes(self) -> BookingChanges:
        data = self.validated_data
        lines = data.get("items")
        total = data.get("total_amount")
        return BookingChanges(
            start=data.get("start_datetime"),
            end=data.get("end_datetime"),
            items=None if lines is None else tuple(ItemRequest(**line) for line in lines),
            attendees=data.get("attendees"),
            event_type=data.get("event_type"),
            customer_note=data.get("customer_note"),
            client_total=None if total is None else money(total),
        )


class BookingEditResultSerializer(serializers.Serializer[Any]):
    """What the legacy answered an edit with; the screens read requires_payment and
    balance_amount to offer the payment of the difference."""

    ok = serializers.BooleanField(default=True)
    message = serializers.CharField(default="Booking updated successfully")
    booking_id = serializers.IntegerField(source="booking.pk")
    booking_reference = serializers.CharField(source="booking.booking_reference")
    status = serializers.CharField(source="booking.status")
    original_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    new_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    original_paid = serializers.DecimalField(source="paid", max_digits=12, decimal_places=2)
    price_difference = serializers.SerializerMethodField()
    balance_amount = serializers.DecimalField(source="balance", max_digits=12, decimal_places=2)
    refund_amount = serializers.DecimalField(source="refund", max_digits=12, decimal_places=2)
    requires_payment = serializers.SerializerMethodField()
    requires_refund = serializers.SerializerMethodField()

    def get_price_difference(self, edit: BookingEdit) -> float:
        return float(edit.new_total - edit.original_total)

    def get_requires_payment(self, edit: BookingEdit) -> bool:
        return edit.balance > 0

    def get_requires_refund(self, edit: BookingEdit) -> bool:
        return edit.refund > 0


class TransitionSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- Staff ---------------------------------------------------------------------------------------


class UserSummarySerializer(LegacyModelSerializer[User]):
    name = serializers.CharField(source="display_name")

    class Meta:
        model = User
        fields = ["id", "name", "username", "email", "mobile"]


class StaffBookingSerializer(BookingColumnsSerializer):
    user = UserSummarySerializer()
    user_name = serializers.CharField(source="user.display_name")
    # The bookings screen sums paid_amount || total_amount - discount_amount and shows a note
    # icon by audio_count. Offers and audio notes have no app yet: none of either.
    discount_amount = serializers.SerializerMethodField()
    audio_count = serializers.SerializerMethodField()

    class Meta(BookingColumnsSerializer.Meta):
        fields = [
            *BookingColumnsSerializer.Meta.fields,
            "user_name",
            "user",
            "discount_amount",
            "audio_count",
        ]
        read_only_fields = fields

    def get_discount_amount(self, booking: Booking) -> Decimal:
        return Decimal("0.00")

    def get_audio_count(self, booking: Booking) -> int:
        return 0


class StaffBookingLineSerializer(BookingLineSerializer):
    """A line as the staff booking detail shows it: the legacy's admin detail also named its
    vendor and the vendor's answer (accepted, or rejected with a note)."""

    vendor_name = serializers.CharField(source="vendor.company_name", default=None)
    rejection_note = serializers.SerializerMethodField()
    # A plain string in the schema: a second component with the kind enum would make its name
    # ambiguous (drf-spectacular's enum naming warns).
    kind = serializers.CharField()

    class Meta(BookingLineSerializer.Meta):
        fields = [
            *BookingLineSerializer.Meta.fields,
            "vendor_id",
            "vendor_name",
            "rejection_status",
            "rejection_note",
            "rejected_at",
            "accepted_at",
        ]

    def get_rejection_note(self, line: BookingItem) -> str | None:
        return line.rejection_note or None


class StaffBookingDetailSerializer(StaffBookingSerializer):
    items = StaffBookingLineSerializer(many=True)

    class Meta(StaffBookingSerializer.Meta):
        fields = [*StaffBookingSerializer.Meta.fields, "items"]
        read_only_fields = fields


class StaffActionResultSerializer(StaffBookingDetailSerializer):
    ok = serializers.BooleanField(default=True, help_text="Kept for the legacy frontend.")

    class Meta(StaffBookingDetailSerializer.Meta):
        fields = ["ok", *StaffBookingDetailSerializer.Meta.fields]
        read_only_fields = fields


class StaffBookingItemSerializer(LegacyModelSerializer[BookingItem]):
    booking_item_id = serializers.IntegerField(source="id")
    booking_reference = serializers.CharField(source="booking.booking_reference")
    booking_created_at = NaiveUtcDateTimeField(source="booking.created_at")
    booking_state = serializers.CharField(source="booking.status")
    event_type = serializers.CharField(source="booking.event_type")
    item_name = serializers.CharField(source="name")
    image_url = serializers.CharField()
    vendor_company = serializers.CharField(source="vendor.company_name", default=None)
    vendor_phone = serializers.CharField(source="vendor.contact_phone", default=None)
    vendor_email = serializers.CharField(source="vendor.contact_email", default=None)
    space_id = serializers.IntegerField(source="booking.space_id")
    space_name = serializers.CharField(source="booking.space.name")
    venue_id = serializers.IntegerField(source="booking.venue_id")
    venue_name = serializers.CharField(source="booking.venue.name")
    user_id = serializers.IntegerField(source="booking.user_id")
    user_name = serializers.CharField(source="booking.user.display_name")
    # The fulfilment of the line (vendors/README.md), as vendor-items.tsx reads it; the legacy
    # spelt the supply flag is_supplyed here.
    is_supplyed = serializers.BooleanField(source="is_supplied")
    rejection_note = serializers.SerializerMethodField()

    class Meta:
        model = BookingItem
        fields = [
            "booking_item_id",
            "booking_id",
            "booking_reference",
            "booking_state",
            "booking_created_at",
            "event_type",
            "event_date",
            "booking_status",
            "is_supplied",
            "is_supplyed",
            "supplied_at",
            "supply_verified",
            "verified_at",
            "accepted_at",
            "rejection_status",
            "rejection_note",
            "rejected_at",
            "quantity",
            "hours_used",
            "unit_price",
            "total_price",
            "payment_settled",
            "payment_settled_at",
            "item_id",
            "item_name",
            "image_url",
            "vendor_id",
            "vendor_company",
            "vendor_phone",
            "vendor_email",
            "space_id",
            "space_name",
            "venue_id",
            "venue_name",
            "user_id",
            "user_name",
        ]
        read_only_fields = fields

    def get_rejection_note(self, line: BookingItem) -> str | None:
        return line.rejection_note or None


class SeriesBookingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    booking_reference = serializers.CharField()
    date = serializers.SerializerMethodField()
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()

    def get_date(self, booking: Booking) -> str:
        return timezone.localdate(booking.start_datetime).isoformat()


class SkippedDaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    reason = serializers.CharField()


class SeriesResultSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(default=True)
    series_reference = serializers.CharField()
    created_count = serializers.IntegerField()
    skipped_count = serializers.IntegerField()
    created = SeriesBookingSerializer(many=True)
    skipped = SkippedDaySerializer(many=True)
    message = serializers.CharField()
