from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lebrq.admin import LargeTableAdmin, selection_too_large
from lebrq.errors import DomainError
from racks import services
from racks.choices import OrderStatus
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


def _status_action(
    to_status: str, description: str
) -> Callable[["RackOrderAdmin", HttpRequest, QuerySet[RackOrder]], None]:
    """An admin action moving each selected order through services.order_status_change."""

    @admin.action(description=description, permissions=["change"])
    def run(
        model_admin: "RackOrderAdmin", request: HttpRequest, queryset: QuerySet[RackOrder]
    ) -> None:
        if selection_too_large(model_admin, request, queryset):
            return
        done, refused = 0, []
        for order_id in queryset.values_list("pk", flat=True).iterator(chunk_size=500):
            try:
                services.order_status_change(order_id=order_id, to_status=to_status)
            except DomainError as exc:
                refused.append(exc.message)
            else:
                done += 1
        if done:
            model_admin.message_user(request, f"{done} order(s) {to_status}.", messages.SUCCESS)
        for reason in refused[:20]:
            model_admin.message_user(request, reason, messages.ERROR)

    run.__name__ = f"mark_{to_status}"
    return run


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
    # Money, stock and status move only through the services (payment taken, stock taken,
    # the actions below): staff change an order's delivery details here, not what it cost.
    actions = [
        _status_action(OrderStatus.SHIPPED, "Mark selected orders shipped"),
        _status_action(OrderStatus.DELIVERED, "Mark selected orders delivered"),
    ]
    readonly_fields = (
        "status",
        "order_reference",
        "paid_amount",
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
