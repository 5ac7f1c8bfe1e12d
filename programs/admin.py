from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lebrq.admin import LargeTableAdmin, selection_too_large
from programs import services
from programs.models import (
    Event,
    EventDefinition,
    EventSchedule,
    ParticipantTicket,
    TicketType,
    TicketTypeSales,
)


class TicketTypeInline(admin.TabularInline[TicketType, EventDefinition]):
    model = TicketType
    extra = 0
    fields = ("name", "price", "max_quantity", "perks", "sort_order", "is_active")


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
    inlines = (TicketTypeInline,)

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
    list_display = ("participant", "event_schedule", "ticket_type", "payment", "created_at")
    list_select_related = (
        "participant",
        "event_schedule__definition",
        "ticket_type",
        "payment",
    )
    list_filter = ("ticket_type",)
    readonly_fields = ("participant", "event_schedule", "ticket_type", "payment", "created_at")
    search_fields = ("=payment__order_id", "participant__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("title", "date_text", "created_at")
    search_fields = ("title",)


@admin.register(TicketType)
class TicketTypeAdmin(admin.ModelAdmin[TicketType]):
    list_display = ("name", "definition", "price", "max_quantity", "sort_order", "is_active")
    list_filter = ("is_active", "definition__event_type")
    list_select_related = ("definition",)
    search_fields = ("name", "definition__title")
    autocomplete_fields = ("definition",)


@admin.register(TicketTypeSales)
class TicketTypeSalesAdmin(LargeTableAdmin[TicketTypeSales]):
    """What each schedule sold of each tier: moved only by sales (programs.services)."""

    list_display = ("schedule", "ticket_type", "sold")
    list_select_related = ("schedule__definition", "ticket_type")
    readonly_fields = ("schedule", "ticket_type", "sold")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
