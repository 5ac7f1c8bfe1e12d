from django.db import models


class PayoutStatus(models.TextChoices):
    """Where a Razorpay payout of brokerage stands (brokers/README.md, Settlement)."""

    # The order exists; the bookings it settles are recorded with it.
    PREPARED = "prepared", "Prepared"
    # Paid, and every booking it was prepared for is now settled by it.
    SETTLED = "settled", "Settled"
    # Paid, but some booking was settled meanwhile (by hand or another payout): refunded.
    REFUSED = "refused", "Refused and refunded"


class SummaryPeriod(models.TextChoices):
    """How far back the settlement summary looks, as the legacy's `period`."""

    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    YEARLY = "yearly", "Yearly"
