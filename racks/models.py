"""Racks: shelves at the venue, each with a QR code that opens the shop page, their products
(with stock) and the orders customers pay for.

Tables keep the legacy's names (racks, rack_products, rack_orders) so the importer maps them
1:1; an order's lines are rows of their own (rack_order_lines) instead of the legacy's
items_json, which the API still renders from them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from racks.choices import OccasionType, OrderPaymentStatus, OrderStatus, ProductStatus

ZERO = Decimal("0.00")
NON_NEGATIVE = [MinValueValidator(ZERO)]
DEFAULT_RACK_CODE = "DEFAULT"


class Rack(models.Model):
    """A shelf with a QR code (its `code` is what the code carries)."""

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=64, unique=True)
    description = models.TextField(blank=True)
    location = models.CharField(max_length=255, blank=True)
    category_name = models.CharField(max_length=255, blank=True)
    category_image_url = models.CharField(max_length=500, blank=True)
    # A stored QR image address some legacy racks carry; ours are drawn on request.
    qr_code_url = models.CharField(max_length=500, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "racks"
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RackProduct(models.Model):
    """A product on a rack; `stock_quantity` is what can still be sold (never below zero)."""

    rack = models.ForeignKey(Rack, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    images = models.JSONField(default=list, blank=True, help_text="Image addresses, in order.")
    videos = models.JSONField(default=list, blank=True, help_text="Video addresses, in order.")
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    stock_quantity = models.PositiveIntegerField(default=0)
    delivery_time = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=32, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "rack_products"
        ordering = ("id",)
        indexes = [models.Index(fields=["status", "id"], name="rack_product_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stock_quantity__gte=0), name="rack_product_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="rack_product_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RackOrder(models.Model):
    """A customer's order from the racks, priced by the server (the legacy took the browser's
    total). Paid when its payment is taken: then its stock is taken too (racks/README.md)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rack_orders"
    )
    # Empty only on imported orders: the legacy stored the browser's rack_id, null when the
    # shop page sent none. Ours go on the named rack or the default one.
    rack = models.ForeignKey(
        Rack, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    order_reference = models.CharField(max_length=50, unique=True)
    total_amount = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    original_amount = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    discount_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, validators=NON_NEGATIVE
    )
    # What its payment brought towards the total (after returning any excess).
    paid_amount = models.DecimalField(
        max_digits=10, decimal_places=2, default=ZERO, validators=NON_NEGATIVE
    )
    # The rack offer priced into the total (offers app; an id, not a key: offers sits beside
    # racks), and its surprise gift as it was then, so the staff list needs no join.
    applied_offer_id = models.PositiveIntegerField(null=True, blank=True)
    surprise_gift_name = models.CharField(max_length=200, blank=True)
    surprise_gift_image_url = models.CharField(max_length=500, blank=True)
    is_surprise_gift = models.BooleanField(default=False)
    recipient_name = models.CharField(max_length=255, blank=True)
    recipient_mobile = models.CharField(max_length=20, blank=True)
    delivery_address = models.TextField(blank=True)
    pin_code = models.CharField(max_length=10, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True)
    occasion_type = models.CharField(max_length=50, blank=True, choices=OccasionType.choices)
    birthday_date = models.DateField(null=True, blank=True)
    personal_message = models.TextField(blank=True)
    # One payment pays one order, at most (unique): a payment can never be spent twice.
    payment = models.OneToOneField(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rack_order",
    )
    # The legacy's payment reference when no payment row of ours came with it (import).
    legacy_payment_ref = models.CharField(max_length=100, blank=True)
    payment_status = models.CharField(
        max_length=32, choices=OrderPaymentStatus.choices, default=OrderPaymentStatus.PENDING
    )
    status = models.CharField(
        max_length=32, choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "rack_orders"
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="rack_order_newest_idx"),
            models.Index(
                fields=["status", "-created_at", "-id"], name="rack_order_status_newest_idx"
            ),
            models.Index(
                fields=["payment_status", "-created_at", "-id"],
                name="rack_order_paid_newest_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.order_reference


class RackOrderLine(models.Model):
    """One product of an order, with its name and price as they were when it was ordered."""

    order = models.ForeignKey(RackOrder, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        RackProduct, on_delete=models.SET_NULL, null=True, blank=True, related_name="lines"
    )
    product_name = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2, validators=NON_NEGATIVE)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, validators=NON_NEGATIVE)

    class Meta:
        db_table = "rack_order_lines"
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="rack_order_line_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_name} x {self.quantity}"
