from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def _default_timezone() -> str:
    time_zone: str = settings.TIME_ZONE
    return time_zone


class Venue(models.Model):
    """A building or site that holds bookable spaces."""

    name = models.CharField(max_length=255)
    address = models.TextField(blank=True)
    city = models.CharField(max_length=100, blank=True)
    timezone = models.CharField(max_length=80, default=_default_timezone)
    metadata_json = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "venues"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Space(models.Model):
    """A bookable hall or room inside a venue, priced by the hour."""

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="spaces")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    capacity = models.PositiveIntegerField()
    price_per_hour = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    advance_payment_percentage = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Share of the total due in advance when booking, in percent.",
    )
    # The JSON blobs below are shaped by the frontend (API.md §3); the server stores them as is.
    features = models.JSONField(default=list, blank=True)
    pricing_overrides = models.JSONField(default=dict, blank=True)
    event_types = models.JSONField(default=list, blank=True)
    stage_options = models.JSONField(default=list, blank=True)
    banner_sizes = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "spaces"
        ordering = ["venue_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_per_hour__gte=0), name="spaces_price_non_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(advance_payment_percentage__gte=0)
                & models.Q(advance_payment_percentage__lte=100),
                name="spaces_advance_percentage_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name
