from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lebrq.admin import LargeTableAdmin, selection_too_large
from messaging.choices import OutboundStatus
from messaging.models import (
    MessageThread,
    NotificationDetail,
    OptOut,
    OutboundMessage,
    StaffViewMark,
    ThreadMessage,
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
