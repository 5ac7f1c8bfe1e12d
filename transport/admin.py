from django.contrib import admin

from lebrq.admin import LargeTableAdmin
from transport.models import Vehicle, VehicleBooking


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin[Vehicle]):
    list_display = (
        "vehicle_name",
        "vehicle_capacity",
        "base_fare",
        "per_km_rate",
        "vendor",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("vehicle_name",)
    list_select_related = ("vendor",)
    raw_id_fields = ("image", "vendor")
    readonly_fields = ("created_at", "updated_at")


@admin.register(VehicleBooking)
class VehicleBookingAdmin(LargeTableAdmin[VehicleBooking]):
    list_display = (
        "id",
        "booking",
        "vehicle",
        "number_of_guests",
        "pickup_location",
        "total_amount",
        "booking_status",
        "driver_assigned",
        "created_at",
    )
    list_filter = ("booking_status",)
    search_fields = ("=booking__booking_reference", "=guest_contact_number")
    list_select_related = ("booking", "vehicle")
    raw_id_fields = ("booking", "vehicle", "created_by")
    # Prices and distance are the server's; staff change the status, driver and notes.
    readonly_fields = (
        "estimated_distance_km",
        "base_fare",
        "per_km_rate",
        "calculated_cost",
        "extra_charges",
        "total_amount",
        "created_by",
        "created_at",
        "updated_at",
    )
