"""Writes of transport: the fleet (staff), vehicle pictures, and vehicle bookings.

A vehicle booking takes its vehicle the way a booking takes its space (docs/DESIGN.md, Double
booking): lock the vehicle's row, then look for bookings holding it, then insert, so two
requests for one vehicle take turns. The distance (a provider call) is measured before the
transaction, never inside it.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User, VendorProfile
from bookings.models import Booking
from lebrq.errors import Forbidden, InvalidInput, NotFound
from transport import locations, pricing
from transport.exceptions import BookingNotActive, VehicleAlreadyBooked, VehicleUnavailable
from transport.models import Vehicle, VehicleBooking
from transport.selectors import Window, vehicle_bookings_holding
from uploads.choices import UploadKind
from uploads.exceptions import UploadRejected
from uploads.services import upload_delete, upload_store

# --- The fleet -----------------------------------------------------------------------------

# The fields staff set (VehicleCreate/VehicleUpdate of the legacy's schemas/vehicles.py).
VEHICLE_FIELDS = (
    "vehicle_name",
    "vehicle_capacity",
    "base_fare",
    "per_km_rate",
    "minimum_km",
    "extra_charges",
    "waiting_charges_per_hour",
    "night_charges",
    "peak_hour_multiplier",
    "description",
    "is_active",
)


def _vendor(vendor_id: int | None) -> VendorProfile | None:
    if vendor_id is None:
        return None
    vendor = VendorProfile.objects.filter(pk=vendor_id).first()
    if vendor is None:
        raise InvalidInput.for_field("vendor_id", "No such vendor.", code="unknown_vendor")
    return vendor


def vehicle_create(*, values: dict[str, object], vendor_id: int | None) -> Vehicle:
    vehicle = Vehicle(vendor=_vendor(vendor_id))
    for name in VEHICLE_FIELDS:
        if name in values:
            setattr(vehicle, name, values[name])
    vehicle.full_clean(exclude=["image"])
    vehicle.save()
    return vehicle


def vehicle_update(
    *, vehicle_id: int, values: dict[str, object], vendor_id: int | None, set_vendor: bool
) -> Vehicle:
    """Change the fields given (the legacy's exclude_unset); vendor only when named."""
    with transaction.atomic():
        vehicle = Vehicle.objects.select_for_update().filter(pk=vehicle_id).first()
        if vehicle is None:
            raise NotFound("Vehicle not found", code="vehicle_not_found")
        for name in VEHICLE_FIELDS:
            if name in values:
                setattr(vehicle, name, values[name])
        if set_vendor:
            vehicle.vendor = _vendor(vendor_id)
        vehicle.full_clean(exclude=["image"])
        vehicle.save()
    return vehicle


def vehicle_deactivate(*, vehicle_id: int) -> Vehicle:
    """The legacy's DELETE: the vehicle stays (its bookings refer to it), inactive."""
    vehicle = Vehicle.objects.filter(pk=vehicle_id).first()
    if vehicle is None:
        raise NotFound("Vehicle not found", code="vehicle_not_found")
    vehicle.is_active = False
    vehicle.save(update_fields=["is_active", "updated_at"])
    return vehicle


def vehicle_image_set(
    *, vehicle_id: int, uploaded_files: Sequence[UploadedFile[bytes]], owner: User
) -> Vehicle:
    """Store the picture (the multipart field `file`, one) as a public image upload,
    validated and re-encoded like every upload, and make it the vehicle's; the previous one
    is deleted once this commits."""
    if not Vehicle.objects.filter(pk=vehicle_id).exists():
        raise NotFound("Vehicle not found", code="vehicle_not_found")
    if len(uploaded_files) != 1:
        raise UploadRejected(
            "Send one picture in the multipart field 'file'.", code="one_file_expected"
        )
    uploaded_file = uploaded_files[0]
    with transaction.atomic():
        vehicle = Vehicle.objects.select_for_update().get(pk=vehicle_id)
        upload = upload_store(
            uploaded_file=uploaded_file, owner=owner, kind=UploadKind.IMAGE, is_public=True
        )
        try:
            previous = vehicle.image
            vehicle.image = upload
            vehicle.save(update_fields=["image", "updated_at"])
            if previous is not None:
                upload_delete(previous)
        except BaseException:
            upload.delete_files()
            raise
    return vehicle


# --- Vehicle bookings ---------------------------------------------------------------------


@dataclass(frozen=True)
class VehicleBookingRequest:
    booking_id: int
    vehicle_id: int
    number_of_guests: int
    guest_contact_number: str
    pickup_location: str
    drop_location: str
    notes: str


MOBILE_DIGITS = 10


def _contact_number(given: str, booking: Booking) -> str:
    """Ten digits, as the legacy required, from what the screen sends (user.mobile, maybe
    with +91, maybe empty: then the booking owner's number)."""
    digits = re.sub(r"\D", "", given) or re.sub(r"\D", "", booking.user.mobile or "")
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    if len(digits) != MOBILE_DIGITS:
        raise InvalidInput.for_field(
            "guest_contact_number",
            "Contact number must be exactly 10 digits.",
            code="invalid_contact_number",
        )
    return digits


def _booking_for(actor: User, booking_id: int) -> Booking:
    booking = Booking.objects.select_related("user").filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("Booking not found", code="booking_not_found")
    if not actor.is_staff and booking.user_id != actor.pk:
        raise Forbidden(
            "Only the booking's owner or staff may add transport to it.",
            code="not_booking_owner",
        )
    return booking


def _usable_vehicle(vehicle: Vehicle | None, guests: int) -> Vehicle:
    if vehicle is None or not vehicle.is_active:
        raise VehicleUnavailable()
    if guests > vehicle.vehicle_capacity:
        raise VehicleUnavailable(
            f"This vehicle seats {vehicle.vehicle_capacity}; choose a larger one.",
            code="vehicle_too_small",
        )
    return vehicle


def vehicle_booking_create(
    *, actor: User, request: VehicleBookingRequest
) -> tuple[VehicleBooking, bool]:
    """Attach a vehicle to a booking for the booking's window, priced by the server.

    Returns (vehicle booking, created). The same vehicle sent again for the same booking (a
    retry after a lost answer) returns the first one with created=False.
    """
    booking = _booking_for(actor, request.booking_id)
    contact = _contact_number(request.guest_contact_number, booking)
    _usable_vehicle(Vehicle.objects.filter(pk=request.vehicle_id).first(), request.number_of_guests)
    # Outside the transaction: a provider call never holds a lock (cached, usually).
    distance_km = locations.distance_to_office(request.pickup_location)
    with transaction.atomic():
        vehicle = _usable_vehicle(_lock_vehicle(request.vehicle_id), request.number_of_guests)
        booking = Booking.objects.select_related("user").get(pk=booking.pk)
        if not Booking.objects.holding_slot().filter(pk=booking.pk).exists():
            raise BookingNotActive()
        window = Window(start=booking.start_datetime, end=booking.end_datetime)
        holding = vehicle_bookings_holding(Vehicle.objects.filter(pk=vehicle.pk), window).order_by(
            "id"
        )
        same = holding.filter(booking=booking).first()
        if same is not None:
            return same, False
        clash = _first_clash(holding)
        if clash is not None:
            raise VehicleAlreadyBooked(
                f"{vehicle.vehicle_name} is already booked at that time "
                f"(booking {clash.booking.booking_reference})."
                if actor.is_staff
                else f"{vehicle.vehicle_name} is already booked at that time."
            )
        price = pricing.trip_price(vehicle, distance_km)
        created = VehicleBooking.objects.create(
            booking=booking,
            vehicle=vehicle,
            number_of_guests=request.number_of_guests,
            guest_contact_number=contact,
            pickup_location=request.pickup_location,
            drop_location=request.drop_location,
            estimated_distance_km=distance_km,
            base_fare=price.base_fare,
            per_km_rate=price.per_km_rate,
            calculated_cost=price.total,
            extra_charges=Decimal("0.00"),
            total_amount=price.total,
            notes=request.notes,
            created_by=actor,
        )
    return created, True


def _lock_vehicle(vehicle_id: int) -> Vehicle | None:
    """Lock the vehicle's row until the transaction ends: under READ COMMITTED a locking read
    over an empty range locks nothing, so the parent row is what makes two requests for one
    vehicle take turns (bookings.services._lock_space, docs/DESIGN.md, Double booking)."""
    assert transaction.get_connection().in_atomic_block, "lock inside transaction.atomic()"
    return Vehicle.objects.select_for_update().filter(pk=vehicle_id).first()


def _first_clash(holding: QuerySet[VehicleBooking]) -> VehicleBooking | None:
    return holding.select_related("booking").first()
