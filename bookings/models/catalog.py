from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import VendorProfile
from bookings.choices import ItemStatus
from bookings.models.venues import Space
from uploads.choices import MediaType

MAX_PREPARATION_MINUTES = 7 * 24 * 60


class Item(models.Model):
    """A catalog add-on for a booking: catering, decoration, a performance team, transport."""

    vendor = models.ForeignKey(
        VendorProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="items"
    )
    space = models.ForeignKey(
        Space,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        help_text="Offered only with this space; empty means every space.",
    )
    main_category = models.CharField(max_length=64, blank=True)
    category = models.CharField(max_length=64, blank=True)
    subcategory = models.CharField(max_length=64, blank=True)
    item_type = models.CharField("type", max_length=32, blank=True, db_column="type")
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    vendor_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    admin_markup_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    price = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    image_url = models.CharField(max_length=500, blank=True)
    video_url = models.CharField(max_length=500, blank=True)
    profile_image_url = models.CharField(max_length=500, blank=True)
    profile_info = models.TextField(blank=True)
    performance_team_profile = models.JSONField(
        null=True, blank=True, help_text="Performance teams only (shape: API.md §4.2)."
    )
    available = models.BooleanField(default=True)
    item_status = models.CharField(
        max_length=32, choices=ItemStatus.choices, default=ItemStatus.AVAILABLE
    )
    preparation_time_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(MAX_PREPARATION_MINUTES)]
    )
    base_hours_included = models.PositiveIntegerField(
        default=0, help_text="Hours included in the price; extra hours cost rate_per_extra_hour."
    )
    rate_per_extra_hour = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    is_eligible_for_space_offer = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "items"
        ordering = ["category", "subcategory", "name", "id"]
        indexes = [
            models.Index(
                fields=["available", "category", "subcategory", "name"],
                name="items_catalog_list_idx",
            ),
            models.Index(fields=["main_category"], name="items_main_category_idx"),
            # The staff list (GET /admin/items), newest first.
            models.Index(fields=["created_at", "id"], name="items_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="items_price_non_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_hour_priced(self) -> bool:
        return self.rate_per_extra_hour > 0


class ItemMedia(models.Model):
    """A picture or video of a catalog item, stored as an upload (uploads.Upload, public).

    The legacy kept its own file under /static/item-media; here the bytes are an upload,
    validated and served like every other (docs/DESIGN.md, Files).
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="media")
    upload = models.OneToOneField(
        "uploads.Upload", on_delete=models.PROTECT, related_name="item_media"
    )
    media_type = models.CharField(max_length=10, choices=MediaType.choices, default=MediaType.IMAGE)
    is_primary = models.BooleanField(default=False)
    display_order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "item_media"
        ordering = ["item", "display_order", "created_at", "id"]
        indexes = [
            models.Index(
                fields=["item", "display_order", "created_at", "id"], name="item_media_order_idx"
            )
        ]
        verbose_name = "item picture or video"
        verbose_name_plural = "item pictures and videos"

    def __str__(self) -> str:
        return self.title or f"{self.get_media_type_display()} {self.pk} of item {self.item_id}"
