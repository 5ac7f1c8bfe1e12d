from django.conf import settings
from django.db import models

from notify.choices import MessagePurpose, MessageStatus

# Shown instead of a message's text once it carried a secret and has been handed over.
ERASED_BODY = "[erased after sending]"


class OutboundSms(models.Model):
    """One text message to send, kept until it is sent (and after, as its record).

    A message carrying a secret (a one-time password) keeps its text only until the provider
    accepted it; then the text is erased, so codes do not outlive their use in the database.
    """

    to = models.CharField(max_length=16, help_text="The 10-digit mobile number.")
    body = models.TextField()
    template_id = models.CharField(max_length=32, blank=True)
    purpose = models.CharField(max_length=16, choices=MessagePurpose.choices)
    sensitive = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    provider = models.CharField(max_length=32, blank=True)
    provider_response = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "outbound_sms"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at", "id"], name="outbound_sms_status_idx"),
            models.Index(fields=["to", "created_at"], name="outbound_sms_to_idx"),
            # The admin's list order and its date hierarchy's MIN/MAX.
            models.Index(fields=["created_at", "id"], name="outbound_sms_list_idx"),
        ]
        verbose_name = "outgoing SMS"
        verbose_name_plural = "outgoing SMS"

    def __str__(self) -> str:
        return f"SMS to {self.to} ({self.get_status_display()})"


class Notification(models.Model):
    """A message for one user shown in the app (the bell's count), as the legacy's
    `notifications` table held them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=255)
    message = models.TextField()
    # The booking it is about; an id, not a foreign key: notify sits below the bookings app.
    booking_id = models.PositiveBigIntegerField(null=True, blank=True)
    is_read = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "notifications"
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell's count of a user's unread notifications and their latest change.
            models.Index(fields=["user", "is_read", "updated_at"], name="notifications_unread_idx"),
            models.Index(fields=["user", "created_at", "id"], name="notifications_list_idx"),
        ]

    def __str__(self) -> str:
        return self.title
