from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lebrq.admin import LargeTableAdmin, selection_too_large
from messaging.audio import audio_note_delete
from messaging.choices import OutboundStatus
from messaging.models import (
    AudioNote,
    ChatbotConfig,
    MessageThread,
    NotificationDetail,
    OptOut,
    OutboundMessage,
    StaffViewMark,
    ThreadMessage,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from messaging.tasks import outbound_send


@admin.register(MessageThread)
class MessageThreadAdmin(LargeTableAdmin[MessageThread]):
    """Customer-staff threads: staff read them in the app; here they can be found and removed."""

    list_display = ("last_message_at", "key", "customer", "subject", "booking_id")
    search_fields = ("=key", "=customer__email", "=customer__mobile", "=booking__id")
    date_hierarchy = "last_message_at"
    raw_id_fields = ("customer", "booking")
    readonly_fields = ("key", "last_message", "last_message_at", "created_at")


@admin.register(ThreadMessage)
class ThreadMessageAdmin(LargeTableAdmin[ThreadMessage]):
    list_display = ("created_at", "thread", "from_staff", "sender", "read_at")
    list_filter = ("from_staff",)
    search_fields = ("=thread__key",)
    date_hierarchy = "created_at"
    raw_id_fields = ("thread", "sender")
    readonly_fields = ("created_at",)


@admin.register(StaffViewMark)
class StaffViewMarkAdmin(admin.ModelAdmin[StaffViewMark]):
    list_display = ("name", "seen_up_to")


@admin.register(NotificationDetail)
class NotificationDetailAdmin(LargeTableAdmin[NotificationDetail]):
    list_display = ("notification", "kind", "priority", "read_at", "event_key")
    list_filter = ("kind", "priority")
    search_fields = ("=event_key",)
    raw_id_fields = ("notification",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(LargeTableAdmin[OutboundMessage]):
    """The outbox of every channel: what was sent, what the provider said; failed messages can
    be sent again."""

    list_display = ("created_at", "channel", "to", "status", "attempts", "provider", "sent_at")
    list_filter = ("channel", "status", "provider")
    search_fields = ("=to", "=event_key", "=provider_message_id")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboundMessage._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: OutboundMessage | None = None
    ) -> bool:
        return False

    @admin.action(description="Send the selected failed messages again", permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        if selection_too_large(self, request, queryset):
            return
        failed = list(queryset.filter(status=OutboundStatus.FAILED).values_list("pk", flat=True))
        for message_id in failed:
            outbound_send.enqueue(message_id)
        self.message_user(request, f"Queued {len(failed)} message(s) again.", messages.SUCCESS)


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin[OptOut]):
    list_display = ("address", "channel", "reason", "created_at")
    list_filter = ("channel",)
    search_fields = ("=address",)


@admin.register(AudioNote)
class AudioNoteAdmin(LargeTableAdmin[AudioNote]):
    """Customers' voice notes: staff play them on the booking screen; here they are found,
    noted and removed (with their file)."""

    list_display = ("created_at", "booking_id", "user", "status", "is_played_by_admin")
    list_filter = ("status", "is_played_by_admin")
    search_fields = ("=booking__id", "=user__email", "=user__mobile")
    date_hierarchy = "created_at"
    raw_id_fields = ("booking", "user", "upload")
    list_select_related = ("user",)
    readonly_fields = ("booking", "user", "upload", "duration_seconds", "created_at", "played_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: AudioNote) -> None:
        audio_note_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[AudioNote]) -> None:
        for note in queryset.select_related("upload"):
            audio_note_delete(note)


@admin.register(WhatsAppConversation)
class WhatsAppConversationAdmin(LargeTableAdmin[WhatsAppConversation]):
    list_display = ("last_message_at", "phone_number", "user", "status", "message_count")
    list_filter = ("status",)
    search_fields = ("=phone_number",)
    date_hierarchy = "last_message_at"
    raw_id_fields = ("user",)
    list_select_related = ("user",)
    readonly_fields = (
        "phone_number",
        "last_inbound_at",
        "last_message_at",
        "last_message_text",
        "last_message_direction",
        "message_count",
        "created_at",
        "updated_at",
    )


@admin.register(WhatsAppMessage)
class WhatsAppMessageAdmin(LargeTableAdmin[WhatsAppMessage]):
    """Read-only: messages are what was said; staff reply from the WhatsApp screen."""

    list_display = ("created_at", "conversation", "direction", "origin", "is_auto_reply", "status")
    list_filter = ("direction", "origin", "is_auto_reply")
    search_fields = ("=conversation__phone_number", "=inbound_id")
    list_select_related = ("conversation",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in WhatsAppMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: WhatsAppMessage | None = None
    ) -> bool:
        return False


@admin.register(WhatsAppKeywordResponse)
class WhatsAppKeywordResponseAdmin(admin.ModelAdmin[WhatsAppKeywordResponse]):
    list_display = ("keywords", "match_type", "priority", "is_active", "deleted_at")
    list_filter = ("is_active", "match_type")
    search_fields = ("keywords",)


@admin.register(WhatsAppQuickReply)
class WhatsAppQuickReplyAdmin(admin.ModelAdmin[WhatsAppQuickReply]):
    list_display = ("button_text", "parent", "response_type", "display_order", "is_active")
    list_filter = ("is_active", "response_type")
    search_fields = ("button_text", "message_text")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(ChatbotConfig)
class ChatbotConfigAdmin(admin.ModelAdmin[ChatbotConfig]):
    list_display = ("__str__", "use_greeting_template", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row, made when first read (messaging.chatbot.chatbot_config).
        return not ChatbotConfig.objects.exists()
