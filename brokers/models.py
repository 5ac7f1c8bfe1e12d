"""A payout of brokerage through Razorpay and the bookings it settles.

The brokerage itself lives on the booking (bookings.Booking.broker, brokerage_amount,
broker_settled...): these tables only record what each payout was prepared for, so that a paid
payout settles exactly those bookings, once (brokers/README.md, Settlement).
"""

from django.db import models

from accounts.models import BrokerProfile
from bookings.models import Booking
from brokers.choices import PayoutStatus
from payments.models import Payment


class BrokerPayout(models.Model):
    """One Razorpay order paying a broker's brokerage on one or more bookings."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="broker_payout")
    broker = models.ForeignKey(BrokerProfile, on_delete=models.PROTECT, related_name="payouts")
    # The sum of the lines, computed by the server when the order was made.
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=16, choices=PayoutStatus.choices, default=PayoutStatus.PREPARED
    )
    refusal_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "broker_payouts"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="broker_payouts_list_idx")]

    def __str__(self) -> str:
        return f"Payout {self.pk} to broker {self.broker_id} ({self.get_status_display()})"


class BrokerPayoutLine(models.Model):
    """A booking whose brokerage a payout pays, and how much it was when prepared."""

    payout = models.ForeignKey(BrokerPayout, on_delete=models.CASCADE, related_name="lines")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_table = "broker_payout_lines"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["payout", "booking"], name="broker_payout_line_once")
        ]

    def __str__(self) -> str:
        return f"Booking {self.booking_id} in payout {self.payout_id}"
