from django.contrib import admin

from brokers.models import BrokerPayout, BrokerPayoutLine
from lebrq.admin import LargeTableAdmin


class BrokerPayoutLineInline(admin.TabularInline[BrokerPayoutLine, BrokerPayout]):
    model = BrokerPayoutLine
    raw_id_fields = ("booking",)
    readonly_fields = ("booking", "amount")
    can_delete = False
    extra = 0


@admin.register(BrokerPayout)
class BrokerPayoutAdmin(LargeTableAdmin[BrokerPayout]):
    """Payouts are made and decided by the settlement calls; the admin only shows them."""

    list_display = ("id", "broker", "amount", "status", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("broker__user",)
    raw_id_fields = ("payment", "broker")
    readonly_fields = (
        "payment",
        "broker",
        "amount",
        "status",
        "refusal_reason",
        "created_at",
        "decided_at",
    )
    inlines = [BrokerPayoutLineInline]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(BrokerPayoutLine)
class BrokerPayoutLineAdmin(LargeTableAdmin[BrokerPayoutLine]):
    list_display = ("id", "payout", "booking", "amount")
    list_select_related = ("payout", "booking")
    raw_id_fields = ("payout", "booking")
    readonly_fields = ("payout", "booking", "amount")

    def has_add_permission(self, request: object) -> bool:
        return False
