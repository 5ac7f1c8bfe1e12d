"""Admin actions with bounded work: a selection may be "all 1,000,000 bookings"."""

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.http import HttpRequest
from django.utils.translation import gettext_lazy


def selection_too_large(model_admin: admin.ModelAdmin, request: HttpRequest, queryset) -> bool:
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
def bounded_delete_selected(model_admin: admin.ModelAdmin, request: HttpRequest, queryset):
    if selection_too_large(model_admin, request, queryset):
        return None
    return delete_selected(model_admin, request, queryset)


# Same name, so it takes the place of Django's own action on every model.
admin.site.add_action(bounded_delete_selected, "delete_selected")
