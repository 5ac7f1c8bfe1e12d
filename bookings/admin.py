from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils.html import format_html

from bookings import invoices, selectors
from bookings.models import (
    Booking,
    BookingEvent,
    BookingItem,
    Item,
    Program,
    ProgramParticipant,
    Space,
    Venue,
)


class SpaceInline(admin.TabularInline):
    model = Space
    fields = ("name", "capacity", "price_per_hour", "advance_payment_percentage", "active")
    extra = 0
    show_change_link = True


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "timezone", "created_at")
    search_fields = ("name", "city")
    inlines = [SpaceInline]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "venue",
        "capacity",
        "price_per_hour",
        "advance_payment_percentage",
        "active",
    )
    list_filter = ("active", "venue")
    list_select_related = ("venue",)
    search_fields = ("name", "venue__name")
    autocomplete_fields = ("venue",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "category",
        "subcategory",
        "item_type",
        "price",
        "vendor",
        "space",
        "item_status",
        "available",
    )
    list_filter = ("available", "item_status", "main_category", "category")
    list_select_related = ("vendor", "space")
    search_fields = ("name", "category", "subcategory", "vendor__company_name")
    autocomplete_fields = ("vendor", "space")


class BookingItemInline(admin.TabularInline):
    model = BookingItem
    fields = (
        "item",
        "vendor",
        "quantity",
        "hours_used",
        "unit_price",
        "total_price",
        "booking_status",
        "is_supplied",
        "payment_settled",
    )
    readonly_fields = ("unit_price", "total_price")
    autocomplete_fields = ("item", "vendor")
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("item", "vendor")


class BookingEventInline(admin.TabularInline):
    model = BookingEvent
    fields = ("created_at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = (
        "booking_reference",
        "user",
        "space",
        "start_datetime",
        "end_datetime",
        "status",
        "total_amount",
        "created_at",
        "invoice_link",
    )
    list_filter = ("status", "booking_type", "space", "start_datetime")
    list_select_related = ("user", "space")
    search_fields = ("=booking_reference", "user__email", "user__username", "user__mobile")
    autocomplete_fields = ("user", "space", "venue")
    date_hierarchy = "start_datetime"
    show_full_result_count = False
    readonly_fields = ("booking_reference", "invoice_link", "created_at", "updated_at")
    inlines = [BookingItemInline, BookingEventInline]

    @admin.display(description="Invoice")
    def invoice_link(self, booking: Booking) -> str:
        if booking.pk is None:
            return "-"
        url = reverse("admin:bookings_booking_invoice", args=[booking.pk])
        return format_html('<a href="{}" class="invoice-link">PDF</a>', url)

    def get_urls(self):
        invoice = path(
            "<int:booking_id>/invoice/",
            self.admin_site.admin_view(self.invoice_view),
            name="bookings_booking_invoice",
        )
        return [invoice, *super().get_urls()]

    def invoice_view(self, request: HttpRequest, booking_id: int) -> HttpResponseBase:
        """The same PDF the API serves, for staff signed in to the admin."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            booking = selectors.booking_list_with_items().select_related("user").get(pk=booking_id)
        except Booking.DoesNotExist:
            raise Http404("No such booking.") from None
        return invoices.invoice_response(request, booking)


@admin.register(BookingItem)
class BookingItemAdmin(admin.ModelAdmin):
    list_display = (
        "booking",
        "item",
        "vendor",
        "quantity",
        "total_price",
        "event_date",
        "booking_status",
        "payment_settled",
    )
    list_filter = ("booking_status", "payment_settled", "is_supplied", "event_date")
    list_select_related = ("booking", "item", "vendor")
    search_fields = ("=booking__booking_reference", "item__name", "vendor__company_name")
    autocomplete_fields = ("booking", "item", "vendor")
    show_full_result_count = False


class ParticipantInline(admin.TabularInline):
    model = ProgramParticipant
    fields = ("name", "mobile", "user", "subscription_type", "amount_paid", "is_active")
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("title", "program_type", "schedule", "price", "status", "created_at")
    list_filter = ("status", "program_type")
    search_fields = ("title",)
    inlines = [ParticipantInline]


@admin.register(ProgramParticipant)
class ProgramParticipantAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "mobile",
        "program_type",
        "program",
        "booking",
        "ticket_quantity",
        "amount_paid",
        "is_verified",
        "joined_at",
    )
    list_filter = ("program_type", "is_active", "is_verified")
    list_select_related = ("program", "booking")
    search_fields = ("name", "mobile", "user__email")
    autocomplete_fields = ("program", "booking", "user")
    show_full_result_count = False


@admin.register(BookingEvent)
class BookingEventAdmin(admin.ModelAdmin):
    """The audit trail: read-only, written by the booking services."""

    list_display = ("created_at", "booking", "actor", "from_status", "to_status", "note")
    list_filter = ("to_status", "created_at")
    list_select_related = ("booking", "actor")
    search_fields = ("=booking__booking_reference", "actor__username")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
