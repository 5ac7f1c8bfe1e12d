"""The one pagination class of the API (the legacy contract the frontend reads)."""

import math
from collections.abc import Sequence
from typing import Any, cast

from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lebrq.pagination import cached_count, page_ids, page_rows

# Past any table we will ever hold, and small enough that an OFFSET built from it stays a
# number the database parses (a 20-digit skip was a SQL syntax error, a 500).
LARGEST_POSITION = 10**12


def _int_param(request: Request, name: str, default: int, *, minimum: int = 1) -> int:
    """A whole-number query parameter; a 400 naming it when it is not one, or too small.
    Anything past LARGEST_POSITION counts as LARGEST_POSITION: an empty page, as for any
    position past the end."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Must be a whole number, got {raw!r}."]}) from None
    if value < minimum:
        raise ValidationError({name: [f"Must be {minimum} or more."]})
    return min(value, LARGEST_POSITION)


class PagePagination(pagination.BasePagination):
    """`page` / `page_size` in, `{"items": [...], "pagination": {...}}` out.

    Written on BasePagination rather than PageNumberPagination because the contract differs:
    page_size is clamped (not ignored) above the maximum, bad numbers are a 400, and a page past
    the end is an empty page rather than DRF's 404.
    """

    page_size = 50
    max_page_size = 100
    # Some legacy lists name it per_page.
    page_size_query_param = "page_size"

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        ids = self.paginate_ids(queryset, request, view)
        # The rows with their joins and prefetches, by a deferred join (lebrq.pagination).
        return list(cast(QuerySet[Any], queryset).filter(pk__in=ids)) if ids else []

    def paginate_ids(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        """The page's primary keys in the list's order (lebrq.pagination.page_ids), for lists
        that load and shape their rows themselves (lebrq.api.lists.RowListMixin)."""
        if not isinstance(queryset, QuerySet):
            # Counting and the deferred-join page (lebrq.pagination) need SQL.
            raise ImproperlyConfigured(f"{type(self).__name__} pages querysets only.")
        if not queryset.ordered:
            raise ImproperlyConfigured(
                f"{getattr(view, '__class__', type(view)).__name__} paginates an unordered "
                "queryset; add order_by() (with a unique last key) so pages are stable."
            )
        self.page = _int_param(request, "page", 1)
        self.page_size_used = min(
            _int_param(request, self.page_size_query_param, self.page_size), self.max_page_size
        )
        self.total = cached_count(queryset)
        offset = (self.page - 1) * self.page_size_used
        if offset >= self.total:
            return []
        return page_ids(queryset, offset, self.page_size_used)

    def get_pagination_data(self) -> dict[str, Any]:
        total_pages = math.ceil(self.total / self.page_size_used) if self.total else 0
        return {
            "page": self.page,
            "page_size": self.page_size_used,
            "total": self.total,
            "total_pages": total_pages,
            "has_next": self.page < total_pages,
            "has_prev": self.page > 1,
        }

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response({"items": data, "pagination": self.get_pagination_data()})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "pagination"],
            "properties": {
                "items": schema,
                "pagination": {
                    "type": "object",
                    "required": [
                        "page",
                        "page_size",
                        "total",
                        "total_pages",
                        "has_next",
                        "has_prev",
                    ],
                    "properties": {
                        "page": {"type": "integer", "minimum": 1, "example": 1},
                        "page_size": {"type": "integer", "minimum": 1, "maximum": 100},
                        "total": {"type": "integer", "minimum": 0, "example": 123},
                        "total_pages": {"type": "integer", "minimum": 0, "example": 3},
                        "has_next": {"type": "boolean"},
                        "has_prev": {"type": "boolean"},
                    },
                },
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "description": "1-based page number (default 1).",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "Rows per page (default 50; values above 100 are clamped to 100).",
                "schema": {"type": "integer", "minimum": 1, "default": 50},
            },
        ]


class SkipLimitPagination(pagination.BasePagination):
    """`skip` / `limit` in, a bare JSON array out: the legacy lists that answered an array.

    limit defaults to 100 and is clamped at 500, the legacy's own bounds, so the frontend sees
    the rows it saw before and no request reads an unbounded table.
    """

    default_limit = 100
    max_limit = 500

    def paginate_queryset(
        self, queryset: QuerySet[Any] | Sequence[Any], request: Request, view: APIView | None = None
    ) -> list[Any]:
        if not isinstance(queryset, QuerySet) or not queryset.ordered:
            raise ImproperlyConfigured(f"{type(self).__name__} pages ordered querysets only.")
        skip = _int_param(request, "skip", 0, minimum=0)
        limit = min(_int_param(request, "limit", self.default_limit, minimum=1), self.max_limit)
        return page_rows(queryset, skip, limit)

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response(data)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return schema

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": "skip",
                "required": False,
                "in": "query",
                "description": "Rows to skip (default 0).",
                "schema": {"type": "integer", "minimum": 0, "default": 0},
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": "Rows to return (default 100; values above 500 are clamped).",
                "schema": {"type": "integer", "minimum": 1, "default": 100},
            },
        ]
