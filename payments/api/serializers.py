from decimal import Decimal
from typing import Any

from rest_framework import serializers

from bookings.api.serializers import ActionResultSerializer
from lebrq.api.fields import NaiveUtcDateTimeField, VenueLocalDateTimeField
from lebrq.api.serializers import LegacyModelSerializer
from payments.models import Payment, Refund

MAX_RUPEES = Decimal("100000000")


class PrepareSerializer(serializers.Serializer[Any]):
    """POST /payments/prepare: the amount in rupees the checkout is about to take."""

    booking_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=MAX_RUPEES
    )
    currency = serializers.ChoiceField(choices=["INR"], default="INR")
    language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="EN")


class PreparedSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField(default=True)
    booking_id = serializers.IntegerField(allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    booking_type = serializers.CharField(allow_null=True)
    billing_name = serializers.CharField()
    billing_email = serializers.CharField()
    billing_tel = serializers.CharField()


class OrderRequestSerializer(serializers.Serializer[Any]):
    """POST /payments/create-razorpay-order: the amount in paise, as Razorpay counts."""

    amount = serializers.IntegerField(min_value=100, max_value=int(MAX_RUPEES) * 100)
    currency = serializers.ChoiceField(choices=["INR"], default="INR")
    booking_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    def to_internal_value(self, data: Any) -> Any:
        # The checkout sends Math.round(rupees * 100), but a float can slip through as "1234.0".
        if isinstance(data, dict) and isinstance(data.get("amount"), float):
            amount = data["amount"]
            if amount.is_integer():
                data = {**data, "amount": int(amount)}
        return super().to_internal_value(data)


class OrderSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField(default=True)
    id = serializers.CharField(source="order_id")
    order_id = serializers.CharField()
    amount = serializers.IntegerField(source="amount_paise")
    currency = serializers.CharField()
    receipt = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    key_id = serializers.SerializerMethodField()

    def get_receipt(self, payment: Payment) -> str:
        order = payment.gateway_response.get("order") or {}
        return str(order.get("receipt") or "")

    def get_status(self, payment: Payment) -> str:
        return "created"

    def get_key_id(self, payment: Payment) -> str:
        key: str = self.context.get("key_id", "")
        return key


class VerifySerializer(serializers.Serializer[Any]):
    """What utils/razorpay-helper.ts posts after the checkout (the breakdown is ignored)."""

    razorpay_order_id = serializers.CharField(max_length=64)
    razorpay_payment_id = serializers.CharField(max_length=64)
    razorpay_signature = serializers.CharField(max_length=256)
    booking_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class VerifiedSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()
    payment_id = serializers.CharField(source="payment.provider_payment_id")
    order_id = serializers.CharField(source="payment.order_id")
    booking_id = serializers.IntegerField(source="payment.booking_id", allow_null=True)
    amount = serializers.DecimalField(source="payment.amount", max_digits=12, decimal_places=2)
    status = serializers.CharField(source="payment.status")
    booking_status = serializers.CharField(allow_null=True)
    refund_id = serializers.IntegerField(source="refund.pk", allow_null=True, default=None)


class PaymentStatusSerializer(LegacyModelSerializer[Payment]):
    payment_id = serializers.CharField(source="provider_payment_id", default="")
    payment_status = serializers.CharField(source="status")
    transaction_id = serializers.CharField(source="provider_payment_id", default=None)
    created_at = NaiveUtcDateTimeField()
    updated_at = NaiveUtcDateTimeField()

    class Meta:
        model = Payment
        fields = [
            "payment_id",
            "order_id",
            "booking_id",
            "amount",
            "currency",
            "payment_status",
            "transaction_id",
            "created_at",
            "updated_at",
        ]


class HistoryPaymentSerializer(LegacyModelSerializer[Payment]):
    details = serializers.SerializerMethodField()
    paid_at = NaiveUtcDateTimeField()
    created_at = NaiveUtcDateTimeField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "amount",
            "currency",
            "provider",
            "provider_payment_id",
            "order_id",
            "status",
            "paid_at",
            "created_at",
            "details",
        ]

    def get_details(self, payment: Payment) -> dict[str, Any]:
        return {"method": payment.method, "refunded_amount": float(payment.refunded_amount)}


class HistoryRefundSerializer(LegacyModelSerializer[Refund]):
    processed_at = NaiveUtcDateTimeField()
    created_at = NaiveUtcDateTimeField()

    class Meta:
        model = Refund
        fields = [
            "id",
            "amount",
            "reason",
            "status",
            "refund_type",
            "refund_method",
            "refund_reference",
            "processed_at",
            "created_at",
            "notes",
        ]


class RefundRequestSerializer(serializers.Serializer[Any]):
    """POST /bookings/{id}/refund, after an edit lowered the price (grant-hall.tsx)."""

    refund_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0.01"), max_value=MAX_RUPEES
    )
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="Booking edited - price decreased"
    )


class StaffPaymentSerializer(LegacyModelSerializer[Payment]):
    booking_reference = serializers.CharField(source="booking.booking_reference", default=None)
    user_name = serializers.CharField(source="user.display_name")
    user_email = serializers.CharField(source="user.email")
    paid_at = NaiveUtcDateTimeField()
    created_at = NaiveUtcDateTimeField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "booking_id",
            "booking_reference",
            "amount",
            "currency",
            "status",
            "provider",
            "provider_payment_id",
            "order_id",
            "paid_at",
            "created_at",
            "user_name",
            "user_email",
        ]


class AdvanceSettingsSerializer(serializers.Serializer[Any]):
    enabled = serializers.BooleanField()
    percentage = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        required=False,
        allow_null=True,
    )
    fixed_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_RUPEES,
        required=False,
        allow_null=True,
    )
    type = serializers.ChoiceField(choices=["percentage", "fixed"], default="percentage")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("type") == "fixed" and not attrs.get("fixed_amount"):
            raise serializers.ValidationError({"fixed_amount": ["Give the fixed amount."]})
        return attrs


class StaffRefundPercentageSerializer(serializers.Serializer[Any]):
    percentage = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0"), max_value=Decimal("100")
    )


class StaffRefundSerializer(LegacyModelSerializer[Refund]):
    booking_reference = serializers.CharField(source="booking.booking_reference", default=None)
    processed_at = NaiveUtcDateTimeField()
    created_at = NaiveUtcDateTimeField()
    booking = serializers.SerializerMethodField()
    user = serializers.SerializerMethodField()
    space_name = serializers.CharField(source="booking.space.name", default=None)
    venue_name = serializers.CharField(source="booking.venue.name", default=None)

    class Meta:
        model = Refund
        fields = [
            "id",
            "booking_id",
            "booking_reference",
            "amount",
            "reason",
            "status",
            "refund_type",
            "refund_method",
            "refund_reference",
            "processed_at",
            "created_at",
            "notes",
            "booking",
            "user",
            "space_name",
            "venue_name",
        ]

    def get_booking(self, refund: Refund) -> dict[str, Any] | None:
        booking = refund.booking
        if booking is None:
            return None
        when = VenueLocalDateTimeField()
        return {
            "id": booking.pk,
            "booking_reference": booking.booking_reference,
            "start_datetime": when.to_representation(booking.start_datetime),
            "end_datetime": when.to_representation(booking.end_datetime),
            "attendees": booking.attendees,
            "status": booking.status,
            "total_amount": float(booking.total_amount),
            "event_type": booking.event_type,
            "customer_note": booking.customer_note,
            "admin_note": booking.admin_note,
        }

    def get_user(self, refund: Refund) -> dict[str, Any]:
        user = (
            refund.payment.user
            if refund.payment
            else refund.booking.user
            if refund.booking
            else None
        )
        if user is None:
            return {"id": None, "name": "", "username": "", "mobile": ""}
        return {
            "id": user.pk,
            "name": user.display_name,
            "username": user.username,
            "mobile": user.mobile,
        }


class HistorySerializer(serializers.Serializer[Any]):
    payments = HistoryPaymentSerializer(many=True)
    refunds = HistoryRefundSerializer(many=True)
    total_paid = serializers.FloatField()
    total_refunded = serializers.FloatField()
    pending_refunds = serializers.FloatField()


class RefundRecordedSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    booking_id = serializers.IntegerField()
    refund_amount = serializers.FloatField()
    refund_note = serializers.CharField()


class StaffPaymentPageSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    total = serializers.IntegerField()
    payments = StaffPaymentSerializer(many=True)


class RefundPageInfoSerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField()
    per_page = serializers.IntegerField()
    total = serializers.IntegerField()
    pages = serializers.IntegerField()


class StaffRefundPageSerializer(serializers.Serializer[Any]):
    refunds = StaffRefundSerializer(many=True)
    pagination = RefundPageInfoSerializer()


class RefundProcessedSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    refund_id = serializers.IntegerField()
    razorpay_refund_id = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    amount = serializers.FloatField()


class AdvanceSettingsSavedSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()
    settings = AdvanceSettingsSerializer()


class RefundPercentageSavedSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()
    percentage = serializers.FloatField()


class WebhookAnswerSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=["applied", "duplicate", "ignored"])


class CancelledSerializer(ActionResultSerializer):
    """The booking as cancelled, with the legacy's refund fields."""

    cancelled_items_count = serializers.IntegerField()
    refund_amount = serializers.FloatField()
    refund_created = serializers.BooleanField()
    refund_id = serializers.IntegerField(allow_null=True)
    booking_total = serializers.FloatField()

    class Meta(ActionResultSerializer.Meta):
        fields = [
            *ActionResultSerializer.Meta.fields,
            "cancelled_items_count",
            "refund_amount",
            "refund_created",
            "refund_id",
            "booking_total",
        ]
        read_only_fields = fields
