"""Input and output shapes of the staff screens' space and booking edits (the legacy bodies)."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from bookings.services import StaffBookingChanges

# null in a text field is "" (the new-space screen sends description: null, image_url: null).
NULL_AS_EMPTY = ("description", "image_url")
OPTION_TABLES = ("features", "pricing_overrides", "event_types", "stage_options", "banner_sizes")


class SpaceWriteSerializer(serializers.Serializer[Any]):
    """POST /venues/{id}/spaces and PATCH /venues/spaces/{id}. The option tables are checked
    against their schema by the service (bookings.space_options)."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True, allow_null=True, required=False)
    capacity = serializers.IntegerField(min_value=0, required=False)
    price_per_hour = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False
    )
    image_url = serializers.CharField(
        max_length=500, allow_blank=True, allow_null=True, required=False
    )
    features = serializers.JSONField(allow_null=True, required=False)
    pricing_overrides = serializers.JSONField(allow_null=True, required=False)
    event_types = serializers.JSONField(allow_null=True, required=False)
    stage_options = serializers.JSONField(allow_null=True, required=False)
    banner_sizes = serializers.JSONField(allow_null=True, required=False)
    active = serializers.BooleanField(required=False)
    features_remove_ids = serializers.ListField(
        child=serializers.CharField(max_length=200),
        max_length=500,
        required=False,
        help_text="PATCH: drop these features by id without resending the list.",
    )

    def values(self) -> dict[str, Any]:
        """The sent Space fields, legacy nulls made empty."""
        data = dict(self.validated_data)
        data.pop("features_remove_ids", None)
        for field in NULL_AS_EMPTY:
            if field in data and data[field] is None:
                data[field] = ""
        # A null capacity or price (the legacy's optional fields) leaves them as they are.
        for field in ("capacity", "price_per_hour"):
            if field in data and data[field] is None:
                del data[field]
        return data

    def remove_feature_ids(self) -> list[str]:
        ids: list[str] = self.validated_data.get("features_remove_ids", [])
        return ids


class StaffBookingUpdateSerializer(serializers.Serializer[Any]):
    """PATCH /admin/bookings/{id}: the booking screen sends {admin_note}; the legacy took these
    fields too. Changes that move the price go through PATCH /bookings/{id} (repriced)."""

    admin_note = serializers.CharField(allow_blank=True, allow_null=True, required=False)
    customer_note = serializers.CharField(allow_blank=True, allow_null=True, required=False)
    attendees = serializers.IntegerField(min_value=0, max_value=100000, required=False)
    status = serializers.CharField(max_length=32, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "event_type" in self.initial_data:
            raise serializers.ValidationError(
                {"event_type": ["It changes the price: edit the booking (PATCH /bookings/{id})."]}
            )
        return attrs

    def changes(self) -> StaffBookingChanges:
        data = self.validated_data
        return StaffBookingChanges(
            admin_note=_text(data, "admin_note"),
            customer_note=_text(data, "customer_note"),
            attendees=data.get("attendees"),
            status=data.get("status"),
        )


def _text(data: dict[str, Any], field: str) -> str | None:
    """A sent null clears the note; a field not sent is left as it is."""
    if field not in data:
        return None
    value: str | None = data[field]
    return value or ""


class StaffBookingUpdateResultSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(default=True)
    booking_id = serializers.IntegerField()
    status = serializers.CharField()


class AutoApproveSerializer(serializers.Serializer[Any]):
    """The legacy read body.get('enabled', False) and stored its truth."""

    enabled = serializers.BooleanField(default=False)


class AutoApproveResultSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(default=True)
    enabled = serializers.BooleanField()


class OkMessageSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField(default=True)
    message = serializers.CharField()
