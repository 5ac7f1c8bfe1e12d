from django.db import models


class FulfilmentAction(models.TextChoices):
    """The steps of a booking item's fulfilment, as the audit log records them."""

    ASSIGNED = "assigned", "Vendor assigned"
    REASSIGNED = "reassigned", "Vendor reassigned"
    CANCELLED = "cancelled", "Vendor assignment cancelled by staff"
    ACCEPTED = "accepted", "Accepted by the vendor"
    REJECTED = "rejected", "Rejected by the vendor"
    SUPPLIED = "supplied", "Marked supplied"
    UNSUPPLIED = "unsupplied", "Supply undone by staff"
    VERIFIED = "verified", "Supply verified by staff"
    SETTLED = "settled", "Paid to the vendor"


class NotificationPriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class SummaryPeriod(models.TextChoices):
    """The settlement screen's windows: the last 7, 30 or 365 days (the legacy's)."""

    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"


PERIOD_DAYS = {SummaryPeriod.WEEKLY: 7, SummaryPeriod.MONTHLY: 30, SummaryPeriod.YEARLY: 365}
