from django.db import models


class ProductStatus(models.TextChoices):
    """The legacy's values: the rack page lists `active` products only."""

    ACTIVE = "active", "On sale"
    INACTIVE = "inactive", "Off sale"


class OrderPaymentStatus(models.TextChoices):
    """The legacy's values (the staff screen colours `completed` green)."""

    PENDING = "pending", "Not paid yet"
    COMPLETED = "completed", "Paid"
    # The checkout's advance share was paid (payment-main.tsx offers it for rack orders too);
    # the balance is collected at handover.
    PARTIAL = "partial", "Advance paid"
    # The legacy's third value (imported orders): its checkout never paid.
    FAILED = "failed", "Payment failed"
    # The payment came but the order could not take it (sold out meanwhile): it went back.
    REFUNDED = "refunded", "Refunded"


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Waiting for its payment"
    CONFIRMED = "confirmed", "Paid, to be handed over or delivered"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class OccasionType(models.TextChoices):
    BIRTHDAY = "birthday", "Birthday"
    ANNIVERSARY = "anniversary", "Anniversary"
    OTHER = "other", "Other"
