from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dateparse import parse_datetime


class SettingKey(models.TextChoices):
    """The platform settings staff can change, with the legacy's keys."""

    REFUND_PERCENTAGE = "refund_percentage", "Refund percentage on cancellation"
    ADVANCE_PAYMENT_ENABLED = "advance_payment_enabled", "Advance payment allowed (true/false)"
    ADVANCE_PAYMENT_TYPE = "advance_payment_type", "Advance payment type (percentage/fixed)"
    ADVANCE_PAYMENT_PERCENTAGE = "advance_payment_percentage", "Advance payment percentage"
    ADVANCE_PAYMENT_FIXED_AMOUNT = "advance_payment_fixed_amount", "Advance payment fixed amount"
    AUTO_APPROVE_ENABLED = "auto_approve_enabled", "Approve paid bookings at once (true/false)"
    # POST /admin/bookings/mark-viewed: bookings made after this are new to staff (the badge).
    BOOKINGS_VIEWED_AT = "bookings_viewed_at", "Staff saw the bookings made up to (UTC, ISO 8601)"


# Values used while a key has no row (the legacy's defaults).
SETTING_DEFAULTS: dict[str, str] = {
    SettingKey.REFUND_PERCENTAGE: "40",
    SettingKey.ADVANCE_PAYMENT_ENABLED: "true",
    SettingKey.ADVANCE_PAYMENT_TYPE: "percentage",
    SettingKey.ADVANCE_PAYMENT_PERCENTAGE: "50",
    SettingKey.ADVANCE_PAYMENT_FIXED_AMOUNT: "0",
    SettingKey.AUTO_APPROVE_ENABLED: "false",
    SettingKey.BOOKINGS_VIEWED_AT: "",
}


def _validate_percentage(value: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError("Enter a number, e.g. 40 or 12.5.") from None
    if not Decimal(0) <= number <= Decimal(100):
        raise ValidationError("Enter a percentage from 0 to 100.")


def _validate_boolean(value: str) -> None:
    if value not in ("true", "false"):
        raise ValidationError("Enter true or false.")


def _validate_advance_type(value: str) -> None:
    if value not in ("percentage", "fixed"):
        raise ValidationError("Enter percentage or fixed.")


def _validate_amount(value: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError("Enter an amount in rupees, e.g. 5000.") from None
    if not number.is_finite() or not Decimal(0) <= number < Decimal("100000000"):
        raise ValidationError("Enter an amount from 0 to 99,999,999.")


def _validate_timestamp(value: str) -> None:
    if value and parse_datetime(value) is None:
        raise ValidationError("Enter a date and time, e.g. 2025-06-20T10:00:00+00:00.")


VALIDATORS = {
    SettingKey.REFUND_PERCENTAGE: _validate_percentage,
    SettingKey.ADVANCE_PAYMENT_ENABLED: _validate_boolean,
    SettingKey.ADVANCE_PAYMENT_TYPE: _validate_advance_type,
    SettingKey.ADVANCE_PAYMENT_PERCENTAGE: _validate_percentage,
    SettingKey.ADVANCE_PAYMENT_FIXED_AMOUNT: _validate_amount,
    SettingKey.AUTO_APPROVE_ENABLED: _validate_boolean,
    SettingKey.BOOKINGS_VIEWED_AT: _validate_timestamp,
}


class AdminSetting(models.Model):
    """One platform setting, kept as text under its key as the legacy `admin_settings` table
    did; bookings.policies reads them typed."""

    setting_key = models.CharField(max_length=100, unique=True, choices=SettingKey.choices)
    value = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "admin_settings"
        ordering = ["setting_key"]
        verbose_name = "platform setting"

    def __str__(self) -> str:
        return f"{self.get_setting_key_display()}: {self.value}"

    def clean(self) -> None:
        self.value = self.value.strip()
        validate = VALIDATORS.get(SettingKey(self.setting_key)) if self.setting_key else None
        if validate is not None:
            try:
                validate(self.value)
            except ValidationError as exc:
                raise ValidationError({"value": exc.messages}) from None
