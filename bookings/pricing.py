"""Money arithmetic for bookings: Decimal only, rounded once per stored amount."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
SECONDS_PER_HOUR = Decimal(3600)


def money(amount: Decimal) -> Decimal:
    """Round to paise, half up (how invoices round)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def booked_hours(start: datetime, end: datetime) -> Decimal:
    return Decimal(int((end - start).total_seconds())) / SECONDS_PER_HOUR


def space_charge(price_per_hour: Decimal, hours: Decimal) -> Decimal:
    return price_per_hour * hours


def item_line_total(
    *,
    unit_price: Decimal,
    quantity: int,
    hours_used: Decimal | None = None,
    base_hours_included: int = 0,
    rate_per_extra_hour: Decimal = Decimal("0"),
) -> Decimal:
    """Unit price x quantity, plus hours beyond those included at the extra-hour rate."""
    extra_hours = max((hours_used or Decimal("0")) - base_hours_included, Decimal("0"))
    return (unit_price + extra_hours * rate_per_extra_hour) * quantity


def percentage_of(amount: Decimal, percent: Decimal) -> Decimal:
    return amount * percent / Decimal(100)
