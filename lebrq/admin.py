"""Admin for tables of a million rows: bounded pages, counts, date hierarchy and actions.

Every changelist over a large table uses LargeTableAdmin; every action goes through
selection_too_large, and Django's "delete selected" is replaced by a bounded one here (this
module is imported by the admin's autodiscovery, as the `lebrq` app's admin).
"""

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from lebrq.pagination import cached_count, page_rows


class LargeTablePaginator(Paginator[Any]):
    """Django's Paginator with the cached count and the deferred-join page (lebrq.pagination)."""

    @property
    def queryset(self) -> QuerySet[Any]:
        # A changelist always pages a queryset; counting and the deferred join need one.
        if not isinstance(self.object_list, QuerySet):
            raise TypeError(f"{type(self).__name__} pages querysets only")
        return self.object_list

    @cached_property
    def count(self) -> int:
        return cached_count(self.queryset)

    def page(self, number: int | str) -> Page[Any]:
        valid_number = self.validate_number(number)
        bottom = (valid_number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(page_rows(self.queryset, bottom, top - bottom), valid_number, self)


class LargeTableAdmin[M: Model](admin.ModelAdmin[M]):
    """A changelist whose cost does not grow with the table.

    No full-table COUNT for "N total", no facet counts per filter choice, the deferred-join
    paginator, and a date hierarchy from one MIN/MAX instead of a DISTINCT scan
    (templatetags/large_table_admin.py).
    """

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = LargeTablePaginator
    change_list_template = "admin/large_table_change_list.html"


def selection_too_large(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> bool:
    """Tell the user and return True when an action was asked to touch too many rows.

    Django's "select all" hands an action the whole filtered table; every action here works
    row by row (or, for delete, collects every related object for its confirmation page), so
    a selection is capped at ADMIN_ACTION_MAX_ROWS and nothing is changed beyond it.
    """
    limit = settings.ADMIN_ACTION_MAX_ROWS
    if queryset[: limit + 1].count() <= limit:
        return False
    model_admin.message_user(
        request,
        f"Nothing was changed: select at most {limit} rows for one action (filter the list first).",
        messages.ERROR,
    )
    return True


@admin.action(
    permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s")
)
def bounded_delete_selected(
    model_admin: admin.ModelAdmin[Any], request: HttpRequest, queryset: QuerySet[Any]
) -> HttpResponseBase | None:
    if selection_too_large(model_admin, request, queryset):
        return None
    return delete_selected(model_admin, request, queryset)


# Same name, so it takes the place of Django's own action on every model.
admin.site.add_action(bounded_delete_selected, "delete_selected")
