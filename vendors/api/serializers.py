"""Shapes of the vendor calls, as the legacy handlers answered them (routers/vendor.py,
vendor_notifications.py, vendor_payments.py and admin_bookings.py at 8bf6f23) and as the
screens send them (app/admin/vendors/*, vendor-items.tsx, vendor-settlements.tsx,
app/vendor/*, lib/api.ts VendorAPI)."""

from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from rest_framework import serializers

from accounts.models import VendorProfile
from bookings.api.catalog_serializers import _blank_to_none, _ItemFieldsSerializer
from bookings.catalog_services import MAX_PRICE
from bookings.choices import ItemStatus
from bookings.models import BookingItem, Item
from bookings.models.catalog import MAX_PREPARATION_MINUTES
from lebrq.api.fields import VenueLocalDateTimeField
from lebrq.api.serializers import LegacyModelSerializer
from vendors.choices import SummaryPeriod
from vendors.models import VendorNotification
from vendors.services import SETTLE_MAX_ITEMS

# The staff list cut long descriptions (admin_bookings.py admin_list_vendors).
LIST_DESCRIPTION_CHARS = 500


def is_suspended(vendor: VendorProfile) -> bool:
    return vendor.suspended_until is not None and vendor.suspended_until > timezone.now()


class VendorSerializer(LegacyModelSerializer[VendorProfile]):
    """GET /admin/vendors/{id} (and each row of the list)."""

    username = serializers.CharField(source="user.username")
    role = serializers.CharField(source="user.role")
    profile_image = serializers.CharField(source="user.profile_image")
    is_suspended = serializers.SerializerMethodField()

    class Meta:
        model = VendorProfile
        fields = [
            "id",
            "user_id",
            "username",
            "role",
            "company_name",
            "description",
            "contact_email",
            "contact_phone",
            "address",
            "profile_image",
            "suspended_until",
            "is_suspended",
            "created_at",
        ]

    def get_is_suspended(self, vendor: VendorProfile) -> bool:
        return is_suspended(vendor)


class VendorListRowSerializer(VendorSerializer):
    amount_owed = serializers.SerializerMethodField(
        help_text="Supplied lines not yet settled, at the vendor's price."
    )

    class Meta(VendorSerializer.Meta):
        fields = [*VendorSerializer.Meta.fields, "amount_owed"]

    def to_representation(self, instance: VendorProfile) -> dict[str, Any]:
        data = super().to_representation(instance)
        description = data.get("description") or ""
        if len(description) > LIST_DESCRIPTION_CHARS:
            data["description"] = description[:LIST_DESCRIPTION_CHARS] + "..."
        return data

    def get_amount_owed(self, vendor: VendorProfile) -> Any:
        return self.context["owed"].get(vendor.pk, 0)


class CandidateSerializer(serializers.ModelSerializer[VendorProfile]):
    username = serializers.CharField(source="user.username")
    profile_image = serializers.CharField(source="user.profile_image")
    is_rejected = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()

    class Meta:
        model = VendorProfile
        fields = [
            "id",
            "user_id",
            "username",
            "company_name",
            "contact_email",
            "contact_phone",
            "profile_image",
            "is_rejected",
            "rejection_reason",
        ]

    def get_is_rejected(self, vendor: VendorProfile) -> bool:
        return getattr(vendor, "rejected_id", None) is not None

    def get_rejection_reason(self, vendor: VendorProfile) -> str | None:
        if getattr(vendor, "rejected_id", None) is None:
            return None
        return getattr(vendor, "rejection_reason", None)


class SkipLimitQuerySerializer(serializers.Serializer[Any]):
    skip = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


class CandidatesQuerySerializer(serializers.Serializer[Any]):
    booking_item_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class VendorCreateSerializer(serializers.Serializer[Any]):
    """POST /admin/vendors, form-urlencoded (index.tsx handleCreate)."""

    user_id = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    company_name = serializers.CharField(
        max_length=255, required=False, allow_blank=True, default=""
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    contact_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(required=False, allow_blank=True, default="")
    send_invite = serializers.BooleanField(required=False, default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "data" in kwargs:
            kwargs["data"] = _blank_to_none(kwargs["data"], ("user_id",))
        super().__init__(*args, **kwargs)


class VendorUpdateSerializer(serializers.Serializer[Any]):
    """PUT /admin/vendors/{id}, form-urlencoded: only the fields sent change."""

    company_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)


class VendorSuspendSerializer(serializers.Serializer[Any]):
    """POST /admin/vendors/{id}/suspend, a form: "YYYY-MM-DD", an ISO datetime, or "" to lift
    the suspension."""

    suspended_until = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=""
    )

    def validate_suspended_until(self, value: str | None) -> datetime | None:
        value = (value or "").strip()
        if not value:
            return None
        day = parse_date(value)
        if day is not None:
            # A day picked on the screen: suspended to the end of that day at the venue.
            return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise serializers.ValidationError(
                "Invalid date format: YYYY-MM-DD or an ISO 8601 date and time."
            ) from None
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class AssignSerializer(serializers.Serializer[Any]):
    vendor_id = serializers.IntegerField(
        min_value=1, error_messages={"required": "vendor_id is required"}
    )


class CancelVendorSerializer(serializers.Serializer[Any]):
    cancellation_note = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default="", max_length=2000
    )


class StaffSuppliedSerializer(serializers.Serializer[Any]):
    supplied = serializers.BooleanField(required=False, default=True)


class RejectSerializer(serializers.Serializer[Any]):
    """POST /vendor/orders/{id}/reject, multipart with `reason` (lib/api.ts rejectOrder)."""

    reason = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        error_messages={"required": "Rejection reason is required"},
    )


class StaffVendorBookingItemSerializer(LegacyModelSerializer[BookingItem]):
    """A line of GET /admin/vendors/{id}/items (vendors/[id].tsx)."""

    booking_item_id = serializers.IntegerField(source="id")
    booking_reference = serializers.CharField(source="booking.booking_reference")
    event_type = serializers.CharField(source="booking.event_type")
    booking_status = serializers.CharField()
    is_supplyed = serializers.BooleanField(source="is_supplied")
    rejection_note = serializers.SerializerMethodField()
    item_name = serializers.CharField(source="name")
    item_image_url = serializers.CharField(source="image_url")
    price = serializers.DecimalField(
        source="unit_price", max_digits=10, decimal_places=2, read_only=True
    )
    space_id = serializers.IntegerField(source="booking.space_id")
    space_name = serializers.CharField(source="booking.space.name")
    venue_id = serializers.IntegerField(source="booking.venue_id")
    venue_name = serializers.CharField(source="booking.venue.name")

    class Meta:
        model = BookingItem
        fields = [
            "booking_item_id",
            "booking_id",
            "booking_reference",
            "event_type",
            "event_date",
            "booking_status",
            "is_supplyed",
            "supplied_at",
            "supply_verified",
            "verified_at",
            "rejection_status",
            "rejection_note",
            "rejected_at",
            "accepted_at",
            "payment_settled",
            "quantity",
            "unit_price",
            "total_price",
            "price",
            "item_id",
            "item_name",
            "item_image_url",
            "space_id",
            "space_name",
            "venue_id",
            "venue_name",
        ]

    def get_rejection_note(self, line: BookingItem) -> str | None:
        return line.rejection_note or None


class VendorOrderSerializer(LegacyModelSerializer[BookingItem]):
    """A line of GET /vendor/orders (app/vendor/orders/index.tsx)."""

    ref = serializers.SerializerMethodField()
    start_datetime = VenueLocalDateTimeField(source="booking.start_datetime")
    end_datetime = VenueLocalDateTimeField(source="booking.end_datetime")
    status = serializers.SerializerMethodField()
    rejection_note = serializers.SerializerMethodField()
    customer_name = serializers.CharField(source="booking.user.display_name")
    address = serializers.SerializerMethodField()
    venue_name = serializers.CharField(source="booking.venue.name")
    event_type = serializers.CharField(source="booking.event_type")
    item_name = serializers.CharField(source="name")
    item_image = serializers.CharField(source="image_url")
    item_category = serializers.SerializerMethodField()

    class Meta:
        model = BookingItem
        fields = [
            "id",
            "booking_id",
            "ref",
            "quantity",
            "unit_price",
            "total_price",
            "event_date",
            "start_datetime",
            "end_datetime",
            "status",
            "is_supplied",
            "supplied_at",
            "supply_verified",
            "verified_at",
            "rejection_status",
            "rejection_note",
            "rejected_at",
            "accepted_at",
            "supply_reminder_sent_at",
            "customer_name",
            "address",
            "venue_name",
            "event_type",
            "item_name",
            "item_image",
            "item_category",
        ]

    def get_ref(self, line: BookingItem) -> str:
        return line.booking.booking_reference or f"#{line.booking_id}"

    def get_status(self, line: BookingItem) -> str:
        # The legacy wrote "rejected" into booking_status; we keep the line's status and
        # show the rejection here, where the vendor's screen reads it.
        return "rejected" if line.rejection_status and line.vendor_id else line.booking_status

    def get_rejection_note(self, line: BookingItem) -> str | None:
        return line.rejection_note or None

    def get_address(self, line: BookingItem) -> str | None:
        venue = line.booking.venue
        return ", ".join(part for part in (venue.address, venue.city) if part) or None

    def get_item_category(self, line: BookingItem) -> str | None:
        return line.item.category if line.item is not None else None


class OrdersPdfSerializer(serializers.Serializer[Any]):
    """POST /vendor/orders/pdf {orders: [...]}: the screen sends the rows it shows; only their
    ids are read (the sheet is printed from our rows, the vendor's own)."""

    orders = serializers.ListField(child=serializers.DictField(), max_length=1000, allow_empty=True)

    def ids(self) -> list[int]:
        found: list[int] = []
        for row in self.validated_data["orders"]:
            value = row.get("id", row.get("booking_item_id"))
            if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                found.append(int(value))
        return found


class VendorItemSerializer(LegacyModelSerializer[Item]):
    """A row of GET /vendor/items. `price` is the vendor's own price (vendor_price): staff's
    markup is theirs, and a vendor editing the catalog price would compound it."""

    price = serializers.SerializerMethodField()
    type = serializers.CharField(source="item_type")

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "description",
            "price",
            "category",
            "subcategory",
            "type",
            "image_url",
            "video_url",
            "profile_image_url",
            "profile_info",
            "performance_team_profile",
            "space_id",
            "available",
            "item_status",
            "preparation_time_minutes",
        ]

    def get_price(self, item: Item) -> Any:
        return item.vendor_price if item.vendor_price is not None else item.price


class _VendorItemFieldsSerializer(_ItemFieldsSerializer):
    """The vendor's item form (form-urlencoded): no vendor_id (always the caller)."""

    vendor_id = None  # type: ignore[assignment]
    item_type = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=32
    )
    item_status = serializers.ChoiceField(
        choices=ItemStatus.choices, required=False, allow_null=True
    )
    preparation_time_minutes = serializers.IntegerField(
        min_value=0, max_value=MAX_PREPARATION_MINUTES, required=False, allow_null=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "data" in kwargs:
            kwargs["data"] = _blank_to_none(
                kwargs["data"], ("space_id", "item_status", "preparation_time_minutes")
            )
        super().__init__(*args, **kwargs)


class VendorItemCreateSerializer(_VendorItemFieldsSerializer):
    name = serializers.CharField(max_length=255)
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE,
        error_messages={"min_value": "Price must be greater than 0"},
    )


class VendorItemUpdateSerializer(_VendorItemFieldsSerializer):
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE,
        required=False,
        allow_null=True,
        error_messages={"min_value": "Price must be greater than 0"},
    )


class NotificationSerializer(LegacyModelSerializer[VendorNotification]):
    class Meta:
        model = VendorNotification
        fields = [
            "id",
            "type",
            "title",
            "message",
            "booking_id",
            "booking_item_id",
            "link",
            "is_read",
            "priority",
            "created_at",
            "read_at",
        ]


class NotificationsQuerySerializer(serializers.Serializer[Any]):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    offset = serializers.IntegerField(min_value=0, default=0)
    unread_only = serializers.BooleanField(required=False, default=False)


class SummaryQuerySerializer(serializers.Serializer[Any]):
    period = serializers.ChoiceField(
        choices=SummaryPeriod.choices,
        default=SummaryPeriod.MONTHLY,
        error_messages={"invalid_choice": "Invalid period. Use: weekly, monthly, or yearly"},
    )
    vendor_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    include_unverified = serializers.BooleanField(required=False, default=False)


class InvoiceQuerySerializer(SummaryQuerySerializer):
    booking_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    format = serializers.ChoiceField(choices=["json", "pdf"], default="json")
    settled_only = serializers.BooleanField(required=False, default=True)


class SettleSerializer(serializers.Serializer[Any]):
    booking_item_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        allow_empty=False,
        max_length=SETTLE_MAX_ITEMS,
        error_messages={"empty": "booking_item_ids list cannot be empty"},
    )


class PaymentDataSerializer(serializers.Serializer[Any]):
    """Razorpay checkout's answer; the legacy also took the short names."""

    razorpay_payment_id = serializers.CharField(max_length=64, required=False)
    razorpay_order_id = serializers.CharField(max_length=64, required=False)
    razorpay_signature = serializers.CharField(max_length=128, required=False)
    payment_id = serializers.CharField(max_length=64, required=False)
    order_id = serializers.CharField(max_length=64, required=False)
    signature = serializers.CharField(max_length=128, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        found = {
            "payment_id": attrs.get("razorpay_payment_id") or attrs.get("payment_id"),
            "order_id": attrs.get("razorpay_order_id") or attrs.get("order_id"),
            "signature": attrs.get("razorpay_signature") or attrs.get("signature"),
        }
        if not all(found.values()):
            raise serializers.ValidationError("Missing payment verification data")
        return found


class VerifyPaymentSerializer(SettleSerializer):
    payment_data = PaymentDataSerializer()
    vendor_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class PrepareBulkSerializer(serializers.Serializer[Any]):
    vendor_id = serializers.IntegerField(
        min_value=1, error_messages={"required": "vendor_id is required"}
    )
    period = serializers.ChoiceField(
        choices=SummaryPeriod.choices,
        default=SummaryPeriod.MONTHLY,
        error_messages={"invalid_choice": "Invalid period"},
    )
    include_unverified = serializers.BooleanField(required=False, default=False)
