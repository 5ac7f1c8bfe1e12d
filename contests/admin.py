from django.contrib import admin
from django.http import HttpRequest

from contests.models import (
    Contest,
    ContestEntry,
    ContestEntryFile,
    ContestInvitation,
    ContestNotification,
    UserEventDate,
)
from lebrq.admin import LargeTableAdmin


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin[Contest]):
    list_display = ("title", "slug", "start_date", "end_date", "is_published", "auto_approve")
    list_filter = ("is_published", "auto_approve")
    search_fields = ("title", "=slug")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def has_delete_permission(self, request: HttpRequest, obj: Contest | None = None) -> bool:
        # A contest with entries is protected (contests.services.contest_delete): the admin's
        # cascade would load every entry to list them.
        return (
            obj is not None
            and not obj.entries.exists()
            and super().has_delete_permission(request, obj)
        )


class EntryFileInline(admin.TabularInline[ContestEntryFile, ContestEntry]):
    model = ContestEntryFile
    fields = ("file_name", "file_type", "file_size", "upload", "legacy_url", "created_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: ContestEntry | None = None) -> bool:
        return False


@admin.register(ContestEntry)
class ContestEntryAdmin(LargeTableAdmin[ContestEntry]):
    list_display = (
        "reference_id",
        "participant_name",
        "contest",
        "event_type",
        "event_date",
        "status",
        "created_at",
    )
    list_filter = ("status", "event_type")
    list_select_related = ("contest",)
    search_fields = ("=reference_id", "=email", "=phone", "participant_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("contest", "booking")
    readonly_fields = (
        "reference_id",
        "ip_address",
        "created_at",
        "updated_at",
        "approved_at",
        "marked_winner_at",
    )
    inlines = [EntryFileInline]


@admin.register(ContestEntryFile)
class ContestEntryFileAdmin(LargeTableAdmin[ContestEntryFile]):
    list_display = ("file_name", "file_type", "file_size", "contest", "entry", "created_at")
    list_select_related = ("contest", "entry")
    raw_id_fields = ("contest", "entry", "upload")
    readonly_fields = ("key", "created_at")
    search_fields = ("=entry__reference_id",)


@admin.register(ContestNotification)
class ContestNotificationAdmin(LargeTableAdmin[ContestNotification]):
    list_display = ("entry", "channel", "status", "recipient_phone", "created_at")
    list_filter = ("channel", "status")
    list_select_related = ("entry",)
    raw_id_fields = ("entry", "sms", "sent_by")
    readonly_fields = ("event_key", "created_at")
    search_fields = ("=entry__reference_id",)


@admin.register(ContestInvitation)
class ContestInvitationAdmin(LargeTableAdmin[ContestInvitation]):
    list_display = ("contest", "user", "channel", "created_at")
    list_filter = ("channel",)
    list_select_related = ("contest", "user")
    raw_id_fields = ("contest", "user", "sms")
    readonly_fields = ("created_at",)
    search_fields = ("=user__username",)


@admin.register(UserEventDate)
class UserEventDateAdmin(LargeTableAdmin[UserEventDate]):
    list_display = ("person_name", "event_type", "event_date", "relation", "email", "phone")
    list_filter = ("event_type", "notify_on_offers")
    search_fields = ("=email", "=phone", "person_name")
