"""Shapes of the transport endpoints, as the legacy's schemas/vehicles.py and the call sites
(app/admin/transportation/index.tsx, components/TransportationSection.tsx, payment-main.tsx)
read and send them."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rest_framework import serializers

from lebrq.api.fields import VenueLocalDateTimeField
from lebrq.api.serializers import LegacyModelSerializer
from transport.locations import Distance
from transport.models import Vehicle, VehicleBooking
from transport.providers import Place
from transport.services import VehicleBookingRequest

MAX_MONEY = Decimal("99999999.99")


class RoundedDecimalField(serializers.DecimalField):
    """A number from JSON or a numeric string, rounded half up to `places` (the admin form
    sends parseFloat values; the legacy's Numeric columns rounded them too)."""

    def __init__(self, *, places: int = 2, **kwargs: Any) -> None:
        self.step = Decimal(1).scaleb(-places)
        super().__init__(max_digits=None, decimal_places=None, **kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        value: Decimal = super().to_internal_value(data)
        return value.quantize(self.step, rounding=ROUND_HALF_UP)


class MoneyField(RoundedDecimalField):
    """Rupees to the paisa, never negative."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", MAX_MONEY)
        super().__init__(places=2, **kwargs)


# --- Vehicles ------------------------------------------------------------------------------


class VehicleSerializer(LegacyModelSerializer[Vehicle]):
    """VehicleResponse: what the staff screen's Vehicle interface and the customers' vehicle
    cards read (vehicle_image is a path the frontend prefixes with STATIC_BASE_URL)."""

    vehicle_image = serializers.CharField(source="image_url", allow_null=True, read_only=True)
    description = serializers.SerializerMethodField()

    class Meta:
        model = Vehicle
        fields = [
            "id",
            "vehicle_name",
            "vehicle_capacity",
            "base_fare",
            "per_km_rate",
            "minimum_km",
            "vehicle_image",
            "extra_charges",
            "waiting_charges_per_hour",
            "night_charges",
            "peak_hour_multiplier",
            "description",
            "is_active",
            "vendor_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_description(self, vehicle: Vehicle) -> str | None:
        return vehicle.description or None


class VehicleWriteSerializer(serializers.Serializer[Any]):
    """VehicleCreate / VehicleUpdate. The form sends every field, parsed numbers, null for an
    empty description or vendor; on create, a null optional number takes its default."""

    vehicle_name = serializers.CharField(max_length=100, trim_whitespace=True)
    vehicle_capacity = serializers.IntegerField(min_value=1, max_value=100_000)
    base_fare = MoneyField()
    per_km_rate = MoneyField()
    minimum_km = serializers.IntegerField(
        min_value=0, max_value=100_000, required=False, allow_null=True
    )
    extra_charges = MoneyField(required=False, allow_null=True)
    waiting_charges_per_hour = MoneyField(required=False, allow_null=True)
    night_charges = MoneyField(required=False, allow_null=True)
    peak_hour_multiplier = RoundedDecimalField(
        min_value=Decimal("1.00"), max_value=Decimal("3.00"), required=False, allow_null=True
    )
    description = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=5000
    )
    is_active = serializers.BooleanField(required=False, allow_null=True)
    vendor_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)

    def values(self) -> dict[str, object]:
        """The fields given, nulls dropped (a null keeps the default or the stored value),
        except description, where null clears it."""
        data = dict(self.validated_data)
        data.pop("vendor_id", None)
        values: dict[str, object] = {k: v for k, v in data.items() if v is not None}
        if "description" in data:
            values["description"] = data["description"] or ""
        return values

    def vendor(self) -> tuple[int | None, bool]:
        """(vendor id, whether the body named it)."""
        return self.validated_data.get("vendor_id"), "vendor_id" in self.validated_data


def success(message: str, code: str, data: dict[str, Any]) -> dict[str, Any]:
    """The legacy's create_success_response: the screens read success, message, data.id."""
    return {"success": True, "message": message, "code": code, "data": data}


class AvailableQuerySerializer(serializers.Serializer[Any]):
    """GET /vehicles/available?guests=N; the window (start_datetime and end_datetime, naive
    means venue-local) is ours, optional: with it, vehicles booked then are left out."""

    guests = serializers.IntegerField(min_value=1, max_value=100_000)
    start_datetime = VenueLocalDateTimeField(required=False)
    end_datetime = VenueLocalDateTimeField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("start_datetime"), attrs.get("end_datetime")
        if (start is None) != (end is None):
            raise serializers.ValidationError(
                {"end_datetime": ["Send both start_datetime and end_datetime, or neither."]}
            )
        if start is not None and end is not None and end <= start:
            raise serializers.ValidationError({"end_datetime": ["Must be after start_datetime."]})
        return attrs


class StaffListQuerySerializer(serializers.Serializer[Any]):
    skip = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    limit = serializers.IntegerField(min_value=1, default=100)
    active_only = serializers.BooleanField(default=False)
    min_capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)


# --- Vehicle bookings ---------------------------------------------------------------------


class VehicleBookingCreateSerializer(serializers.Serializer[Any]):
    """payment-main.tsx's vehicleBookingPayload. Its prices (base_fare, per_km_rate,
    calculated_cost, total_amount), estimated_distance_km and booking_status are read and
    ignored: the server measures and prices (transport.pricing)."""

    booking_id = serializers.IntegerField(min_value=1)
    vehicle_id = serializers.IntegerField(min_value=1)
    number_of_guests = serializers.IntegerField(min_value=1, max_value=100_000)
    guest_contact_number = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=32
    )
    pickup_location = serializers.CharField(max_length=500)
    drop_location = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=500
    )
    estimated_distance_km = serializers.FloatField(required=False, allow_null=True)
    notes = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=2000
    )

    def booking_request(self) -> VehicleBookingRequest:
        data = self.validated_data
        return VehicleBookingRequest(
            booking_id=data["booking_id"],
            vehicle_id=data["vehicle_id"],
            number_of_guests=data["number_of_guests"],
            guest_contact_number=data.get("guest_contact_number") or "",
            pickup_location=data["pickup_location"],
            drop_location=data.get("drop_location") or "",
            notes=data.get("notes") or "",
        )


class VehicleBookingSerializer(LegacyModelSerializer[VehicleBooking]):
    """VehicleBookingResponse."""

    drop_location = serializers.SerializerMethodField()
    driver_assigned = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()

    class Meta:
        model = VehicleBooking
        fields = [
            "id",
            "booking_id",
            "vehicle_id",
            "number_of_guests",
            "guest_contact_number",
            "pickup_location",
            "drop_location",
            "estimated_distance_km",
            "base_fare",
            "per_km_rate",
            "calculated_cost",
            "extra_charges",
            "total_amount",
            "booking_status",
            "driver_assigned",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_drop_location(self, row: VehicleBooking) -> str | None:
        return row.drop_location or None

    def get_driver_assigned(self, row: VehicleBooking) -> str | None:
        return row.driver_assigned or None

    def get_notes(self, row: VehicleBooking) -> str | None:
        return row.notes or None


# --- Locations -----------------------------------------------------------------------------


class AutocompleteQuerySerializer(serializers.Serializer[Any]):
    input = serializers.CharField(min_length=3, max_length=200)
    components = serializers.RegexField(
        r"^country:[A-Za-z]{2}(,[A-Za-z]{2})*$", required=False, max_length=100
    )


class DistanceQuerySerializer(serializers.Serializer[Any]):
    origin = serializers.CharField(max_length=500)
    destination = serializers.CharField(max_length=500)
    mode = serializers.CharField(required=False, default="driving", max_length=20)


def prediction(place: Place) -> dict[str, Any]:
    """One suggestion in the legacy's Google-like form (TransportationSection reads
    description, place_id, structured_formatting, lat, lon)."""
    parts = place.display_name.split(",")
    return {
        "description": place.display_name,
        "place_id": f"osm_{place.osm_type}_{place.osm_id}",
        "structured_formatting": {
            "main_text": place.name or parts[0],
            "secondary_text": ", ".join(part.strip() for part in parts[1:]),
        },
        "lat": place.lat,
        "lon": place.lon,
    }


def distance_body(result: Distance) -> dict[str, Any]:
    return {
        "origin": result.origin,
        "destination": result.destination,
        "distance_km": float(result.distance_km),
        "distance_text": result.distance_text,
        "duration_seconds": result.duration_seconds,
        "duration_text": result.duration_text,
        "mode": result.mode,
    }
