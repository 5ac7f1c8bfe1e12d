from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from accounts.choices import Role


class User(AbstractUser):
    """A person who logs in: a customer, a vendor, a broker, or staff (role admin)."""

    # NULL when empty (see save()): a deliberate difference from AbstractUser's, a str that
    # is never None, which the type checker cannot be told about otherwise.
    email = models.EmailField(  # type: ignore[assignment]
        "email address", unique=True, null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CUSTOMER)
    mobile = models.CharField(max_length=32, blank=True)
    profile_image = models.URLField(max_length=500, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    mobile_verified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When this mobile number passed our own OTP check (never the client's word).",
    )

    class Meta:
        db_table = "users"
        ordering = ["id"]
        indexes = [models.Index(fields=["mobile"], name="users_mobile_idx")]

    def __str__(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        """How invoices and staff lists name the user: full name, else username."""
        return self.get_full_name() or self.username

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An empty e-mail must be NULL: the unique index allows many NULLs but one "".
        self.email = self.email.strip().lower() if self.email else None
        super().save(*args, **kwargs)


class VendorProfile(models.Model):
    """The business behind catalog items (caterers, decorators, performance teams)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="vendor_profile")
    company_name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    address = models.TextField(blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "vendor_profiles"
        ordering = ["company_name", "id"]

    def __str__(self) -> str:
        return self.company_name


class BrokerProfile(models.Model):
    """A broker books on behalf of customers; staff approve the account before it can log in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="broker_profile")
    company_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True, db_default="")
    contact_email = models.EmailField(blank=True, db_default="")
    contact_phone = models.CharField(max_length=32, blank=True, db_default="")
    address = models.TextField(blank=True, db_default="")
    # Percent of a booking's total the broker earns; the amount is computed by the server.
    brokerage_percentage = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), db_default=Decimal("0")
    )
    # Where settlements are paid. Sensitive: shown to staff and the broker only, masked in lists.
    bank_account_name = models.CharField(max_length=255, blank=True, db_default="")
    bank_account_number = models.CharField(max_length=64, blank=True, db_default="")
    bank_ifsc_code = models.CharField(max_length=16, blank=True, db_default="")
    bank_name = models.CharField(max_length=255, blank=True, db_default="")
    is_approved = models.BooleanField(default=False)
    approved_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "broker_profiles"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.company_name or self.user.username

    def brokerage_on(self, total: Decimal) -> Decimal:
        """What the broker earns on a booking of `total`: brokerage_percentage of it, to the
        paisa, half up (brokers/README.md). The legacy multiplied floats and kept every digit."""
        return (total * self.brokerage_percentage / 100).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


class OtpChallenge(models.Model):
    """A one-time password sent to a mobile number: only its keyed hash is kept.

    A code expires after OTP_TTL_SECONDS, dies after OTP_MAX_ATTEMPTS wrong guesses, and once
    verified stays usable for OTP_VERIFIED_VALID_MINUTES by one registration or one password
    reset, which marks it used.
    """

    mobile = models.CharField(max_length=10)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "otp_challenges"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["mobile", "created_at", "id"], name="otp_mobile_created_idx"),
            # The admin's list order.
            models.Index(fields=["created_at", "id"], name="otp_list_idx"),
        ]
        verbose_name = "OTP challenge"

    def __str__(self) -> str:
        return f"OTP for {self.mobile} at {self.created_at:%Y-%m-%d %H:%M}"
