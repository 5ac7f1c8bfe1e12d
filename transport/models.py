"""Vehicles LeBRQ offers for guests' transport, and their bookings attached to a booking.

Tables keep the legacy's names (vehicles, vehicle_bookings) so the importer maps them 1:1.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from accounts.models import VendorProfile
from bookings.models import Booking
from transport.choices import VehicleBookingStatus

ZERO = Decimal("0.00")


# Money: rupees with two places (the legacy's Numeric(10, 2) columns), never negative.
NON_NEGATIVE = [MinValueValidator(ZERO)]


class Vehicle(models.Model):
    vehicle_name = models.CharField(max_length=100)
    vehicle_capacity = models.PositiveIntegerField(help_text="Passengers it seats.")
    base_fare = models.DecimalField(
        default=ZERO, max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    per_km_rate = models.DecimalField(
        default=ZERO, max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    minimum_km = models.PositiveIntegerField(default=0)
    image = models.ForeignKey(
        "uploads.Upload",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
        help_text="Its picture, a public upload (POST /vehicles/{id}/upload-image).",
    )
    extra_charges = models.DecimalField(
        default=ZERO, max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    waiting_charges_per_hour = models.DecimalField(
        default=ZERO, max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    night_charges = models.DecimalField(
        default=ZERO, max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    peak_hour_multiplier = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("3.00"))],
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    vendor = models.ForeignKey(
        VendorProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "vehicles"
        ordering = ["vehicle_capacity", "id"]
        indexes = [
            # The customers' list: active ones that seat the party, smallest first.
            models.Index(
                fields=["is_active", "vehicle_capacity", "id"], name="vehicles_available_idx"
            ),
            models.Index(fields=["vehicle_capacity", "id"], name="vehicles_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vehicle_capacity__gte=1), name="vehicles_capacity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(base_fare__gte=0, per_km_rate__gte=0),
                name="vehicles_rates_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_name} ({self.vehicle_capacity} seats)"

    @property
    def image_url(self) -> str | None:
        """The picture's path on this site, as the legacy's vehicle_image (the frontend puts
        its origin, STATIC_BASE_URL, in front); None without a picture."""
        if self.image_id is None:
            return None
        return reverse("upload-file", args=[self.image_id])


class VehicleBooking(models.Model):
    """A vehicle taking a booking's guests between a pickup point and the venue. It holds its
    vehicle for the booking's window, widened by TRANSPORT_VEHICLE_TURNAROUND_MINUTES on each
    side, while the booking holds its slot (transport/README.md)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="vehicle_bookings")
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="bookings")
    number_of_guests = models.PositiveIntegerField()
    guest_contact_number = models.CharField(max_length=15)
    pickup_location = models.CharField(max_length=500)
    drop_location = models.CharField(max_length=500, blank=True)
    estimated_distance_km = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Measured by the server from the pickup point to the office.",
    )
    # The vehicle's rates when it was booked, and the price the server computed from them.
    base_fare = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    per_km_rate = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    calculated_cost = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    extra_charges = models.DecimalField(
        default=ZERO, max_digits=10, decimal_places=2, validators=NON_NEGATIVE
    )
    total_amount = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    booking_status = models.CharField(
        max_length=20, choices=VehicleBookingStatus.choices, default=VehicleBookingStatus.PENDING
    )
    driver_assigned = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "vehicle_bookings"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The clash check: a vehicle's bookings that still hold it.
            models.Index(fields=["vehicle", "booking_status"], name="vehicle_bookings_clash_idx"),
            models.Index(fields=["created_at", "id"], name="vehicle_bookings_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number_of_guests__gte=1),
                name="vehicle_bookings_guests_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(total_amount__gte=0),
                name="vehicle_bookings_total_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} for booking {self.booking_id}"
