from decimal import Decimal

from django.conf import settings
from django.db import models

from bookings.choices import ProgramStatus, ProgramType, SubscriptionType
from bookings.models.bookings import Booking


class Program(models.Model):
    """A regular program (yoga, zumba, a live-show season) that people enrol in."""

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    program_type = models.CharField(max_length=16, choices=ProgramType.choices, blank=True)
    schedule = models.CharField(max_length=160, blank=True, help_text="e.g. Mon-Fri 06:00")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    status = models.CharField(
        max_length=32, choices=ProgramStatus.choices, default=ProgramStatus.PENDING
    )
    poster_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "programs"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="programs_status_idx")]

    def __str__(self) -> str:
        return self.title


class ProgramParticipant(models.Model):
    """A person enrolled in a program, or holding tickets for a live-show booking."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="participants"
    )
    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, null=True, blank=True, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="program_enrolments",
    )
    name = models.CharField(max_length=120)
    mobile = models.CharField(max_length=32)
    program_type = models.CharField(max_length=16, choices=ProgramType.choices)
    subscription_type = models.CharField(
        max_length=16, choices=SubscriptionType.choices, blank=True
    )
    ticket_quantity = models.PositiveIntegerField(default=1)
    start_date = models.DateTimeField(null=True, blank=True)
    end_date = models.DateTimeField(null=True, blank=True)
    amount_paid = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    is_active = models.BooleanField(default=True)
    is_verified = models.BooleanField(default=False)
    scan_count = models.PositiveIntegerField(default=0)
    joined_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "program_participants"
        ordering = ["-joined_at", "-id"]
        indexes = [
            models.Index(fields=["user", "joined_at"], name="participants_user_joined_idx"),
            models.Index(fields=["program_type", "joined_at"], name="participants_type_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.program_type})"
