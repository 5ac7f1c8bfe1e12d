from decimal import Decimal
from typing import Any

from rest_framework import serializers

from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.serializers import LegacyModelSerializer
from offers.choices import DiscountType, OfferType
from offers.models import Coupon, CouponUsage, Offer, OfferUsage

MAX_AMOUNT = Decimal("100000000")


class OfferSerializer(LegacyModelSerializer[Offer]):
    offer_type = serializers.ChoiceField(choices=OfferType.choices)
    discount_type = serializers.ChoiceField(choices=DiscountType.choices)
    discount_value = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        required=False,
        default=Decimal("0"),
    )

    class Meta:
        model = Offer
        fields = [
            "id",
            "offer_type",
            "title",
            "description",
            "is_active",
            "priority",
            "discount_type",
            "discount_value",
            "min_purchase_amount",
            "max_discount_amount",
            "festival_name",
            "start_date",
            "end_date",
            "number_of_users",
            "claimed_count",
            "surprise_gift_name",
            "surprise_gift_image_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "claimed_count", "created_at", "updated_at"]
        extra_kwargs = {
            "description": {"required": False, "allow_blank": True},
            "festival_name": {"required": False, "allow_blank": True},
            "surprise_gift_name": {"required": False, "allow_blank": True},
            "surprise_gift_image_url": {"required": False, "allow_blank": True},
        }

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            # The staff screen sends null for empty text fields.
            data = {
                key: ("" if value is None and key in _TEXT_FIELDS else value)
                for key, value in data.items()
            }
        return super().to_internal_value(data)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("discount_type", getattr(self.instance, "discount_type", None))
        value = attrs.get("discount_value", getattr(self.instance, "discount_value", None))
        if kind == DiscountType.PERCENTAGE and value is not None and value > 100:
            raise serializers.ValidationError(
                {"discount_value": ["A percentage discount is at most 100."]}
            )
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": ["Ends before it starts."]})
        return attrs


_TEXT_FIELDS = {"description", "festival_name", "surprise_gift_name", "surprise_gift_image_url"}


class CouponSerializer(LegacyModelSerializer[Coupon]):
    discount_type = serializers.ChoiceField(choices=DiscountType.choices)
    discount_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal("0"), max_value=MAX_AMOUNT
    )

    class Meta:
        model = Coupon
        fields = [
            "id",
            "code",
            "title",
            "description",
            "is_active",
            "discount_type",
            "discount_value",
            "min_purchase_amount",
            "max_discount_amount",
            "max_usage_per_user",
            "max_usage_total",
            "current_usage_count",
            "valid_from",
            "valid_until",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "current_usage_count", "created_at", "updated_at"]
        extra_kwargs = {"description": {"required": False, "allow_blank": True}}

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict) and data.get("description") is None and "description" in data:
            data = {**data, "description": ""}
        return super().to_internal_value(data)

    def validate_code(self, code: str) -> str:
        code = code.strip().upper()
        taken = Coupon.objects.filter(code=code)
        if self.instance is not None:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError("A coupon with this code exists.")
        return code

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        kind = attrs.get("discount_type", getattr(self.instance, "discount_type", None))
        value = attrs.get("discount_value", getattr(self.instance, "discount_value", None))
        if kind == DiscountType.PERCENTAGE and value is not None and value > 100:
            raise serializers.ValidationError(
                {"discount_value": ["A percentage discount is at most 100."]}
            )
        return attrs


class UsageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField(allow_null=True)
    booking_id = serializers.IntegerField(allow_null=True)
    discount_amount = serializers.FloatField()
    original_amount = serializers.FloatField()
    final_amount = serializers.FloatField()
    used_at = serializers.SerializerMethodField()

    def get_used_at(self, usage: OfferUsage | CouponUsage) -> str:
        return str(NaiveUtcDateTimeField().to_representation(usage.used_at))


class CheckQuerySerializer(serializers.Serializer[Any]):
    coupon_code = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    purchase_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        default=Decimal("0"),
    )
    is_rack_purchase = serializers.BooleanField(default=False)


class ApplySerializer(serializers.Serializer[Any]):
    offer_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    offer_type = serializers.CharField(
        max_length=32, required=False, allow_blank=True, allow_null=True
    )
    coupon_code = serializers.CharField(
        max_length=50, required=False, allow_blank=True, allow_null=True
    )
    purchase_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=MAX_AMOUNT,
        default=Decimal("0"),
    )
    booking_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
