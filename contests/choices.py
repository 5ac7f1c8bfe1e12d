from django.db import models


class EntryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WINNER = "winner", "Winner"


class Channel(models.TextChoices):
    """What staff ask for (the screens' checkboxes). Only SMS is delivered today: WhatsApp
    goes out as an SMS, e-mail is recorded as skipped (contests/services.py, Channels)."""

    EMAIL = "email", "E-mail"
    WHATSAPP = "whatsapp", "WhatsApp"
    SMS = "sms", "SMS"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SKIPPED = "skipped", "Skipped"
    # The legacy's outcomes (it sent while answering the request), kept on imported rows.
    PENDING = "pending", "Not sent (legacy)"
    SENT = "sent", "Sent (legacy)"
    FAILED = "failed", "Failed (legacy)"
