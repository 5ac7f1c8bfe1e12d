"""Platform settings staff change in the admin, read typed (bookings.models.AdminSetting)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bookings.models import AdminSetting
from bookings.models.settings import SETTING_DEFAULTS, SettingKey


def _setting(key: SettingKey) -> str:
    value = AdminSetting.objects.filter(setting_key=key).values_list("value", flat=True).first()
    return SETTING_DEFAULTS[key] if value is None else value


def refund_percentage() -> Decimal:
    """The share of what was paid that a cancelled booking refunds (0-100)."""
    try:
        return Decimal(_setting(SettingKey.REFUND_PERCENTAGE))
    except InvalidOperation:
        # A value written around the admin's validation (e.g. imported): the documented default.
        return Decimal(SETTING_DEFAULTS[SettingKey.REFUND_PERCENTAGE])


def auto_approve() -> bool:
    """Whether a customer's booking is approved as soon as it is paid, instead of waiting for
    staff (the legacy's auto_approve_enabled, read as it read it: "true" or "1")."""
    return _setting(SettingKey.AUTO_APPROVE_ENABLED) in ("true", "1")


@dataclass(frozen=True)
class AdvancePayment:
    """What a customer may pay first instead of the whole total (the legacy's settings)."""

    enabled: bool
    type: str  # "percentage" or "fixed"
    percentage: Decimal
    fixed_amount: Decimal

    def share_of(self, total: Decimal) -> Decimal:
        """The advance on `total` as the checkout computes it: whole rupees, never above the
        total. The whole total when advances are off."""
        if not self.enabled:
            return total
        if self.type == "fixed" and self.fixed_amount > 0:
            share = self.fixed_amount
        else:
            share = total * self.percentage / Decimal(100)
        return min(share.quantize(Decimal("1"), rounding=ROUND_HALF_UP), total).quantize(
            Decimal("0.01")
        )


def advance_payment() -> AdvancePayment:
    values = dict(
        AdminSetting.objects.filter(setting_key__in=ADVANCE_KEYS).values_list(
            "setting_key", "value"
        )
    )

    def value(key: SettingKey) -> str:
        return values.get(key, SETTING_DEFAULTS[key])

    try:
        percentage = Decimal(value(SettingKey.ADVANCE_PAYMENT_PERCENTAGE))
        fixed_amount = Decimal(value(SettingKey.ADVANCE_PAYMENT_FIXED_AMOUNT))
    except InvalidOperation:
        percentage = Decimal(SETTING_DEFAULTS[SettingKey.ADVANCE_PAYMENT_PERCENTAGE])
        fixed_amount = Decimal("0")
    return AdvancePayment(
        enabled=value(SettingKey.ADVANCE_PAYMENT_ENABLED) == "true",
        type=value(SettingKey.ADVANCE_PAYMENT_TYPE),
        percentage=percentage,
        fixed_amount=fixed_amount,
    )


ADVANCE_KEYS = (
    SettingKey.ADVANCE_PAYMENT_ENABLED,
    SettingKey.ADVANCE_PAYMENT_TYPE,
    SettingKey.ADVANCE_PAYMENT_PERCENTAGE,
    SettingKey.ADVANCE_PAYMENT_FIXED_AMOUNT,
)
