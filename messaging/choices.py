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


class AudioNoteStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    REVIEWED = "reviewed", "Reviewed"
    ARCHIVED = "archived", "Archived"


class ConversationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"
    ARCHIVED = "archived", "Archived"


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the customer"
    OUTBOUND = "outbound", "From us"


class MessageOrigin(models.TextChoices):
    """Where a WhatsApp conversation's message came from or went to."""

    WHATSAPP = "whatsapp", "WhatsApp"
    # Typed into the website's chat window (components/FloatingChat.tsx): kept for staff,
    # never relayed to WhatsApp by an anonymous request.
    WEB = "web", "Website chat"


class MatchType(models.TextChoices):
    CONTAINS = "contains", "Contains"
    EXACT = "exact", "Exact"
    STARTS_WITH = "starts_with", "Starts with"
    ENDS_WITH = "ends_with", "Ends with"


class QuickReplyType(models.TextChoices):
    STATIC = "static", "Static text"
    PRICE = "price", "Prices"
    SLOTS = "slots", "Free slots"
    CONTACT = "contact", "Contact details"
