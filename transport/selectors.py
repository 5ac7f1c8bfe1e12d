"""Reads for the transport endpoints, each a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from bookings.models import Booking
from transport.choices import VEHICLE_HOLDING_STATUSES
from transport.models import Vehicle, VehicleBooking

# The most vehicles one list returns (the legacy's staff list defaulted to limit=100; its
# customers' list had no bound). A fleet is a handful of vehicles.
MAX_VEHICLES_LISTED = 100


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def turnaround() -> timedelta:
    minutes: int = settings.TRANSPORT_VEHICLE_TURNAROUND_MINUTES
    return timedelta(minutes=minutes)


def vehicle_bookings_holding(
    vehicles: QuerySet[Vehicle, Any], window: Window
) -> QuerySet[VehicleBooking]:
    """Vehicle bookings that keep one of these vehicles during `window`: their own status
    holds it, their booking holds its slot, and the two windows, each widened by the
    turnaround on both sides, share an instant."""
    margin = 2 * turnaround()
    bookings = Booking.objects.holding_slot().filter(
        start_datetime__lt=window.end + margin, end_datetime__gt=window.start - margin
    )
    return VehicleBooking.objects.filter(
        vehicle__in=vehicles,
        booking_status__in=VEHICLE_HOLDING_STATUSES,
        booking_id__in=bookings.values("id"),
    )


def vehicles_available(*, guests: int, window: Window | None) -> tuple[list[Vehicle], int]:
    """Active vehicles that seat `guests`, smallest first (the legacy's order), without those
    booked during `window` when one is given; and how many seat the party at all."""
    seating = Vehicle.objects.filter(is_active=True, vehicle_capacity__gte=guests)
    rows = seating.order_by("vehicle_capacity", "id")
    if window is not None:
        busy = vehicle_bookings_holding(seating.values("id"), window).values("vehicle_id")
        rows = rows.exclude(pk__in=busy)
    vehicles = list(rows[:MAX_VEHICLES_LISTED])
    total = seating.count() if window is not None else len(vehicles)
    return vehicles, total


def vehicles_staff_list(
    *, active_only: bool, skip: int, limit: int, min_capacity: int | None = None
) -> QuerySet[Vehicle]:
    rows = Vehicle.objects.order_by("vehicle_capacity", "id")
    if active_only:
        rows = rows.filter(is_active=True)
    if min_capacity:
        rows = rows.filter(vehicle_capacity__gte=min_capacity)
    return rows[skip : skip + min(limit, MAX_VEHICLES_LISTED)]
