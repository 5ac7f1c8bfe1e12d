"""Money received and returned, as Razorpay records it and as the legacy tables named it."""

from decimal import Decimal

from django.conf import settings
from django.db import models

from bookings.models import Booking
from payments.choices import (
    PaymentPurpose,
    PaymentSource,
    PaymentStatus,
    RefundStatus,
    RefundType,
)


class Payment(models.Model):
    """One Razorpay order and the payment made against it.

    An order is made before its booking exists (the frontend books after paying), so the
    booking is attached when the checkout is verified. The order id is unique, and so is the
    gateway's payment id: a payment is recorded once however often, and in whatever order,
    verify, the webhook and reconciliation report it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, help_text="Rupees.")
    amount_paise = models.PositiveBigIntegerField(help_text="What Razorpay was asked for.")
    currency = models.CharField(max_length=3, default="INR")
    provider = models.CharField(max_length=20, default="razorpay")
    order_id = models.CharField(max_length=64, unique=True)
    # NULL until paid; unique so one gateway payment is never recorded twice.
    provider_payment_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    purpose = models.CharField(
        max_length=20, choices=PaymentPurpose.choices, default=PaymentPurpose.BOOKING
    )
    method = models.CharField(max_length=30, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # When this payment's fate against its booking was decided, once: counted towards what
    # the booking owes, or sent back (the booking could not take it).
    settled_at = models.DateTimeField(null=True, blank=True)
    # The gateway's last word on this payment, as it sent it.
    gateway_response = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payments"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="payments_list_idx"),
            models.Index(fields=["booking", "status"], name="payments_booking_idx"),
            # The staff list by status, and reconciliation's scan for orders left pending.
            models.Index(fields=["status", "created_at", "id"], name="payments_status_created_idx"),
            # Reconciliation's look for paid money no booking claimed (settled_at empty).
            models.Index(fields=["status", "settled_at", "paid_at"], name="payments_unsettled_idx"),
            # The programs app's look for ticket payments no participant claimed.
            models.Index(fields=["purpose", "status", "paid_at"], name="payments_purpose_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payments_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0)
                & models.Q(refunded_amount__lte=models.F("amount")),
                name="payments_refunded_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} ({self.status})"

    @property
    def refundable(self) -> Decimal:
        if self.status != PaymentStatus.SUCCESS:
            return Decimal("0")
        return self.amount - self.refunded_amount


class PaymentEvent(models.Model):
    """Every change of a payment's status, with who reported it and what the gateway said."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    source = models.CharField(max_length=20, choices=PaymentSource.choices)
    raw = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "payment_events"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status} ({self.source})"


class Refund(models.Model):
    """Money to return for a booking: requested, then sent through Razorpay's refunds API."""

    # Empty for money returned from a payment no booking ever took (automatic refunds).
    booking = models.ForeignKey(
        Booking, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    refund_type = models.CharField(max_length=20, choices=RefundType.choices)
    refund_method = models.CharField(max_length=30, blank=True, default="razorpay")
    # The gateway's refund id; unique so a retried refund call is recorded once.
    refund_reference = models.CharField(max_length=64, unique=True, null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    gateway_response = models.JSONField(default=dict, blank=True)
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
        db_table = "refunds"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="refunds_list_idx"),
            models.Index(fields=["status", "created_at", "id"], name="refunds_status_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="refunds_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Refund {self.pk} of {self.amount} ({self.status})"


class WebhookEvent(models.Model):
    """A Razorpay webhook delivery, kept by its event id: a redelivery is recognised and
    acknowledged without being applied again."""

    event_id = models.CharField(max_length=64, unique=True)
    event = models.CharField(max_length=50)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "payment_webhook_events"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event} {self.event_id}"
