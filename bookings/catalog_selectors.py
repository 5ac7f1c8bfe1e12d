"""Reads for the staff catalog screens and item media (see bookings.catalog_services)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from bookings.models import Item, ItemMedia

# GET /admin/items answers {items, count} with every matching item, as the legacy did (it had
# no bound): at most this many, newest first; `count` is the number of matches.
STAFF_ITEM_LIST_MAX_ROWS = 2000


def staff_item_list() -> QuerySet[Item]:
    """Every item, available or not, newest first (index items_created_idx)."""
    return Item.objects.order_by("-created_at", "-id")


def item_get(*, item_id: int) -> Item:
    """The item (with its vendor, for the media access check); Http404 if there is none."""
    return get_object_or_404(Item.objects.select_related("vendor"), pk=item_id)


def item_media_list(*, item_id: int) -> QuerySet[ItemMedia]:
    """An item's pictures and videos in display order, with their uploads (one query)."""
    return (
        ItemMedia.objects.filter(item_id=item_id)
        .select_related("upload")
        .order_by("display_order", "created_at", "id")
    )


def item_media_get(*, item_id: int, media_id: int) -> ItemMedia:
    return get_object_or_404(
        ItemMedia.objects.select_related("upload"), pk=media_id, item_id=item_id
    )
