"""Offers (festival, birthday, first X users, rack) and coupons, with their uses.

A use is taken when a booking is made with the discount (offers.services, under a
conditional UPDATE of the counter: the last use cannot be taken twice) and released when that
booking is never paid. A quote is what /offers/apply answered before the booking existed: the
booking may then claim exactly that discount, recomputed by the server.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from bookings.models import Booking
from offers.choices import DiscountType, OfferType


class DiscountRule(models.Model):
    """What an offer and a coupon share: how much they take off, and from what amount."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    discount_type = models.CharField(max_length=16, choices=DiscountType.choices)
    discount_value = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    min_purchase_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_discount_amount = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Offer(DiscountRule):
    offer_type = models.CharField(max_length=32, choices=OfferType.choices)
    priority = models.IntegerField(default=0)
    festival_name = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    number_of_users = models.PositiveIntegerField(null=True, blank=True)
    claimed_count = models.PositiveIntegerField(default=0)
    surprise_gift_name = models.CharField(max_length=200, blank=True)
    surprise_gift_image_url = models.CharField(max_length=500, blank=True)

    class Meta:
        db_table = "offers"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["offer_type", "is_active"], name="offers_type_active_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number_of_users__isnull=True)
                | models.Q(claimed_count__lte=models.F("number_of_users")),
                name="offers_claims_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Coupon(DiscountRule):
    code = models.CharField(max_length=50, unique=True, help_text="Stored upper case.")
    max_usage_per_user = models.PositiveIntegerField(null=True, blank=True)
    max_usage_total = models.PositiveIntegerField(null=True, blank=True)
    current_usage_count = models.PositiveIntegerField(default=0)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "coupons"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_usage_total__isnull=True)
                | models.Q(current_usage_count__lte=models.F("max_usage_total")),
                name="coupons_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: object, **kwargs: object) -> None:
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Use(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2)
    original_amount = models.DecimalField(max_digits=12, decimal_places=2)
    final_amount = models.DecimalField(max_digits=12, decimal_places=2)
    used_at = models.DateTimeField(auto_now_add=True)
    # Set when the booking was never paid: the use was given back.
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class OfferUsage(Use):
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="usages")

    class Meta:
        db_table = "offer_usage"
        ordering = ["-used_at", "-id"]
        indexes = [models.Index(fields=["released_at", "used_at"], name="offer_usage_release_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "booking"], name="offer_usage_once_per_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} on booking {self.booking_id}"


class CouponUsage(Use):
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="usages")

    class Meta:
        db_table = "coupon_usage"
        ordering = ["-used_at", "-id"]
        indexes = [
            models.Index(fields=["coupon", "user"], name="coupon_usage_user_idx"),
            models.Index(fields=["released_at", "used_at"], name="coupon_usage_release_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["coupon", "booking"], name="coupon_usage_once_per_booking"
            )
        ]

    def __str__(self) -> str:
        return f"{self.coupon} on booking {self.booking_id}"


class DiscountQuote(models.Model):
    """An offer or coupon the server priced for a customer before booking (POST /offers/apply
    without a booking): the next booking may claim it, recomputed, within QUOTE_VALID_MINUTES."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, null=True, blank=True)
    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, null=True, blank=True)
    purchase_amount = models.DecimalField(max_digits=12, decimal_places=2)
    discount_amount = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "discount_quotes"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="discount_quotes_user_idx"),
            models.Index(fields=["created_at"], name="discount_quotes_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offer__isnull=True, coupon__isnull=False)
                | models.Q(offer__isnull=False, coupon__isnull=True),
                name="discount_quotes_offer_xor_coupon",
            )
        ]

    def __str__(self) -> str:
        return f"Quote {self.pk} for user {self.user_id}"


class OfferNotification(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sms_sent = models.BooleanField(default=False)
    whatsapp_sent = models.BooleanField(default=False)
    email_sent = models.BooleanField(default=False)
    notified_at = models.DateTimeField(auto_now_add=True)
    notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        db_table = "offer_notifications"
        ordering = ["-notified_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "user"], name="offer_notified_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.offer} to {self.user_id}"
