from decimal import Decimal

from django.conf import settings
from django.db import models

from bookings.models.bookings import Booking

# Bounds of what staff may put on an invoice (bookings.invoice_edits checks them before a
# write; the constraints below hold them in the database too). The highest GST slab is 28 %.
MAX_GST_RATE = Decimal("28")
MAX_EDIT_ITEMS = 100


class InvoiceEdit(models.Model):
    """Staff's changes to one booking's invoice (the legacy's `invoice_edits`): what they set
    replaces the computed value on every copy of the invoice, the customer's too. A blank or
    null field keeps the computed value; an empty `items` keeps the booking's own lines.

    `items` holds `{"name", "quantity", "unit_price"}` objects as bookings.invoice_edits
    validated them, prices as decimal strings (exact, unlike JSON numbers); each line's total
    is computed, never stored.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="invoice_edit")
    invoice_number = models.CharField(max_length=50, blank=True)
    invoice_date = models.DateField(null=True, blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    gst_rate = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True, help_text="Percent, 0 to 28."
    )
    brokerage_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    notes = models.TextField(blank=True)
    items = models.JSONField(default=list, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "invoice_edits"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gst_rate__isnull=True)
                | models.Q(gst_rate__gte=0, gst_rate__lte=MAX_GST_RATE),
                name="invoice_edits_gst_rate_range",
            ),
            models.CheckConstraint(
                condition=models.Q(brokerage_amount__isnull=True)
                | models.Q(brokerage_amount__gte=0),
                name="invoice_edits_brokerage_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Invoice edit of booking {self.booking_id}"
