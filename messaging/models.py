from django.conf import settings
from django.db import models

from bookings.models import Booking
from messaging.choices import (
    AudioNoteStatus,
    Channel,
    ConversationStatus,
    Direction,
    MatchType,
    MessageOrigin,
    NotificationKind,
    NotificationPriority,
    OutboundStatus,
    QuickReplyType,
)
from notify.models import Notification
from uploads.models import Upload


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


class AudioNote(models.Model):
    """A voice note a customer recorded for one of their bookings (components/AudioRecorder.tsx),
    stored as an upload; staff play it, mark it played and keep a note on it."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="audio_notes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="audio_notes"
    )
    # PROTECT: the file goes with the note (messaging.audio.audio_note_delete), never alone.
    upload = models.OneToOneField(Upload, on_delete=models.PROTECT, related_name="audio_note")
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AudioNoteStatus.choices, default=AudioNoteStatus.PENDING
    )
    is_played_by_admin = models.BooleanField(default=False)
    played_at = models.DateTimeField(null=True, blank=True)
    admin_notes = models.TextField(blank=True)
    transcription = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "client_audio_notes"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["booking", "created_at", "id"], name="audio_notes_booking_idx")
        ]

    def __str__(self) -> str:
        return f"Voice note {self.pk} for booking {self.booking_id}"


class WhatsAppConversation(models.Model):
    """Everything one WhatsApp number said to us and we to it (the legacy's
    whatsapp_conversations), with what a list of conversations shows kept on the row."""

    # Digits with the country code ("919876543210"), as the legacy stored them.
    phone_number = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="whatsapp_conversations",
    )
    status = models.CharField(
        max_length=16, choices=ConversationStatus.choices, default=ConversationStatus.ACTIVE
    )
    # The customer's newest message on WhatsApp: staff may write freely for 24 hours after it
    # (WhatsApp's session window); later only templates go through.
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_message_text = models.CharField(max_length=100, blank=True)
    last_message_direction = models.CharField(max_length=16, choices=Direction.choices, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "whatsapp_conversations"
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["last_message_at", "id"], name="wa_conversations_list_idx"),
            models.Index(
                fields=["status", "last_message_at", "id"], name="wa_conversations_status_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"+{self.phone_number}"


class WhatsAppMessage(models.Model):
    """One message of a conversation. An outgoing one is sent through the outbox
    (`outbound`: its status and the provider's id live there)."""

    conversation = models.ForeignKey(
        WhatsAppConversation, on_delete=models.CASCADE, related_name="messages"
    )
    direction = models.CharField(max_length=16, choices=Direction.choices)
    origin = models.CharField(
        max_length=16, choices=MessageOrigin.choices, default=MessageOrigin.WHATSAPP
    )
    text = models.TextField(blank=True)
    # The provider's id of an incoming message: unique, so a callback delivered twice stores
    # (and answers) the message once. NULL for ours and for the website's.
    inbound_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    # An incoming or imported message's status ("delivered", the legacy's "sent"...); an
    # outgoing one's is its outbox row's.
    status = models.CharField(max_length=32, blank=True)
    provider_message_id = models.CharField(max_length=255, blank=True)
    is_auto_reply = models.BooleanField(default=False)
    keyword = models.ForeignKey(
        "WhatsAppKeywordResponse",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outbound = models.OneToOneField(
        OutboundMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="whatsapp_message",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "whatsapp_messages"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["conversation", "created_at", "id"], name="wa_messages_conversation_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction}: {self.text[:40]}"

    @property
    def delivery_status(self) -> str:
        if self.outbound is not None:
            return self.outbound.status
        return self.status

    @property
    def delivery_id(self) -> str:
        if self.outbound is not None:
            return self.outbound.provider_message_id
        return self.provider_message_id


class WhatsAppKeywordResponse(models.Model):
    """An automatic answer to incoming messages that carry one of its keywords
    (comma-separated); the highest priority that matches answers."""

    keywords = models.CharField(max_length=500)
    response = models.TextField()
    is_active = models.BooleanField(default=True)
    match_type = models.CharField(
        max_length=16, choices=MatchType.choices, default=MatchType.CONTAINS
    )
    priority = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Deleted from the staff screen: kept (messages name it), no longer listed or matched.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "whatsapp_keyword_responses"
        ordering = ["-priority", "-created_at", "-id"]
        verbose_name = "WhatsApp keyword response"

    def __str__(self) -> str:
        return self.keywords[:60]


class WhatsAppQuickReply(models.Model):
    """A button of the WhatsApp menu (children are a sub-menu); an incoming message naming its
    text, or its button id "qr_<id>", is answered with its message."""

    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    button_text = models.CharField(max_length=200)
    message_text = models.CharField(max_length=500)
    response_type = models.CharField(
        max_length=16, choices=QuickReplyType.choices, default=QuickReplyType.STATIC
    )
    display_order = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "whatsapp_quick_replies"
        ordering = ["display_order", "id"]
        verbose_name = "WhatsApp quick reply"
        verbose_name_plural = "WhatsApp quick replies"

    def __str__(self) -> str:
        return self.button_text


def _greeting_triggers() -> list[str]:
    return ["hi", "hii", "hiii", "hello", "hey", "start", "hey there"]


def _help_triggers() -> list[str]:
    return ["help", "support", "assist"]


class ChatbotConfig(models.Model):
    """The WhatsApp chatbot's words (one row; the legacy kept them in a process's memory, so
    each worker had its own and a restart forgot them)."""

    greeting_triggers = models.JSONField(default=_greeting_triggers)
    help_triggers = models.JSONField(default=_help_triggers)
    greeting_response = models.TextField(default="Hello welcome to brq how can i help you")
    help_response = models.TextField(
        default="I'm here to help! How can I assist you with your venue booking or event planning?"
    )
    default_response = models.TextField(
        default="Thank you for your message. A team member will respond shortly."
    )
    greeting_template_name = models.CharField(max_length=100, blank=True)
    use_greeting_template = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "whatsapp_chatbot_config"
        verbose_name = "WhatsApp chatbot configuration"

    def __str__(self) -> str:
        return "WhatsApp chatbot configuration"
