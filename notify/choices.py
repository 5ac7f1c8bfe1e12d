from django.db import models


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class MessagePurpose(models.TextChoices):
    OTP = "otp", "One-time password"
    NOTIFICATION = "notification", "Notification"
