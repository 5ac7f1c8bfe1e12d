from django.conf import settings
from django.db import models

from bookings.models import Booking
from messaging.choices import Channel, NotificationKind, NotificationPriority, OutboundStatus
from notify.models import Notification


class MessageThread(models.Model):
    """A conversation between one customer and the staff (any of them: a shared inbox), as the
    legacy's `client_messages` rows grouped by their `thread_id`."""

    # The legacy's thread id ("client_<user>_<hex>" or "admin_<user>_<hex>"): the frontend
    # puts it in paths and links.
    key = models.CharField(max_length=100, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_threads"
    )
    subject = models.CharField(max_length=255, blank=True)
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="message_threads",
    )
    # The newest message, kept here so a list of threads is one query.
    last_message = models.TextField(blank=True)
    last_message_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "message_threads"
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(
                fields=["customer", "last_message_at", "id"], name="message_threads_customer_idx"
            ),
            models.Index(fields=["last_message_at", "id"], name="message_threads_list_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or self.key


class ThreadMessage(models.Model):
    """One message of a thread, from the customer or from staff; read once its addressee
    (the customer, or any of the staff) opened the thread."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_staff = models.BooleanField()
    body = models.TextField()
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "thread_messages"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["thread", "created_at", "id"], name="thread_messages_thread_idx"),
            # Unread counts: a side's messages the other side has not read.
            models.Index(
                fields=["thread", "from_staff", "read_at"], name="thread_messages_unread_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{'staff' if self.from_staff else 'customer'}: {self.body[:40]}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class StaffViewMark(models.Model):
    """Up to when staff have seen a list (the sidebar's badge counts what came after)."""

    CLIENTS = "clients"

    name = models.CharField(max_length=32, unique=True)
    seen_up_to = models.DateTimeField()

    class Meta:
        db_table = "staff_view_marks"

    def __str__(self) -> str:
        return f"{self.name} seen up to {self.seen_up_to:%Y-%m-%d %H:%M}"


class NotificationDetail(models.Model):
    """What the notifications screen reads beside notify's Notification: its kind, link and
    priority (the legacy's `client_notifications` columns). One row per notification; to be
    merged into notify.Notification (messaging/__init__.py)."""

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, primary_key=True, related_name="detail"
    )
    kind = models.CharField(
        max_length=32, choices=NotificationKind.choices, default=NotificationKind.OTHER
    )
    link = models.CharField(max_length=500, blank=True)
    priority = models.CharField(
        max_length=16, choices=NotificationPriority.choices, default=NotificationPriority.NORMAL
    )
    read_at = models.DateTimeField(null=True, blank=True)
    # What produced it ("booking:12:approved:45"): one notification per event, however often
    # the event is reported. NULL for notifications of no particular event.
    event_key = models.CharField(max_length=100, unique=True, null=True, blank=True)

    class Meta:
        db_table = "notification_details"

    def __str__(self) -> str:
        return f"{self.kind} ({self.priority})"


class OutboundMessage(models.Model):
    """One message to send on one channel for one event, kept as its record.

    `event_key` names the event and channel ("booking-event:45:whatsapp"): unique, so an event
    reported twice, or a task run twice, queues and sends one message.
    """

    channel = models.CharField(max_length=16, choices=Channel.choices)
    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    template = models.CharField(max_length=100, blank=True)
    params = models.JSONField(default=list, blank=True)
    event_key = models.CharField(max_length=150, unique=True)
    status = models.CharField(
        max_length=16, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(default=0)
    provider = models.CharField(max_length=32, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    provider_response = models.TextField(blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "outbound_messages"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="outbound_messages_list_idx"),
            models.Index(fields=["status", "created_at"], name="outbound_messages_status_idx"),
            models.Index(fields=["provider_message_id"], name="outbound_messages_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} to {self.to} ({self.get_status_display()})"


class OptOut(models.Model):
    """Someone who asked to get no more messages from us on a channel (a guest who answered
    STOP, or whom staff entered): nothing is queued to them."""

    channel = models.CharField(max_length=16, choices=Channel.choices)
    # The 10-digit mobile of SMS and WhatsApp, or the lower-cased e-mail address.
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "messaging_opt_outs"
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="opt_out_once_per_channel")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.channel})"
