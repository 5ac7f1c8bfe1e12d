from django.db import models


class PaymentStatus(models.TextChoices):
    """The legacy's values: the frontend and the staff screens read them."""

    PENDING = "pending", "Order created, not paid"
    SUCCESS = "success", "Paid"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded in full"


class RefundStatus(models.TextChoices):
    PENDING = "pending", "Requested"
    PROCESSING = "processing", "Sent to the gateway"
    COMPLETED = "completed", "Refunded"
    FAILED = "failed", "Failed"


class RefundType(models.TextChoices):
    CANCELLATION = "cancellation", "Cancellation"
    EDIT = "edit", "Booking edited"
    ADMIN = "admin", "By staff"
    # Money that arrived for a booking that could not take it (its hold ran out and the slot
    # was taken, or the amount was not what the booking owed): returned without asking.
    AUTOMATIC = "automatic", "Automatic"


class PaymentSource(models.TextChoices):
    """Who told us about a payment's change."""

    ORDER = "order", "Order created"
    VERIFY = "verify", "Checkout verification"
    WEBHOOK = "webhook", "Razorpay webhook"
    RECONCILE = "reconcile", "Reconciliation"
    STAFF = "staff", "Staff"


class PaymentPurpose(models.TextChoices):
    BOOKING = "booking", "Towards a booking"
    # Tickets to the venue's own show: the booking is the show's, the payer a customer.
    TICKETS = "tickets", "Tickets"
    # Money LeBRQ pays out, through the same checkout: staff pay a vendor or a broker what
    # they are owed; the lines the payment settles are recorded when it is prepared.
    VENDOR_SETTLEMENT = "vendor_settlement", "Settlement to a vendor"
    BROKER_SETTLEMENT = "broker_settlement", "Settlement to a broker"
    # A customer's order from a rack at the venue (the racks app).
    RACK_ORDER = "rack_order", "Rack order"
