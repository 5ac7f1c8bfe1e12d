from django.db import models


class VehicleBookingStatus(models.TextChoices):
    """The legacy stored any string and the frontend sends "pending"; staff move it on."""

    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


# A vehicle booking in one of these states keeps its vehicle (while its booking holds its slot).
VEHICLE_HOLDING_STATUSES = (
    VehicleBookingStatus.PENDING,
    VehicleBookingStatus.CONFIRMED,
    VehicleBookingStatus.COMPLETED,
)
