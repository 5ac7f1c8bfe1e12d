from django.db import models


class BookingStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class BookingType(models.TextChoices):
    ONE_DAY = "one_day", "One day"
    DAILY = "daily", "Daily (regular program)"
    # The legacy value, kept byte for byte: the frontend filters live shows with it.
    LIVE = "live-", "Live show"


class BookingItemStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class ItemStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    UNDER_MAINTENANCE = "under_maintenance", "Under maintenance"
    OUT_OF_STOCK = "out_of_stock", "Out of stock"


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ProgramType(models.TextChoices):
    YOGA = "yoga", "Yoga"
    ZUMBA = "zumba", "Zumba"
    LIVE = "live", "Live show"


class SubscriptionType(models.TextChoices):
    DAILY = "daily", "Daily"
    MONTHLY = "monthly", "Monthly"
