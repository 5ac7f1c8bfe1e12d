from django.contrib import admin

from lebrq.admin import LargeTableAdmin
from vendors.models import (
    BookingItemRejection,
    FulfilmentEvent,
    VendorNotification,
    VendorSettlement,
    VendorSettlementLine,
)


@admin.register(FulfilmentEvent)
class FulfilmentEventAdmin(LargeTableAdmin[FulfilmentEvent]):
    """The audit log: read only (the steps are taken through the API and its services)."""

    list_display = ("created_at", "booking_item", "action", "vendor", "actor")
    list_filter = ("action",)
    list_select_related = ("booking_item", "vendor", "actor")
    raw_id_fields = ("booking_item", "vendor", "actor")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(BookingItemRejection)
class BookingItemRejectionAdmin(LargeTableAdmin[BookingItemRejection]):
    list_display = ("rejected_at", "booking_item", "vendor", "rejection_note")
    list_select_related = ("booking_item", "vendor")
    raw_id_fields = ("booking_item", "vendor")


@admin.register(VendorNotification)
class VendorNotificationAdmin(LargeTableAdmin[VendorNotification]):
    list_display = ("created_at", "vendor_user", "type", "title", "is_read", "is_deleted")
    list_filter = ("type", "is_read", "is_deleted")
    list_select_related = ("vendor_user",)
    raw_id_fields = ("vendor_user", "booking", "booking_item")
    search_fields = ("title",)


class VendorSettlementLineInline(admin.TabularInline[VendorSettlementLine, VendorSettlement]):
    model = VendorSettlementLine
    raw_id_fields = ("booking_item",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(VendorSettlement)
class VendorSettlementAdmin(LargeTableAdmin[VendorSettlement]):
    """Payouts prepared through Razorpay: read only (money moves through the API)."""

    list_display = ("created_at", "vendor", "amount", "payment", "settled_at", "refusal")
    list_select_related = ("vendor", "payment")
    raw_id_fields = ("payment", "vendor", "prepared_by")
    inlines = [VendorSettlementLineInline]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(VendorSettlementLine)
class VendorSettlementLineAdmin(LargeTableAdmin[VendorSettlementLine]):
    """The booking items each payout settles (also shown inline on the payout)."""

    list_display = ("settlement", "booking_item", "amount")
    list_select_related = ("settlement", "booking_item")
    raw_id_fields = ("settlement", "booking_item")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
