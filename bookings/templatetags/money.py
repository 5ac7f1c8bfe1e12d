from decimal import Decimal

from django import template
from django.utils import numberformat

from bookings import pricing

register = template.Library()

# Indian digit grouping: the last three digits, then pairs (lakh, crore).
INDIAN_GROUPING = (3, 2, 0)


@register.filter
def inr(amount: Decimal) -> str:
    """1234567.5 -> "12,34,567.50", rounded to paise the way invoices round."""
    return numberformat.format(
        pricing.money(amount),
        ".",
        decimal_pos=2,
        grouping=INDIAN_GROUPING,
        thousand_sep=",",
        force_grouping=True,
    )


@register.filter
def quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"
