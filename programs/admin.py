from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lebrq.admin import LargeTableAdmin, selection_too_large
from programs import services
from programs.models import Event, EventDefinition, EventSchedule, ParticipantTicket


@admin.register(EventDefinition)
class EventDefinitionAdmin(admin.ModelAdmin[EventDefinition]):
    list_display = (
        "title",
        "event_type",
        "event_code",
        "default_ticket_price",
        "max_tickets",
        "is_active",
    )
    list_filter = ("event_type", "is_active")
    search_fields = ("title", "=event_code")
    prepopulated_fields = {"event_code": ("title",)}
    actions = ["generate_next_month"]

    @admin.action(description="Generate schedules for the next 30 days", permissions=["change"])
    def generate_next_month(
        self, request: HttpRequest, queryset: QuerySet[EventDefinition]
    ) -> None:
        if selection_too_large(self, request, queryset):
            return
        today = timezone.localdate()
        made = sum(
            services.schedules_generate(definition=d, first=today, last=today + timedelta(days=29))
            for d in queryset
        )
        self.message_user(request, f"Generated {made} schedule(s).", messages.SUCCESS)


@admin.register(EventSchedule)
class EventScheduleAdmin(LargeTableAdmin[EventSchedule]):
    list_display = (
        "definition",
        "schedule_date",
        "start_time",
        "tickets_sold",
        "max_tickets",
        "status",
        "is_blocked",
    )
    list_filter = ("status", "is_blocked", "definition__event_type")
    list_select_related = ("definition",)
    search_fields = ("definition__title",)
    date_hierarchy = "schedule_date"
    readonly_fields = ("tickets_sold",)
    autocomplete_fields = ("definition",)


@admin.register(ParticipantTicket)
class ParticipantTicketAdmin(LargeTableAdmin[ParticipantTicket]):
    list_display = ("participant", "event_schedule", "payment", "created_at")
    list_select_related = ("participant", "event_schedule__definition", "payment")
    readonly_fields = ("participant", "event_schedule", "payment", "created_at")
    search_fields = ("=payment__order_id", "participant__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "date_text", "created_at")
    search_fields = ("title",)
