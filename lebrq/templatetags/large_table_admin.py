"""A date hierarchy for very large changelists.

Django's {% date_hierarchy %} lists the years, months or days that have rows with a
SELECT DISTINCT over the whole filtered table (with a time-zone conversion per row): seconds
on a million bookings, on every changelist load. This one offers every year between the
first and the last row (one MIN/MAX, answered from the index), every month of a year and
every day of a month, so a choice may lead to an empty page but nothing scans the table.
"""

import calendar
import datetime
from typing import Any

from django import template
from django.contrib.admin.templatetags.admin_list import date_hierarchy
from django.contrib.admin.views.main import ChangeList
from django.db.models import Field, Max, Min
from django.utils import formats, timezone
from django.utils.text import capfirst

register = template.Library()


@register.inclusion_tag("admin/date_hierarchy.html")
def lightweight_date_hierarchy(cl: ChangeList) -> dict[str, Any]:
    field_name = cl.date_hierarchy
    year_field, month_field = f"{field_name}__year", f"{field_name}__month"
    day_field = f"{field_name}__day"
    year, month = cl.params.get(year_field), cl.params.get(month_field)
    if cl.params.get(day_field):
        # One day: Django's own tag runs no query (and gives None only without a hierarchy).
        return date_hierarchy(cl) or {"show": False}

    def link(filters: dict[str, Any]) -> str:
        return cl.get_query_string(filters, [f"{field_name}__"])

    field = cl.model._meta.get_field(field_name)
    assert isinstance(field, Field), "date_hierarchy names a date field (admin check E128)"
    verbose_name = field.verbose_name
    if year and month:
        days = calendar.monthrange(int(year), int(month))[1]
        choices = [datetime.date(int(year), int(month), day) for day in range(1, days + 1)]
        return {
            "show": True,
            "back": {"link": link({year_field: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_field: year, month_field: month, day_field: d.day}),
                    "title": capfirst(formats.date_format(d, "MONTH_DAY_FORMAT")),
                }
                for d in choices
            ],
            "field_name": verbose_name,
        }
    if year:
        return {
            "show": True,
            "back": {"link": link({}), "title": "All dates"},
            "choices": [
                {
                    "link": link({year_field: year, month_field: m}),
                    "title": capfirst(
                        formats.date_format(datetime.date(int(year), m, 1), "YEAR_MONTH_FORMAT")
                    ),
                }
                for m in range(1, 13)
            ],
            "field_name": verbose_name,
        }
    bounds = cl.queryset.aggregate(first=Min(field_name), last=Max(field_name))
    if bounds["first"] is None:
        return {"show": False}
    first, last = (timezone.localtime(bounds[k]).year for k in ("first", "last"))
    return {
        "show": True,
        "back": None,
        "choices": [
            {"link": link({year_field: str(y)}), "title": str(y)} for y in range(first, last + 1)
        ],
        "field_name": verbose_name,
    }
