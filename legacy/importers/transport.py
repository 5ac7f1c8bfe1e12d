"""vehicles, vehicle_bookings (transport/README.md)."""

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.files import FileNotFound
from legacy.importers.base import TableImporter
from legacy.source import Row
from uploads.services import DATA_URI

VEHICLE_BOOKING_STATUSES = {"pending", "confirmed", "completed", "cancelled"}
_RATES = ("base_fare", "per_km_rate", "extra_charges", "waiting_charges_per_hour", "night_charges")
_COSTS = ("base_fare", "per_km_rate", "calculated_cost", "total_amount")


def _stamps(row: Row) -> tuple[Any, Any]:
    made = c.utc_aware(row["created_at"]) or timezone.now()
    return made, c.utc_aware(row["updated_at"]) or made


def _amount(column: str, value: Any) -> Decimal:
    amount = c.money(value, default=Decimal("0"))
    if amount < 0:
        raise c.Invalid(column, f"{amount} is negative")
    return amount


class VehiclesImporter(TableImporter):
    table = "vehicles"
    model_label = "transport.Vehicle"
    domain = "transport"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "vehicle_name", "vehicle_capacity", "minimum_km", "description",
                          "is_active", "created_at", "updated_at", *_RATES)},
        "vendor_id": "vendor",
        "vehicle_image": "image (the file copied from --files, a public upload)",
        "peak_hour_multiplier": "peak_hour_multiplier (empty: 1.00)",
    }  # fmt: skip
    money: ClassVar[dict[str, str]] = {"base_fare": "base_fare", "per_km_rate": "per_km_rate"}

    def convert(self, row: Row) -> models.Model:
        from transport.models import Vehicle

        ctx = self.ctx
        capacity = int(row["vehicle_capacity"] or 0)
        if capacity < 1:
            raise c.Invalid("vehicle_capacity", f"{capacity} seats")
        multiplier = c.money(row["peak_hour_multiplier"], default=Decimal("1.00"))
        if not Decimal("1.00") <= multiplier <= Decimal("3.00"):
            multiplier = ctx.problem(
                "peak_hour_multiplier",
                f"{multiplier} is out of 1.00..3.00",
                min(max(multiplier, Decimal("1.00")), Decimal("3.00")),
                "clamped to 1.00..3.00",
            )
        created, updated = _stamps(row)
        return Vehicle(
            id=row["id"],
            vehicle_name=c.bounded("vehicle_name", row["vehicle_name"], 100),
            vehicle_capacity=capacity,
            **{name: _amount(name, row[name]) for name in _RATES},
            minimum_km=max(int(row["minimum_km"] or 0), 0),
            image=self._image(row["vehicle_image"]),
            peak_hour_multiplier=multiplier,
            description=c.text(row["description"]),
            is_active=c.flag(row["is_active"], True),
            vendor_id=ctx.maybe_parent("vendor_id", "vendor_profiles", row["vendor_id"]),
            created_at=created,
            updated_at=updated,
        )

    def _image(self, value: str | None) -> Any:
        reference = c.text(value).strip()
        if not reference or reference.startswith(("http://", "https://")):
            # An absolute URL elsewhere has no file here; our vehicles show uploads only.
            if reference:
                self.ctx.problem("vehicle_image", "a URL on another site", None, "picture dropped")
            return None
        try:
            if DATA_URI.match(reference):
                return self.ctx.files.store_data_uri(reference, owner=None)
            return self.ctx.files.store_path(reference, owner=None)
        except (FileNotFound, ValueError) as exc:
            self.ctx.report.files["missing"] += 1
            return self.ctx.problem("vehicle_image", str(exc), None, "picture dropped")

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.vehicle_name, obj.vehicle_capacity, obj.base_fare, obj.per_km_rate,
                obj.peak_hour_multiplier, obj.vendor_id, obj.image_id is not None)  # fmt: skip


class VehicleBookingsImporter(TableImporter):
    table = "vehicle_bookings"
    model_label = "transport.VehicleBooking"
    domain = "transport"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "number_of_guests", "guest_contact_number", "pickup_location",
                          "drop_location", "estimated_distance_km", "extra_charges",
                          "driver_assigned", "notes", "created_at", "updated_at", *_COSTS)},
        "booking_id": "booking",
        "vehicle_id": "vehicle",
        "booking_status": "booking_status (empty: pending)",
    }  # fmt: skip
    money: ClassVar[dict[str, str]] = {"total_amount": "total_amount"}

    def convert(self, row: Row) -> models.Model:
        from transport.models import VehicleBooking

        ctx = self.ctx
        guests = int(row["number_of_guests"] or 0)
        if guests < 1:
            raise c.Invalid("number_of_guests", f"{guests} guests")
        distance = row["estimated_distance_km"]
        status = c.text(row["booking_status"]).strip() or "pending"
        created, updated = _stamps(row)
        return VehicleBooking(
            id=row["id"],
            booking_id=ctx.parent("booking_id", "bookings", row["booking_id"]),
            vehicle_id=ctx.parent("vehicle_id", "vehicles", row["vehicle_id"]),
            number_of_guests=guests,
            guest_contact_number=c.bounded("guest_contact_number", row["guest_contact_number"], 15),
            pickup_location=c.bounded("pickup_location", row["pickup_location"], 500),
            drop_location=c.bounded("drop_location", row["drop_location"], 500),
            estimated_distance_km=None if distance is None else _amount("distance", distance),
            **{name: _amount(name, row[name]) for name in _COSTS},
            extra_charges=_amount("extra_charges", row["extra_charges"]),
            booking_status=ctx.choose(
                "booking_status", VEHICLE_BOOKING_STATUSES, status, "pending", "pending"
            ),
            driver_assigned=c.bounded("driver_assigned", row["driver_assigned"], 100),
            notes=c.text(row["notes"]),
            created_at=created,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_id, obj.vehicle_id, obj.number_of_guests, obj.total_amount,
                obj.calculated_cost, obj.booking_status)  # fmt: skip
