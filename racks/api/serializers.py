"""Shapes of the racks endpoints, as the legacy's routers/racks.py answered them and the call
sites (lib/api-racks.ts, app/rack/[rackId].tsx, app/admin/racks/index.tsx,
app/payment-main.tsx, app/rack/surprise-gift.tsx) send and read them."""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rest_framework import serializers

from lebrq.api.fields import NaiveUtcDateTimeField
from racks.choices import OccasionType, OrderPaymentStatus, OrderStatus, ProductStatus
from racks.models import Rack, RackOrder, RackProduct
from racks.services import MAX_CART_LINES, MAX_LINE_QUANTITY, CartLine, OrderRequest, SurpriseGift

MAX_MONEY = Decimal("99999999.99")
MAX_MEDIA = 20


class BlankAsNullField(serializers.ReadOnlyField):
    """Our empty text is the legacy's null (the screens test `field && ...`)."""

    def to_representation(self, value: Any) -> Any:
        return str(value) if value else None


class TextField(serializers.CharField):
    """Optional text the screens send as a string, "", null or leave out: stored as ""."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(allow_blank=True, allow_null=True, **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is None:
            return ""
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> str:
        return str(super().to_internal_value(data)).strip()


class MoneyField(serializers.DecimalField):
    """Rupees from a JSON number (parseFloat on the admin form), rounded half up to the paisa."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_digits=None,
            decimal_places=None,
            min_value=Decimal("0"),
            max_value=MAX_MONEY,
            **kwargs,
        )

    def to_internal_value(self, data: Any) -> Decimal:
        value: Decimal = super().to_internal_value(data)
        return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _drop_nulls(values: dict[str, Any], initial: Any) -> dict[str, Any]:
    """The legacy's PATCH changed only the fields sent with a value (null meant "keep")."""
    sent = initial if isinstance(initial, dict) else {}
    return {name: value for name, value in values.items() if sent.get(name) is not None}


# --- Racks and products --------------------------------------------------------------------


class RackWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    code = serializers.RegexField(r"^[A-Za-z0-9_-]+$", max_length=64)
    description = TextField()
    location = TextField(max_length=255)
    category_name = TextField(max_length=255)
    category_image_url = TextField(max_length=500)
    active = serializers.BooleanField(required=False, allow_null=True)

    def values(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if self.partial:
            return _drop_nulls(data, self.initial_data)
        if data.get("active") is None:
            data["active"] = True
        return data


class ProductWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=255)
    description = TextField()
    image_url = TextField(max_length=500)
    images = serializers.ListField(
        child=serializers.CharField(max_length=500),
        max_length=MAX_MEDIA,
        required=False,
        allow_null=True,
    )
    videos = serializers.ListField(
        child=serializers.CharField(max_length=500),
        max_length=MAX_MEDIA,
        required=False,
        allow_null=True,
    )
    price = MoneyField()
    stock_quantity = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True
    )
    delivery_time = TextField(max_length=100)
    category = TextField(max_length=100)
    # A plain string with its values checked (not a ChoiceField): an enum of its own named
    # "status" would collide with the other apps' in the OpenAPI schema.
    status = serializers.CharField(max_length=32, required=False, allow_null=True)

    def validate_status(self, value: str | None) -> str | None:
        if value is not None and value not in ProductStatus.values:
            raise serializers.ValidationError(f"One of {', '.join(ProductStatus.values)}.")
        return value

    def values(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if self.partial:
            return _drop_nulls(data, self.initial_data)
        data["images"] = data.get("images") or []
        data["videos"] = data.get("videos") or []
        if data.get("stock_quantity") is None:
            data["stock_quantity"] = 0
        if data.get("status") is None:
            data["status"] = ProductStatus.ACTIVE
        return data


class RackProductSerializer(serializers.ModelSerializer[RackProduct]):
    rack_id = serializers.IntegerField(read_only=True)
    description = BlankAsNullField()
    image_url = BlankAsNullField()
    images = serializers.SerializerMethodField()
    videos = serializers.SerializerMethodField()
    price = serializers.FloatField(read_only=True)
    delivery_time = BlankAsNullField()
    category = BlankAsNullField()
    status = serializers.CharField(read_only=True)
    created_at = NaiveUtcDateTimeField(read_only=True)
    updated_at = NaiveUtcDateTimeField(read_only=True)

    class Meta:
        model = RackProduct
        fields = [
            "id",
            "rack_id",
            "name",
            "description",
            "image_url",
            "images",
            "videos",
            "price",
            "stock_quantity",
            "delivery_time",
            "category",
            "status",
            "created_at",
            "updated_at",
        ]

    def get_images(self, product: RackProduct) -> list[str]:
        # The legacy's rule: the saved list, else the one image_url, else nothing.
        if product.images:
            return list(product.images)
        return [product.image_url] if product.image_url else []

    def get_videos(self, product: RackProduct) -> list[str]:
        return list(product.videos or [])


class RackSerializer(serializers.ModelSerializer[Rack]):
    description = BlankAsNullField()
    location = BlankAsNullField()
    category_name = BlankAsNullField()
    category_image_url = BlankAsNullField()
    qr_code_url = BlankAsNullField()
    created_at = NaiveUtcDateTimeField(read_only=True)
    updated_at = NaiveUtcDateTimeField(read_only=True)
    products = serializers.SerializerMethodField()

    class Meta:
        model = Rack
        fields = [
            "id",
            "name",
            "code",
            "description",
            "location",
            "category_name",
            "category_image_url",
            "qr_code_url",
            "active",
            "created_at",
            "updated_at",
            "products",
        ]

    def get_products(self, rack: Rack) -> list[dict[str, Any]]:
        # Read pages prefetch `product_list` (bounded); a write's answer reads them fresh.
        products = getattr(rack, "product_list", None)
        if products is None:
            products = list(rack.products.order_by("id"))
        return RackProductSerializer(products, many=True).data  # type: ignore[return-value]


class ListQuerySerializer(serializers.Serializer[Any]):
    active_only = serializers.BooleanField(default=True)


class ProductListQuerySerializer(serializers.Serializer[Any]):
    active_only = serializers.BooleanField(default=True)
    status_filter = serializers.CharField(required=False, allow_blank=True, default="active")


class RackQrSerializer(serializers.Serializer[Any]):
    """The legacy's {qr_code_base64, qr_code_url, rack_url}, with the HEAD screen's success
    and existing. Both images are the PNG data URI: the screen uses qr_code_base64 as a link
    and an <Image> source and splits the base64 off it after the comma."""

    success = serializers.BooleanField(default=True)
    qr_code_base64 = serializers.CharField(source="png_data_uri")
    qr_code_url = serializers.CharField(source="png_data_uri")
    rack_url = serializers.CharField()
    existing = serializers.BooleanField(default=False)


# --- Orders ------------------------------------------------------------------------------------


def _parse_day(value: Any) -> date | None:
    """A date from the form ("2026-05-01") or an ISO datetime (the legacy took both; it
    stored an unreadable one as nothing, we say so)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError as exc:
        raise serializers.ValidationError("Not a date (YYYY-MM-DD).") from exc


def _gift(data: Any) -> SurpriseGift:
    return SurpriseGift(
        recipient_name=data.get("recipient_name") or "",
        recipient_mobile=data.get("recipient_mobile") or "",
        delivery_address=data.get("delivery_address") or "",
        pin_code=data.get("pin_code") or "",
        city=data.get("city") or "",
        state=data.get("state") or "",
        occasion_type=data.get("occasion_type") or "",
        birthday_date=data.get("birthday_date"),
        personal_message=data.get("personal_message") or "",
    )


class SurpriseGiftSerializer(serializers.Serializer[Any]):
    """POST /racks/orders/{id}/surprise-gift-details (surprise-gift.tsx): all but the last
    three required, as the legacy's schema and the form's own checks."""

    recipient_name = serializers.CharField(max_length=255)
    recipient_mobile: serializers.CharField = serializers.RegexField(
        r"^\+?[0-9 -]{6,20}$", max_length=20
    )
    delivery_address = serializers.CharField(max_length=2000)
    pin_code = serializers.CharField(max_length=10)
    city = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=100)
    occasion_type = serializers.ChoiceField(
        choices=OccasionType.choices, required=False, allow_null=True, allow_blank=True
    )
    birthday_date = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    personal_message = TextField(max_length=2000)

    def validate_birthday_date(self, value: Any) -> date | None:
        return _parse_day(value)

    def gift(self) -> SurpriseGift:
        return _gift(self.validated_data)


class OptionalGiftSerializer(SurpriseGiftSerializer):
    """The order's own `surprise_gift` (payment-main.tsx sends null today): every part
    optional."""

    recipient_name = TextField(max_length=255)
    recipient_mobile = TextField(max_length=20)
    delivery_address = TextField(max_length=2000)
    pin_code = TextField(max_length=10)
    city = TextField(max_length=100)
    state = TextField(max_length=100)


class CartItemSerializer(serializers.Serializer[Any]):
    """One cart line ([rackId].tsx: {product_id, name, price, quantity, subtotal}); only the
    product and the quantity are read: names and prices are ours."""

    product_id = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_LINE_QUANTITY)


class OrderCreateSerializer(serializers.Serializer[Any]):
    rack_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    cart_items = CartItemSerializer(many=True)
    # The browser's figures: accepted for compatibility, never trusted.
    total_amount = serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True
    )
    original_amount = serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True
    )
    discount_amount = serializers.DecimalField(
        max_digits=None, decimal_places=None, required=False, allow_null=True
    )
    applied_offer_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    surprise_gift = OptionalGiftSerializer(required=False, allow_null=True)
    payment_id = serializers.CharField(
        max_length=100, required=False, allow_null=True, allow_blank=True
    )

    def validate_cart_items(self, items: list[Any]) -> list[Any]:
        if len(items) > MAX_CART_LINES:
            raise serializers.ValidationError(f"At most {MAX_CART_LINES} products.")
        return items

    def order_request(self) -> OrderRequest:
        data = self.validated_data
        gift_data = data.get("surprise_gift")
        gift = _gift(gift_data) if gift_data else None
        return OrderRequest(
            rack_id=data.get("rack_id"),
            lines=[
                CartLine(product_id=item["product_id"], quantity=item["quantity"])
                for item in data["cart_items"]
            ],
            applied_offer_id=data.get("applied_offer_id"),
            gift=gift if gift != SurpriseGift() else None,
            payment_ref=data.get("payment_id") or None,
            client_total=data.get("total_amount"),
        )


class RackOrderSerializer(serializers.ModelSerializer[RackOrder]):
    user_id = serializers.IntegerField(read_only=True)
    rack_id = serializers.IntegerField(read_only=True)
    total_amount = serializers.FloatField(read_only=True)
    original_amount = serializers.FloatField(read_only=True)
    discount_amount = serializers.FloatField(read_only=True)
    paid_amount = serializers.FloatField(read_only=True)
    items_json = serializers.SerializerMethodField()
    recipient_name = BlankAsNullField()
    recipient_mobile = BlankAsNullField()
    delivery_address = BlankAsNullField()
    pin_code = BlankAsNullField()
    city = BlankAsNullField()
    state = BlankAsNullField()
    occasion_type = BlankAsNullField()
    birthday_date = serializers.DateField(read_only=True)
    personal_message = BlankAsNullField()
    payment_id = serializers.SerializerMethodField()
    razorpay_order_id = serializers.SerializerMethodField()
    created_at = NaiveUtcDateTimeField(read_only=True)
    updated_at = NaiveUtcDateTimeField(read_only=True)
    surprise_gift_name = BlankAsNullField()
    surprise_gift_image_url = BlankAsNullField()

    class Meta:
        model = RackOrder
        fields = [
            "id",
            "user_id",
            "rack_id",
            "order_reference",
            "total_amount",
            "original_amount",
            "items_json",
            "applied_offer_id",
            "discount_amount",
            "paid_amount",
            "is_surprise_gift",
            "recipient_name",
            "recipient_mobile",
            "delivery_address",
            "pin_code",
            "city",
            "state",
            "occasion_type",
            "birthday_date",
            "personal_message",
            "payment_id",
            "payment_status",
            "status",
            "created_at",
            "updated_at",
            "surprise_gift_name",
            "surprise_gift_image_url",
            "razorpay_order_id",
        ]

    def get_items_json(self, order: RackOrder) -> list[dict[str, Any]]:
        return [
            {
                "product_id": line.product_id,
                "name": line.product_name,
                "price": float(line.unit_price),
                "quantity": line.quantity,
                "subtotal": float(line.subtotal),
            }
            for line in order.lines.all()
        ]

    def get_payment_id(self, order: RackOrder) -> str | None:
        if order.payment is not None:
            return order.payment.provider_payment_id or None
        return order.legacy_payment_ref or None

    def get_razorpay_order_id(self, order: RackOrder) -> str | None:
        """For an order made before paying: the Razorpay order the checkout opens."""
        return order.payment.order_id if order.payment is not None else None


class StaffRackOrderSerializer(RackOrderSerializer):
    user_name = serializers.SerializerMethodField()
    user_mobile = serializers.CharField(source="user.mobile", read_only=True)

    class Meta(RackOrderSerializer.Meta):
        fields = ["user_name", "user_mobile", *RackOrderSerializer.Meta.fields]

    def get_user_name(self, order: RackOrder) -> str:
        user = order.user
        full = f"{user.first_name} {user.last_name}".strip()
        return full or user.username or "Unknown"


class StaffOrderQuerySerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=OrderStatus.choices, required=False, allow_blank=True)
    payment_status = serializers.ChoiceField(
        choices=OrderPaymentStatus.choices, required=False, allow_blank=True
    )
    page = serializers.IntegerField(min_value=1, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=500, default=200)
