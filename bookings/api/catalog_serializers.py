"""Shapes of the staff catalog screens (app/admin/items/*) and of item media (lib/api.ts
ItemMediaAPI, components/item/ItemMediaViewer.tsx)."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from accounts.models import VendorProfile
from bookings.catalog_services import (
    MAX_MARKUP_PERCENT,
    MAX_PRICE,
    TEXT_FIELDS,
    ItemChanges,
    parse_profile,
)
from bookings.choices import ItemStatus
from bookings.models import Item, ItemMedia, Space
from bookings.models.catalog import MAX_PREPARATION_MINUTES
from lebrq.api.serializers import LegacyModelSerializer

ZERO = Decimal("0")


class StaffItemSerializer(LegacyModelSerializer[Item]):
    """An item as the staff screens read it: the legacy's list fields plus the pricing ones
    of its ItemResponse (vendor_price, admin_markup_percent, profit_amount, profit_margin).

    `vendor_price` is a number, 0 when the item has none (the legacy schema's default): the
    list screen calls vendor_price.toFixed(2) on anything not undefined, so a null would
    break it.
    """

    type = serializers.CharField(source="item_type")
    vendor_price = serializers.SerializerMethodField()
    profit_amount = serializers.SerializerMethodField()
    profit_margin = serializers.SerializerMethodField()

    class Meta:
        model = Item
        fields = [
            "id",
            "name",
            "description",
            "price",
            "vendor_price",
            "admin_markup_percent",
            "profit_amount",
            "profit_margin",
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
            "available",
            "item_status",
            "preparation_time_minutes",
            "base_hours_included",
            "rate_per_extra_hour",
            "is_eligible_for_space_offer",
            "created_at",
            "updated_at",
        ]

    def get_vendor_price(self, item: Item) -> Decimal:
        return item.vendor_price if item.vendor_price is not None else ZERO

    def get_profit_amount(self, item: Item) -> Decimal:
        if item.vendor_price is None:
            return ZERO
        return (item.price - item.vendor_price).quantize(Decimal("0.01"))

    def get_profit_margin(self, item: Item) -> Decimal:
        """Profit as a percentage of the customer's price, as the legacy computed it."""
        if item.vendor_price is None or not item.price:
            return ZERO
        profit = item.price - item.vendor_price
        return (profit * 100 / item.price).quantize(Decimal("0.01"))


class StaffItemListSerializer(serializers.Serializer[Any]):
    items = StaffItemSerializer(many=True)
    count = serializers.IntegerField(help_text="Items matching the filters (the list is capped).")


def _blank_to_none(data: Any, names: tuple[str, ...]) -> Any:
    """Form bodies send "" for an empty select; those ids mean none."""
    if not isinstance(data, dict):  # QueryDict is one too
        return data  # not an object: the serializer answers 400 for it
    data = data.copy()
    for name in names:
        if data.get(name) == "":
            data[name] = None
    return data


class _ItemFieldsSerializer(serializers.Serializer[Any]):
    """The fields both item forms may send, all optional and nullable (the screens send null
    for a cleared field: EditItemModal.tsx handleSave)."""

    name = serializers.CharField(required=False, allow_null=True, max_length=255)
    main_category = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=64
    )
    category = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=64
    )
    subcategory = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=64
    )
    description = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, trim_whitespace=False
    )
    image_url = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=500
    )
    video_url = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=500
    )
    profile_image_url = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=500
    )
    profile_info = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, trim_whitespace=False
    )
    performance_team_profile = serializers.JSONField(required=False, allow_null=True)
    vendor_id = serializers.PrimaryKeyRelatedField(
        queryset=VendorProfile.objects.all(), required=False, allow_null=True, source="vendor"
    )
    space_id = serializers.PrimaryKeyRelatedField(
        queryset=Space.objects.all(), required=False, allow_null=True, source="space"
    )
    available = serializers.BooleanField(required=False, allow_null=True)

    def validate_name(self, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise serializers.ValidationError("Name cannot be empty")
        return value.strip() if value is not None else None

    def changes(self) -> ItemChanges:
        """The model's field names and values; nulls clear text and links, and leave
        numbers, flags and the name as they are."""
        values: dict[str, Any] = {}
        for key, value in self.validated_data.items():
            name = "item_type" if key in {"type", "item_type"} else key
            if name in TEXT_FIELDS:
                values[name] = value or ""
            elif name in {"vendor", "space"}:
                values[name] = value
            elif name == "performance_team_profile":
                values[name] = parse_profile(value)
            elif value is not None:
                values[name] = value
        return ItemChanges(values)


class StaffItemCreateSerializer(_ItemFieldsSerializer):
    """POST /admin/items: the create form, form-urlencoded (index.tsx handleCreate)."""

    name = serializers.CharField(max_length=255)
    price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_PRICE,
        error_messages={"min_value": "Price must be greater than 0"},
    )
    item_type = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=32
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "data" in kwargs:
            kwargs["data"] = _blank_to_none(kwargs["data"], ("vendor_id", "space_id"))
        super().__init__(*args, **kwargs)


class StaffItemUpdateSerializer(_ItemFieldsSerializer):
    """PUT /admin/catalog/items/{id}: JSON, only what changes (EditItemModal.tsx sends the
    pricing, preparation time, status, media URLs and the team profile)."""

    type = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=32)
    vendor_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=ZERO,
        max_value=MAX_PRICE,
        required=False,
        allow_null=True,
    )
    admin_markup_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        min_value=ZERO,
        max_value=MAX_MARKUP_PERCENT,
        required=False,
        allow_null=True,
    )
    item_status = serializers.ChoiceField(
        choices=ItemStatus.choices, required=False, allow_null=True
    )
    preparation_time_minutes = serializers.IntegerField(
        min_value=0, max_value=MAX_PREPARATION_MINUTES, required=False, allow_null=True
    )
    base_hours_included = serializers.IntegerField(
        min_value=0, max_value=24 * 365, required=False, allow_null=True
    )
    rate_per_extra_hour = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=ZERO,
        max_value=MAX_PRICE,
        required=False,
        allow_null=True,
    )
    is_eligible_for_space_offer = serializers.BooleanField(required=False, allow_null=True)


class _BulkScopeSerializer(serializers.Serializer[Any]):
    vendor_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    item_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        max_length=5000,
    )


class BulkMarkupSerializer(_BulkScopeSerializer):
    markup_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=ZERO, max_value=MAX_MARKUP_PERCENT
    )


class BulkPreparationTimeSerializer(_BulkScopeSerializer):
    preparation_time_minutes = serializers.IntegerField(
        min_value=0, max_value=MAX_PREPARATION_MINUTES
    )


class BulkResultSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()
    updated_count = serializers.IntegerField()
    items = StaffItemSerializer(many=True)


class ItemMediaSerializer(LegacyModelSerializer[ItemMedia]):
    """One picture or video as ItemMediaViewer reads it; `file_url` is absolute (the viewer
    prefixes anything else with /static/)."""

    file_path = serializers.CharField(source="upload.file.name")
    file_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    description = serializers.SerializerMethodField()

    class Meta:
        model = ItemMedia
        fields = [
            "id",
            "item_id",
            "media_type",
            "file_path",
            "file_url",
            "thumbnail_url",
            "is_primary",
            "display_order",
            "title",
            "description",
            "created_at",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_file_url(self, media: ItemMedia) -> str:
        return self._absolute(media.upload.get_absolute_url())

    def get_thumbnail_url(self, media: ItemMedia) -> str | None:
        path = media.upload.get_thumbnail_url()
        return self._absolute(path) if path else None

    def get_title(self, media: ItemMedia) -> str | None:
        return media.title or None

    def get_description(self, media: ItemMedia) -> str | None:
        return media.description or None


class ItemMediaListSerializer(serializers.Serializer[Any]):
    media = ItemMediaSerializer(many=True)


class ItemMediaUploadResultSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    media = ItemMediaSerializer(many=True)


class ItemMediaEditSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)
    description = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=5000
    )


class ItemMediaOrderSerializer(serializers.Serializer[Any]):
    media_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=200
    )
