from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lebrq.admin import LargeTableAdmin, selection_too_large
from notify.choices import MessageStatus
from notify.models import Notification, OutboundSms
from notify.tasks import sms_send


@admin.register(OutboundSms)
class OutboundSmsAdmin(LargeTableAdmin[OutboundSms]):
    """The SMS outbox: what was sent, what the provider said, and failures to send again."""

    list_display = ("created_at", "to", "purpose", "status", "attempts", "provider", "sent_at")
    list_filter = ("status", "purpose", "provider")
    search_fields = ("=to",)
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboundSms._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OutboundSms | None = None) -> bool:
        return False

    @admin.action(description="Send the selected failed messages again", permissions=["view"])
    def send_again(self, request: HttpRequest, queryset: QuerySet[OutboundSms]) -> None:
        if selection_too_large(self, request, queryset):
            return
        failed = list(queryset.filter(status=MessageStatus.FAILED).values_list("pk", flat=True))
        for message_id in failed:
            sms_send.enqueue(message_id)
        self.message_user(request, f"Queued {len(failed)} message(s) again.", messages.SUCCESS)


@admin.register(Notification)
class NotificationAdmin(LargeTableAdmin[Notification]):
    """In-app notifications: staff may correct or withdraw one."""

    list_display = ("created_at", "user", "title", "booking_id", "is_read")
    list_filter = ("is_read",)
    search_fields = ("=user__email", "=user__mobile", "=booking_id")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
