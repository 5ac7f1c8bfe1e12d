"""Shapes of the brokers' endpoints, as the legacy's handlers answered them
(routers/admin_bookings.py, routers/broker_payments.py) and the call sites read and send them
(app/admin/vendors/index.tsx, app/admin/vendor-settlements.tsx, app/(tabs)/brokerage.tsx).

The staff forms post application/x-www-form-urlencoded; the settlement calls send JSON.
"""

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import BrokerProfile
from bookings.models import Booking
from brokers.masking import masked_account_number
from brokers.selectors import BrokerageSummary
from brokers.services import PERCENT_RANGE_MESSAGE, BrokerDetails
from lebrq.api.fields import NaiveUtcDateTimeField

DESCRIPTION_LIST_CHARS = 500


class PercentageField(serializers.DecimalField):
    """A percentage from the form ("5", "12.5"), 0 to 100, kept to two places, half up."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=None,
            decimal_places=None,
            min_value=Decimal("0"),
            max_value=Decimal("100"),
            error_messages={"min_value": PERCENT_RANGE_MESSAGE, "max_value": PERCENT_RANGE_MESSAGE},
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> Decimal:
        value: Decimal = super().to_internal_value(data)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _text(max_length: int | None = None) -> serializers.CharField:
    return serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        max_length=max_length,
        trim_whitespace=True,
    )


class BrokerFormSerializer(serializers.Serializer[Any]):
    """The create and edit forms' fields; absent (or null) leaves a field as it is."""

    company_name = _text(255)
    description = _text()
    contact_email = serializers.EmailField(required=False, allow_blank=True, allow_null=True)
    contact_phone = _text(32)
    address = _text()
    brokerage_percentage = PercentageField(required=False, allow_null=True)
    bank_account_name = _text(255)
    bank_account_number = _text(64)
    bank_ifsc_code = _text(16)
    bank_name = _text(255)

    def to_internal_value(self, data: Any) -> Any:
        # The forms send "" for a percentage left empty: not given.
        if hasattr(data, "get") and data.get("brokerage_percentage") == "":
            data = {k: v for k, v in data.items() if k != "brokerage_percentage"}
        return super().to_internal_value(data)

    def details(self) -> BrokerDetails:
        return BrokerDetails(**self.validated_data_for_details())

    def validated_data_for_details(self) -> dict[str, Any]:
        names = BrokerFormSerializer._declared_fields.keys()
        return {name: self.validated_data.get(name) for name in names}


class BrokerCreateSerializer(BrokerFormSerializer):
    user_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    username = _text(150)
    send_invite = serializers.BooleanField(required=False, default=True)


class BrokerSuspendSerializer(serializers.Serializer[Any]):
    """`suspended_until`: a day (YYYY-MM-DD: suspended to the end of that day, venue time), an
    ISO datetime, or empty to lift the suspension."""

    suspended_until = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    def validate_suspended_until(self, value: str | None) -> datetime | None:
        if not value:
            return None
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
        try:
            moment = parse_datetime(value.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is None:
            raise serializers.ValidationError(f"Invalid date format: {value}")
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class BulkBrokerageSerializer(serializers.Serializer[Any]):
    brokerage_percentage = PercentageField()


class BrokerListQuerySerializer(serializers.Serializer[Any]):
    skip = serializers.IntegerField(required=False, default=0, min_value=0)
    limit = serializers.IntegerField(required=False, default=100, min_value=1)


@extend_schema_field({"type": "string", "nullable": True})
class _NullIfBlank(serializers.Field[str, str, str | None, Any]):
    """The legacy's columns were NULL where ours are blank: null goes out, as it did."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: str) -> str | None:
        return str(value) if value else None


class _MaskedAccountNumber(_NullIfBlank):
    def to_representation(self, value: str) -> str | None:
        return masked_account_number(value) or None


class _ListDescription(_NullIfBlank):
    """A long description cut, as the legacy's list did to keep the page small."""

    def to_representation(self, value: str) -> str | None:
        if len(value) > DESCRIPTION_LIST_CHARS:
            return value[:DESCRIPTION_LIST_CHARS] + "..."
        return value or None


class BrokerSerializer(serializers.ModelSerializer[BrokerProfile]):
    """AdminBroker, what the edit form reads: bank details in full (staff only)."""

    username = serializers.CharField(source="user.username", read_only=True)
    role = serializers.CharField(source="user.role", read_only=True)
    profile_image = _NullIfBlank(source="user.profile_image")
    company_name = _NullIfBlank()
    description = _NullIfBlank()
    contact_email = _NullIfBlank()
    contact_phone = _NullIfBlank()
    address = _NullIfBlank()
    bank_account_name = _NullIfBlank()
    bank_account_number = _NullIfBlank()
    bank_ifsc_code = _NullIfBlank()
    bank_name = _NullIfBlank()
    suspended_until = NaiveUtcDateTimeField(read_only=True)
    is_suspended = serializers.SerializerMethodField()
    created_at = NaiveUtcDateTimeField(read_only=True)

    class Meta:
        model = BrokerProfile
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
            "brokerage_percentage",
            "bank_account_name",
            "bank_account_number",
            "bank_ifsc_code",
            "bank_name",
            "profile_image",
            "suspended_until",
            "is_suspended",
            "is_approved",
            "created_at",
        ]
        read_only_fields = fields

    def get_is_suspended(self, profile: BrokerProfile) -> bool:
        until = profile.suspended_until
        return until is not None and until > timezone.now()


class BrokerListSerializer(BrokerSerializer):
    """A row of the staff lists: the account number masked, a long description cut."""

    bank_account_number = _MaskedAccountNumber()
    description = _ListDescription()


class BrokerUpdatedSerializer(serializers.ModelSerializer[BrokerProfile]):
    """What PUT /admin/brokers/{id} answers (nobody reads it but the status): the account
    number masked, as in the lists."""

    broker_id = serializers.IntegerField(source="id", read_only=True)
    ok = serializers.SerializerMethodField()
    bank_account_number = serializers.SerializerMethodField()

    class Meta:
        model = BrokerProfile
        fields = [
            "ok",
            "broker_id",
            "company_name",
            "description",
            "contact_email",
            "contact_phone",
            "address",
            "brokerage_percentage",
            "bank_account_name",
            "bank_account_number",
            "bank_ifsc_code",
            "bank_name",
        ]
        read_only_fields = fields

    def get_ok(self, profile: BrokerProfile) -> bool:
        return True

    def get_bank_account_number(self, profile: BrokerProfile) -> str:
        return masked_account_number(profile.bank_account_number)


# --- Settlement ----------------------------------------------------------------------------------


class BrokerageSummaryQuerySerializer(serializers.Serializer[Any]):
    period = serializers.CharField(required=False, default="monthly")
    broker_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    include_settled = serializers.BooleanField(required=False, default=True)


class BrokerageSummaryItemSerializer(serializers.ModelSerializer[Booking]):
    booking_id = serializers.IntegerField(source="id", read_only=True)
    brokerage_percentage = serializers.SerializerMethodField()
    booking_date = NaiveUtcDateTimeField(source="created_at", read_only=True)
    payment_settled = serializers.BooleanField(source="broker_settled", read_only=True)
    payment_settled_at = NaiveUtcDateTimeField(source="broker_settled_at", read_only=True)

    class Meta:
        model = Booking
        fields = [
            "booking_id",
            "booking_reference",
            "total_amount",
            "brokerage_amount",
            "brokerage_percentage",
            "booking_date",
            "payment_settled",
            "payment_settled_at",
        ]
        read_only_fields = fields

    def get_brokerage_percentage(self, booking: Booking) -> Decimal:
        # The broker's percentage now, as the legacy showed (bookings do not keep theirs).
        percentage: Decimal = self.context["percentage"]
        return percentage


class BrokerageSummarySerializer(serializers.Serializer[BrokerageSummary]):
    period = serializers.CharField()
    start_date = NaiveUtcDateTimeField(source="start")
    end_date = NaiveUtcDateTimeField(source="end")
    total_bookings = serializers.IntegerField()
    total_brokerage = serializers.DecimalField(max_digits=14, decimal_places=2, source="total")
    settled_brokerage = serializers.DecimalField(max_digits=14, decimal_places=2, source="settled")
    pending_brokerage = serializers.DecimalField(max_digits=14, decimal_places=2, source="pending")
    items = serializers.SerializerMethodField()

    def get_items(self, summary: BrokerageSummary) -> Any:
        return BrokerageSummaryItemSerializer(
            summary.items, many=True, context={"percentage": summary.percentage}
        ).data


class BrokerageSettleSerializer(serializers.Serializer[Any]):
    booking_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=True
    )


class BrokerPaymentDataSerializer(serializers.Serializer[Any]):
    """Razorpay checkout's answer, under either of the names the legacy read."""

    razorpay_payment_id = serializers.CharField(required=False, max_length=64)
    razorpay_order_id = serializers.CharField(required=False, max_length=64)
    razorpay_signature = serializers.CharField(required=False, max_length=256)
    payment_id = serializers.CharField(required=False, max_length=64)
    order_id = serializers.CharField(required=False, max_length=64)
    signature = serializers.CharField(required=False, max_length=256)

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        found = {
            "payment_id": attrs.get("razorpay_payment_id") or attrs.get("payment_id"),
            "order_id": attrs.get("razorpay_order_id") or attrs.get("order_id"),
            "signature": attrs.get("razorpay_signature") or attrs.get("signature"),
        }
        if not all(found.values()):
            raise serializers.ValidationError("Missing payment verification data")
        return {name: str(value) for name, value in found.items()}


class BrokerPreparePaymentSerializer(serializers.Serializer[Any]):
    booking_id = serializers.IntegerField(min_value=1)


class BrokerVerifyPaymentSerializer(serializers.Serializer[Any]):
    booking_id = serializers.IntegerField(min_value=1)
    payment_data = BrokerPaymentDataSerializer()


class BrokerPrepareBulkSerializer(serializers.Serializer[Any]):
    broker_id = serializers.IntegerField(min_value=1)
    period = serializers.CharField(required=False, default="monthly")


class BrokerVerifyBulkSerializer(serializers.Serializer[Any]):
    broker_id = serializers.IntegerField(min_value=1)
    booking_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)
    payment_data = BrokerPaymentDataSerializer()
