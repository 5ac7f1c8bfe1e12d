from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def inr(amount: Decimal) -> str:
    """1234567.5 -> "12,34,567.50": Indian digit grouping (lakh, crore), two decimals."""
    sign = "-" if amount < 0 else ""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return sign + ",".join([*groups, tail]) + "." + fraction


@register.filter
def quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"
