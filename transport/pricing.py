"""The price of a vehicle booking, computed here as the transport screens show it to the
customer (TransportationSection.tsx selectVehicle, jockey-night.tsx and live-show.tsx
transportEstimate): base fare + per-km rate x distance, rounded to whole rupees
(Math.round: halves up). The distance is the server's own (transport.locations), never the
browser's; the browser's base_fare, per_km_rate, calculated_cost and total_amount are ignored.

The vehicle's other fields (minimum_km, extra, waiting and night charges, peak multiplier)
belong to the legacy's /vehicles/calculate-price, which no screen calls: the customer was
never shown them, so they are not charged here; staff quote them on the booking if they apply.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from transport.models import Vehicle

RUPEE = Decimal("1")
PAISA = Decimal("0.01")


@dataclass(frozen=True)
class TripPrice:
    base_fare: Decimal
    per_km_rate: Decimal
    distance_km: Decimal
    total: Decimal


def trip_price(vehicle: Vehicle, distance_km: Decimal) -> TripPrice:
    raw = vehicle.base_fare + vehicle.per_km_rate * distance_km
    total = max(Decimal("0"), raw).quantize(RUPEE, rounding=ROUND_HALF_UP)
    return TripPrice(
        base_fare=vehicle.base_fare,
        per_km_rate=vehicle.per_km_rate,
        distance_km=distance_km,
        total=total.quantize(PAISA),
    )
