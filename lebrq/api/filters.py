from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from lebrq.api.fields import clamp_to_stored


class StableOrderingFilter(OrderingFilter):
    """OrderingFilter that always ends on the primary key, so pages never overlap or skip rows
    when the chosen column has ties (DRF leaves ties to the database)."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if not any(field.lstrip("-") in ("pk", "id") for field in ordering):
            descending = bool(ordering) and ordering[0].startswith("-")
            ordering.append("-id" if descending else "id")
        return ordering


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number the database's 64-bit key can hold.

    NumberFilter accepts any decimal (1e300, -0.5), which the database then fails on with a
    500; out-of-range values are a 400 here.
    """

    # The stubs pin NumberFilter.field_class to DecimalField; any number form field works.
    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class StoredDateFormField(forms.DateField):
    def to_python(self, value: Any) -> Any:
        day = super().to_python(value)
        return clamp_to_stored(day) if day is not None else None


class StoredDateFilter(django_filters.DateFilter):
    """A date bound moved inside what the database stores: `from_date=0001-01-01` means
    "from the beginning" (it overflowed into a 500), `to_date=9999-12-31` "to the end"."""

    field_class = StoredDateFormField
