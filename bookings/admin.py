from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import DateFieldListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from accounts.auth import staff_user
from bookings import catalog_services, invoices, selectors, services
from bookings.models import (
    AdminSetting,
    Booking,
    BookingEvent,
    BookingGuest,
    BookingItem,
    Item,
    ItemMedia,
    Program,
    ProgramParticipant,
    Space,
    Venue,
)
from bookings.models.invoices import InvoiceEdit
from lebrq.admin import LargeTableAdmin, selection_too_large
from lebrq.api.exceptions import service_unavailable
from lebrq.errors import DomainError


class SpaceInline(admin.TabularInline[Space, Venue]):
    model = Space
    fields = ("name", "capacity", "price_per_hour", "advance_payment_percentage", "active")
    extra = 0
    show_change_link = True


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ("name", "city", "timezone", "created_at")
    search_fields = ("name", "city")
    inlines = [SpaceInline]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin[Space]):
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
class ItemAdmin(admin.ModelAdmin[Item]):
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


class BookingItemInline(admin.TabularInline[BookingItem, Booking]):
    """Lines are priced when booked, so only their fulfilment is edited here."""

    model = BookingItem
    fields = (
        "kind",
        "name",
        "vendor",
        "quantity",
        "hours_used",
        "unit_price",
        "total_price",
        "booking_status",
        "is_supplied",
        "payment_settled",
    )
    readonly_fields = ("kind", "name", "quantity", "hours_used", "unit_price", "total_price")
    autocomplete_fields = ("vendor",)
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingItem]:
        return super().get_queryset(request).select_related("item", "vendor")


class BookingGuestInline(admin.TabularInline[BookingGuest, Booking]):
    model = BookingGuest
    fields = ("name", "mobile", "pickup_location", "needs_transportation")
    extra = 0


class BookingEventInline(admin.TabularInline[BookingEvent, Booking]):
    model = BookingEvent
    fields = ("created_at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[BookingEvent]:
        return super().get_queryset(request).select_related("actor")


class ItemsPaymentSettledFilter(admin.SimpleListFilter):
    title = "vendor payments"
    parameter_name = "items_settled"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("no", "Some unsettled"), ("yes", "All settled")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        unsettled = BookingItem.objects.filter(booking=OuterRef("pk"), payment_settled=False)
        if self.value() == "no":
            return queryset.filter(Exists(unsettled))
        if self.value() == "yes":
            has_lines = Exists(BookingItem.objects.filter(booking=OuterRef("pk")))
            return queryset.filter(has_lines).exclude(Exists(unsettled))
        return queryset


def _transition_action(
    action: str, description: str
) -> Callable[["BookingAdmin", HttpRequest, QuerySet[Booking]], None]:
    """An admin action that moves each selected booking through the same service (and the
    same transition rules) as the API."""

    @admin.action(description=description, permissions=["change"])
    def run(model_admin: "BookingAdmin", request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        if selection_too_large(model_admin, request, queryset):
            return
        actor = staff_user(request)
        done = 0
        shown_done: list[str] = []
        refused: list[str] = []
        selected = queryset.select_related(None).only("pk", "booking_reference")
        for booking in selected.iterator(chunk_size=500):
            try:
                services.booking_transition(booking=booking, action=action, actor=actor)
            except DomainError as exc:
                refused.append(f"{booking.booking_reference}: {exc.message}")
            else:
                done += 1
                if len(shown_done) < 20:
                    shown_done.append(booking.booking_reference)
        if done:
            more = f" and {done - len(shown_done)} more" if done > len(shown_done) else ""
            model_admin.message_user(
                request,
                f"{action.capitalize()}d {done}: {', '.join(shown_done)}{more}.",
                messages.SUCCESS,
            )
        for reason in refused[:20]:
            model_admin.message_user(request, reason, messages.ERROR)
        if len(refused) > 20:
            model_admin.message_user(
                request, f"{len(refused) - 20} more could not be changed.", messages.ERROR
            )

    run.__name__ = f"{action}_bookings"
    return run


_BOOKING_FIELDS_STAFF_EDIT = (
    "event_type",
    "paid_amount",
    "customer_note",
    "admin_note",
    "banner_image_url",
    "stage_banner_url",
)


@admin.register(Booking)
class BookingAdmin(LargeTableAdmin[Booking]):
    """Staff's view of every booking. Bookings are made through the API (which prices them and
    prevents double booking); here staff move them through their lifecycle with the actions,
    record payments and notes, and open the invoice."""

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
    list_filter = (
        "status",
        "space",
        ("start_datetime", DateFieldListFilter),
        ItemsPaymentSettledFilter,
    )
    list_select_related = ("user", "space")
    search_fields = ("=booking_reference", "user__email", "user__username", "user__mobile")
    date_hierarchy = "start_datetime"
    actions = [
        _transition_action("approve", "Approve selected pending bookings"),
        _transition_action("reject", "Reject selected pending bookings"),
        _transition_action("complete", "Mark selected approved bookings completed"),
    ]
    fieldsets = (
        (None, {"fields": ("booking_reference", "status", "invoice_link")}),
        (
            "Booking",
            {
                "fields": (
                    "user",
                    "venue",
                    "space",
                    "start_datetime",
                    "end_datetime",
                    "booking_type",
                    "event_type",
                    "attendees",
                )
            },
        ),
        (
            "Money",
            {"fields": ("space_amount", "total_amount", "advance_amount", "paid_amount")},
        ),
        (
            "Notes and media",
            {"fields": ("customer_note", "admin_note", "banner_image_url", "stage_banner_url")},
        ),
        ("Transport", {"fields": ("default_pickup_location", "transport_locations")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    # What moves the slot or the price goes through the booking services, never a form.
    readonly_fields = tuple(
        str(field)
        for _, options in fieldsets
        for field in options["fields"]
        if field not in _BOOKING_FIELDS_STAFF_EDIT
    )
    inlines = [BookingItemInline, BookingGuestInline, BookingEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="Invoice")
    def invoice_link(self, booking: Booking) -> str:
        if booking._state.adding:  # the add form, where there is no booking yet
            return "-"
        url = reverse("admin:bookings_booking_invoice", args=[booking.pk])
        return format_html('<a href="{}" class="invoice-link">PDF</a>', url)

    def get_urls(self) -> list[URLPattern]:
        invoice = path(
            "<row_id:booking_id>/invoice/",
            self.admin_site.admin_view(self.invoice_view),
            name="bookings_booking_invoice",
        )
        return [invoice, *super().get_urls()]

    def invoice_view(self, request: HttpRequest, booking_id: int) -> HttpResponseBase:
        """The same PDF the API serves, for staff signed in to the admin."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            booking = selectors.booking_get(booking_id)
        except Booking.DoesNotExist:
            raise Http404("No such booking.") from None
        try:
            return invoices.invoice_response(request, booking)
        except invoices.InvoiceNotReady as exc:
            # Not an error page: the task worker is behind (or down); staff may retry.
            return service_unavailable(request, exc.message, exc.code)


@admin.register(BookingItem)
class BookingItemAdmin(LargeTableAdmin[BookingItem]):
    list_display = (
        "booking",
        "name",
        "kind",
        "vendor",
        "quantity",
        "total_price",
        "event_date",
        "booking_status",
        "is_supplied",
        "payment_settled",
    )
    list_filter = ("booking_status", "payment_settled", "is_supplied", "event_date")
    list_select_related = ("booking", "item", "vendor")
    search_fields = ("=booking__booking_reference", "name", "vendor__company_name")
    autocomplete_fields = ("vendor",)
    readonly_fields = (
        "booking",
        "kind",
        "item",
        "name",
        "code",
        "quantity",
        "hours_used",
        "unit_price",
        "total_price",
        "event_date",
        "payment_settled_at",
        "created_at",
        "updated_at",
    )
    actions = ["settle_payments"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Mark vendor payment settled", permissions=["change"])
    def settle_payments(self, request: HttpRequest, queryset: QuerySet[BookingItem]) -> None:
        settled = services.booking_items_settle(lines=queryset)
        self.message_user(request, f"Marked {settled} line(s) settled.", messages.SUCCESS)


class ParticipantInline(admin.TabularInline[ProgramParticipant, Program]):
    model = ProgramParticipant
    fields = ("name", "mobile", "user", "subscription_type", "amount_paid", "is_active")
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin[Program]):
    list_display = ("title", "program_type", "schedule", "price", "status", "created_at")
    list_filter = ("status", "program_type")
    search_fields = ("title",)
    inlines = [ParticipantInline]


@admin.register(ProgramParticipant)
class ProgramParticipantAdmin(admin.ModelAdmin[ProgramParticipant]):
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
class BookingEventAdmin(admin.ModelAdmin[BookingEvent]):
    """The audit trail: read-only, written by the booking services."""

    list_display = ("created_at", "booking", "actor", "from_status", "to_status", "note")
    list_filter = ("to_status", "created_at")
    list_select_related = ("booking", "actor")
    search_fields = ("=booking__booking_reference", "actor__username")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: BookingEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: BookingEvent | None = None) -> bool:
        return False


@admin.register(AdminSetting)
class AdminSettingAdmin(admin.ModelAdmin[AdminSetting]):
    """Platform settings (refund percentage...): one row per key, checked by its validator."""

    list_display = ("setting_key", "value", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(BookingGuest)
class BookingGuestAdmin(LargeTableAdmin[BookingGuest]):
    """Guests of every booking, for staff arranging transport and guest messages."""

    list_display = ("name", "mobile", "booking", "pickup_location", "needs_transportation")
    list_filter = ("needs_transportation",)
    list_select_related = ("booking",)
    search_fields = ("=booking__booking_reference", "=mobile", "name")
    autocomplete_fields = ("booking",)


@admin.register(InvoiceEdit)
class InvoiceEditAdmin(LargeTableAdmin[InvoiceEdit]):
    """Staff's saved edits of invoices (made on the staff invoice screen, which checks them).
    Read-only here; deleting one puts the computed invoice back (a new PDF version)."""

    list_display = ("booking", "invoice_number", "customer_name", "gst_rate", "updated_at")
    list_select_related = ("booking",)
    search_fields = ("=booking__booking_reference", "invoice_number")
    readonly_fields = (
        "booking",
        "invoice_number",
        "invoice_date",
        "customer_name",
        "gst_rate",
        "brokerage_amount",
        "notes",
        "items",
        "edited_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: InvoiceEdit | None = None) -> bool:
        return False


@admin.register(ItemMedia)
class ItemMediaAdmin(admin.ModelAdmin[ItemMedia]):
    """Item pictures and videos: added through the staff screens (POST /items/{id}/media/
    upload); here staff fix captions and order, or delete one with its file."""

    list_display = ("__str__", "item", "media_type", "is_primary", "display_order", "created_at")
    list_filter = ("media_type", "is_primary")
    list_select_related = ("item", "upload")
    search_fields = ("item__name", "title")
    fields = ("item", "upload", "media_type", "is_primary", "display_order", "title", "description")
    readonly_fields = ("item", "upload", "media_type", "is_primary")
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ItemMedia) -> None:
        catalog_services.item_media_delete(media=obj)
