from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from bookings import pricing


def test_money_rounds_half_up_to_paise():
    assert pricing.money(Decimal("10.005")) == Decimal("10.01")
    assert pricing.money(Decimal("10.004")) == Decimal("10.00")


def test_booked_hours_counts_partial_hours_exactly():
    start = datetime(2026, 1, 1, 10, 0)  # noqa: DTZ001 - arithmetic only

    assert pricing.booked_hours(start, start + timedelta(minutes=90)) == Decimal("1.5")
    assert pricing.booked_hours(start, start + timedelta(minutes=20)) == Decimal(1200) / 3600


@pytest.mark.parametrize(
    ("hours_used", "expected"),
    [
        (None, Decimal("30000.00")),
        (Decimal("2"), Decimal("30000.00")),  # within the included hours
        (Decimal("3"), Decimal("30000.00")),
        (Decimal("4.5"), Decimal("39000.00")),  # 1.5 extra hours x 3000 x 2 units
    ],
)
def test_item_line_total_charges_extra_hours_per_unit(hours_used, expected):
    total = pricing.item_line_total(
        unit_price=Decimal("15000.00"),
        quantity=2,
        hours_used=hours_used,
        base_hours_included=3,
        rate_per_extra_hour=Decimal("3000.00"),
    )

    assert total == expected


def test_a_third_of_an_hour_is_rounded_once_at_the_end():
    hours = pricing.booked_hours(
        datetime(2026, 1, 1, 10, 0),  # noqa: DTZ001
        datetime(2026, 1, 1, 10, 20),  # noqa: DTZ001
    )

    charge = pricing.space_charge(Decimal("1000.00"), hours) * 3

    assert pricing.money(charge) == Decimal("1000.00")  # not 3 x 333.33
