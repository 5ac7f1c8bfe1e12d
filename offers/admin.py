from django.contrib import admin

from lebrq.admin import LargeTableAdmin
from offers.models import Coupon, CouponUsage, DiscountQuote, Offer, OfferNotification, OfferUsage


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin[Offer]):
    list_display = (
        "title",
        "offer_type",
        "discount_type",
        "discount_value",
        "is_active",
        "claimed_count",
    )
    list_filter = ("offer_type", "is_active", "discount_type")
    search_fields = ("title", "festival_name")
    readonly_fields = ("claimed_count", "created_at", "updated_at")


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin[Coupon]):
    list_display = (
        "code",
        "title",
        "discount_type",
        "discount_value",
        "current_usage_count",
        "max_usage_total",
        "is_active",
    )
    list_filter = ("is_active", "discount_type")
    search_fields = ("=code", "title")
    readonly_fields = ("current_usage_count", "created_at", "updated_at")


class UsageAdmin[U: (OfferUsage, CouponUsage)](LargeTableAdmin[U]):
    list_display = ("used_at", "booking", "user", "discount_amount", "final_amount", "released_at")
    list_filter = ("released_at",)
    list_select_related = ("booking", "user")
    date_hierarchy = "used_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(OfferUsage)
class OfferUsageAdmin(UsageAdmin[OfferUsage]):
    search_fields = ("=booking__booking_reference", "offer__title")


@admin.register(CouponUsage)
class CouponUsageAdmin(UsageAdmin[CouponUsage]):
    search_fields = ("=booking__booking_reference", "=coupon__code")


@admin.register(DiscountQuote)
class DiscountQuoteAdmin(LargeTableAdmin[DiscountQuote]):
    list_display = ("created_at", "user", "offer", "coupon", "purchase_amount", "discount_amount")
    list_select_related = ("user", "offer", "coupon")
    readonly_fields = (
        "user",
        "offer",
        "coupon",
        "purchase_amount",
        "discount_amount",
        "created_at",
    )

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(OfferNotification)
class OfferNotificationAdmin(LargeTableAdmin[OfferNotification]):
    list_display = ("notified_at", "offer", "user", "sms_sent", "whatsapp_sent", "email_sent")
    list_select_related = ("offer", "user")
    readonly_fields = (
        "offer",
        "user",
        "sms_sent",
        "whatsapp_sent",
        "email_sent",
        "notified_at",
        "notified_by",
    )

    def has_add_permission(self, request: object) -> bool:
        return False
