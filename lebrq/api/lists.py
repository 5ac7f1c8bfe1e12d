"""The read path of the busiest list pages: rows shaped by plain functions, not a serializer.

A DRF serializer spends most of a list page's time on generic per-field work (a field object
per value, Decimals through the JSON encoder's fallback); building model objects and
prefetches costs as much again. A RowListMixin view pages its ids as before
(PagePagination.paginate_ids), loads those rows with `.values()` and shapes them with plain
functions that format each datetime and amount once. Its serializer_class still defines the
shape: drf-spectacular documents the list from it, and detail views and writes use it. Each
view's tests assert that both give the same bytes, so the two cannot drift.
"""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from lebrq.api.pagination import PagePagination


class RowListMixin(GenericAPIView[Any]):
    """list() through `list_rows(ids)` (put before the viewset's other bases)."""

    def list_rows(self, ids: Sequence[Any]) -> list[dict[str, Any]]:
        """The page's rows in the order of `ids`, each as the serializer would shape it."""
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        paginator = self.paginator
        if not isinstance(paginator, PagePagination):
            raise ImproperlyConfigured(f"{type(self).__name__} pages with PagePagination only.")
        ids = paginator.paginate_ids(self.filter_queryset(self.get_queryset()), request, self)
        return paginator.get_paginated_response(self.list_rows(ids) if ids else [])
