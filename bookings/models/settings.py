from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models


class SettingKey(models.TextChoices):
    """The platform settings staff can change, with the legacy's keys."""

    REFUND_PERCENTAGE = "refund_percentage", "Refund percentage on cancellation"


# Values used while a key has no row (the legacy's defaults).
SETTING_DEFAULTS: dict[str, str] = {SettingKey.REFUND_PERCENTAGE: "40"}


def _validate_percentage(value: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationError("Enter a number, e.g. 40 or 12.5.") from None
    if not Decimal(0) <= number <= Decimal(100):
        raise ValidationError("Enter a percentage from 0 to 100.")


VALIDATORS = {SettingKey.REFUND_PERCENTAGE: _validate_percentage}


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
