"""Vendors' side of a booking item: the fulfilment audit log, rejections, the vendor's
notifications, and the Razorpay payouts that settle booking items."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from vendors.choices import FulfilmentAction, NotificationPriority


class FulfilmentEvent(models.Model):
    """Who moved a booking item through its fulfilment, when, and why (vendors/README.md)."""

    booking_item = models.ForeignKey(
        "bookings.BookingItem", on_delete=models.CASCADE, related_name="fulfilment_events"
    )
    action = models.CharField(max_length=16, choices=FulfilmentAction.choices)
    # The vendor the step concerns (the one assigned, the one cancelled, the one paid).
    vendor = models.ForeignKey(
        "accounts.VendorProfile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once by the task that tells the other side (claimed with a conditional UPDATE).
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "booking_item_fulfilment_events"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["booking_item", "created_at"], name="fulfilment_item_idx"),
            models.Index(fields=["created_at", "id"], name="fulfilment_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} (booking item {self.booking_item_id})"


class BookingItemRejection(models.Model):
    """A vendor said no to a booking item: staff may not assign it to that vendor again
    (the legacy `booking_item_rejections`)."""

    booking_item = models.ForeignKey(
        "bookings.BookingItem", on_delete=models.CASCADE, related_name="rejections"
    )
    vendor = models.ForeignKey(
        "accounts.VendorProfile", on_delete=models.CASCADE, related_name="rejections"
    )
    rejection_note = models.TextField(blank=True)
    rejected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "booking_item_rejections"
        ordering = ["-rejected_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["booking_item", "vendor"], name="booking_item_rejection_once"
            )
        ]
        indexes = [models.Index(fields=["rejected_at", "id"], name="rejections_list_idx")]

    def __str__(self) -> str:
        return f"Vendor {self.vendor_id} rejected booking item {self.booking_item_id}"


class VendorNotification(models.Model):
    """A message in the vendor portal's notification list and bell (vendor_notifications)."""

    vendor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_notifications"
    )
    type = models.CharField(max_length=50)
    title = models.CharField(max_length=255)
    message = models.TextField()
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booking_item = models.ForeignKey(
        "bookings.BookingItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link = models.CharField(max_length=500, blank=True)
    is_read = models.BooleanField(default=False)
    # Deleting hides it (the legacy's soft delete): the row stays for the record.
    is_deleted = models.BooleanField(default=False)
    priority = models.CharField(
        max_length=20, choices=NotificationPriority.choices, default=NotificationPriority.NORMAL
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # One notification per event: the task that writes it may run twice. NULL for imported rows.
    event_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    class Meta:
        db_table = "vendor_notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["vendor_user", "is_deleted", "created_at", "id"],
                name="vendor_notes_list_idx",
            ),
            models.Index(
                fields=["vendor_user", "is_deleted", "is_read"],
                name="vendor_notes_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class VendorSettlement(models.Model):
    """A payout to a vendor through Razorpay: the booking items it settles are fixed when it is
    prepared (its lines), and only those are settled when it is paid."""

    payment = models.OneToOneField(
        "payments.Payment", on_delete=models.PROTECT, related_name="vendor_settlement"
    )
    vendor = models.ForeignKey(
        "accounts.VendorProfile", on_delete=models.PROTECT, related_name="settlements"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Whether the capture handler took it (settled its lines) or refused it (money returned).
    settled_at = models.DateTimeField(null=True, blank=True)
    refusal = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "vendor_settlements"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at", "id"], name="vendor_settlements_list_idx")]

    def __str__(self) -> str:
        return f"Settlement {self.pk} to vendor {self.vendor_id}: {self.amount}"


class VendorSettlementLine(models.Model):
    settlement = models.ForeignKey(VendorSettlement, on_delete=models.CASCADE, related_name="lines")
    booking_item = models.ForeignKey(
        "bookings.BookingItem", on_delete=models.PROTECT, related_name="settlement_lines"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        db_table = "vendor_settlement_lines"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["settlement", "booking_item"], name="vendor_settlement_line_once"
            )
        ]

    def __str__(self) -> str:
        return f"Booking item {self.booking_item_id}: {self.amount}"
