from django.db import models


class NotificationKind(models.TextChoices):
    """The legacy's `client_notifications.type` values the notifications screen knows, and the
    events that write them."""

    BOOKING_CREATED = "booking_created", "Booking created"
    BOOKING_UPDATED = "booking_updated", "Booking updated"
    BOOKING_APPROVED = "booking_approved", "Booking approved"
    BOOKING_REJECTED = "booking_rejected", "Booking rejected"
    PAYMENT_SUCCESS = "payment_success", "Payment received"
    REFUND_PROCESSED = "refund_processed", "Refund processed"
    ADMIN_MESSAGE = "admin_message", "Message from staff"
    REMINDER = "reminder", "Reminder"
    OTHER = "other", "Other"


class NotificationPriority(models.TextChoices):
    NORMAL = "normal", "Normal"
    INFO = "info", "Info"
    WARNING = "warning", "Warning"
    CRITICAL = "critical", "Critical"


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"
    WHATSAPP = "whatsapp", "WhatsApp"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    # Refused; retried with backoff while attempts remain (then staff may send it again).
    FAILED = "failed", "Failed"
