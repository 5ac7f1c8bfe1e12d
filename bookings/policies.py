"""Platform settings staff change in the admin, read typed (bookings.models.AdminSetting)."""

from decimal import Decimal, InvalidOperation

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
