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
