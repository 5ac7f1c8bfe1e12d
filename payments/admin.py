from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from lebrq.admin import LargeTableAdmin, selection_too_large
from payments.choices import RefundStatus
from payments.models import Payment, PaymentEvent, Refund, WebhookEvent
from payments.tasks import refund_send


class PaymentEventInline(admin.TabularInline[PaymentEvent, Payment]):
    model = PaymentEvent
    fields = ("created_at", "from_status", "to_status", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


@admin.register(Payment)
class PaymentAdmin(LargeTableAdmin[Payment]):
    """Money received: read-only here, since only the gateway's word changes a payment."""

    list_display = (
        "created_at",
        "order_id",
        "provider_payment_id",
        "user",
        "booking",
        "amount",
        "status",
        "refunded_amount",
    )
    list_filter = ("status", "provider")
    list_select_related = ("user", "booking")
    search_fields = ("=order_id", "=provider_payment_id", "=booking__booking_reference")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [PaymentEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


@admin.register(Refund)
class RefundAdmin(LargeTableAdmin[Refund]):
    list_display = (
        "created_at",
        "booking",
        "amount",
        "refund_type",
        "status",
        "refund_reference",
        "processed_at",
    )
    list_filter = ("status", "refund_type")
    list_select_related = ("booking",)
    search_fields = ("=booking__booking_reference", "=refund_reference")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in Refund._meta.fields if field.name not in ("notes",)]
    actions = ["send_refunds"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Refund | None = None) -> bool:
        return False

    @admin.action(
        description="Send the selected refunds through the gateway", permissions=["change"]
    )
    def send_refunds(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        if selection_too_large(self, request, queryset):
            return
        sendable = (RefundStatus.PENDING, RefundStatus.FAILED)
        ids = list(queryset.filter(status__in=sendable).values_list("pk", flat=True))
        for refund_id in ids:
            refund_send.enqueue(refund_id)
        self.message_user(request, f"Queued {len(ids)} refund(s).", messages.SUCCESS)


@admin.register(WebhookEvent)
class WebhookEventAdmin(LargeTableAdmin[WebhookEvent]):
    list_display = ("received_at", "event", "event_id")
    list_filter = ("event",)
    search_fields = ("=event_id",)
    date_hierarchy = "received_at"
    readonly_fields = ("event_id", "event", "payload", "received_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: WebhookEvent | None = None) -> bool:
        return False


@admin.register(PaymentEvent)
class PaymentEventAdmin(LargeTableAdmin[PaymentEvent]):
    """Every payment's status history across payments (each payment also shows its own)."""

    list_display = ("created_at", "payment", "from_status", "to_status", "source")
    list_filter = ("to_status", "source")
    list_select_related = ("payment",)
    search_fields = ("=payment__order_id",)
    date_hierarchy = "created_at"
    readonly_fields = ("payment", "from_status", "to_status", "source", "raw", "created_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PaymentEvent | None = None) -> bool:
        return False
