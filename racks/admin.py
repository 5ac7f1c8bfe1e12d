from django.contrib import admin

from lebrq.admin import LargeTableAdmin
from racks.models import Rack, RackOrder, RackOrderLine, RackProduct


class RackProductInline(admin.TabularInline[RackProduct, Rack]):
    model = RackProduct
    extra = 0
    fields = ("name", "price", "stock_quantity", "status", "category")
    show_change_link = True
    max_num = 500


@admin.register(Rack)
class RackAdmin(admin.ModelAdmin[Rack]):
    list_display = ("name", "code", "location", "category_name", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "=code")
    readonly_fields = ("created_at", "updated_at")
    inlines = [RackProductInline]


@admin.register(RackProduct)
class RackProductAdmin(admin.ModelAdmin[RackProduct]):
    list_display = ("name", "rack", "price", "stock_quantity", "status", "category")
    list_filter = ("status",)
    search_fields = ("name",)
    list_select_related = ("rack",)
    raw_id_fields = ("rack",)
    readonly_fields = ("created_at", "updated_at")


class RackOrderLineInline(admin.TabularInline[RackOrderLine, RackOrder]):
    model = RackOrderLine
    extra = 0
    raw_id_fields = ("product",)
    readonly_fields = ("product_name", "quantity", "unit_price", "subtotal")


@admin.register(RackOrder)
class RackOrderAdmin(LargeTableAdmin[RackOrder]):
    list_display = (
        "order_reference",
        "user",
        "rack",
        "total_amount",
        "payment_status",
        "status",
        "is_surprise_gift",
        "created_at",
    )
    list_filter = ("status", "payment_status")
    search_fields = ("=order_reference",)
    list_select_related = ("user", "rack")
    raw_id_fields = ("user", "rack", "payment")
    # Money and stock move only through the services (payment taken, stock taken): staff
    # change an order's status and delivery details here, not what it cost.
    readonly_fields = (
        "order_reference",
        "total_amount",
        "original_amount",
        "discount_amount",
        "applied_offer_id",
        "payment",
        "payment_status",
        "created_at",
        "updated_at",
    )
    inlines = [RackOrderLineInline]


@admin.register(RackOrderLine)
class RackOrderLineAdmin(LargeTableAdmin[RackOrderLine]):
    list_display = ("order", "product_name", "quantity", "unit_price", "subtotal")
    search_fields = ("=order__order_reference",)
    list_select_related = ("order",)
    raw_id_fields = ("order", "product")
    readonly_fields = ("order", "product", "product_name", "quantity", "unit_price", "subtotal")
