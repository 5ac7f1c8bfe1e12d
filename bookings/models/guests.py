from django.db import models

from bookings.models.bookings import Booking


class BookingGuest(models.Model):
    """Someone the customer invited, from the booking screen's guest list (for transport and
    guest messages)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(max_length=255)
    mobile = models.CharField(max_length=20)
    pickup_location = models.CharField(max_length=500, blank=True)
    needs_transportation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "booking_guests"
        ordering = ["booking", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.mobile})"
