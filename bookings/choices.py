from django.db import models


class BookingStatus(models.TextChoices):
    # Holds its slot until payment_hold_expires_at while the customer pays.
    PENDING_PAYMENT = "pending_payment", "Awaiting payment"
    # Was never paid: the slot is free again.
    EXPIRED = "expired", "Expired unpaid"
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class BookingType(models.TextChoices):
    """Every value the frontend sends (the legacy stored any string)."""

    ONE_DAY = "one_day", "One day"
    DAILY = "daily", "Daily (regular program)"
    # The legacy value, kept byte for byte: the frontend filters live shows with it.
    LIVE = "live-", "Live show"
    LIVE_PLAIN = "live", "Live show (older screens)"
    RECURRING = "recurring", "Recurring training"
    MONTHLY = "monthly", "Monthly"
    RACK_ORDER = "rack_order", "Rack order"


# A customer's booking of one of these types is a subscription to the venue's own program
# (yoga, zumba: app/book/[id].tsx): priced per day or month, and it does not hold the hall
# (the program's own booking does). Staff's regular programs use "daily" too, as the venue's
# own bookings (is_admin_booking), and those do hold it.
SUBSCRIPTION_TYPES = frozenset({BookingType.DAILY, BookingType.MONTHLY})


class BookingLineKind(models.TextChoices):
    """What a line of a booking is: a catalog item, or one of the space's own priced options."""

    CATALOG = "catalog", "Catalog item"
    FEATURE = "feature", "Paid hall feature"
    STAGE = "stage", "Stage"
    BANNER = "banner", "Banner"
    STAGE_BANNER = "stage_banner", "Stage banner image"
    TRANSPORT = "transport", "Transport"
    EVENT_DISCOUNT = "event_discount", "Event type discount"
    WEEKEND_SURCHARGE = "weekend_surcharge", "Weekend surcharge"
    ROUNDING = "rounding", "Rounding to the rupee"
    OFFER = "offer", "Offer"
    COUPON = "coupon", "Coupon"


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
