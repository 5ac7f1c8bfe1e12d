"""Staff writes to the catalog: items, their prices (vendor price + markup), bulk changes, and
their pictures and videos (ItemMedia, stored as uploads).

The staff screens are app/admin/items/index.tsx, EditItemModal.tsx, BulkMarkupModal.tsx and
BulkPreparationTimeModal.tsx; lib/api.ts ItemMediaAPI is shared with the vendor screens.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    PositiveIntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Round
from django.utils import timezone

from accounts.models import User
from bookings.exceptions import ItemInUse
from bookings.models import BookingItem, Item, ItemMedia
from lebrq.errors import Forbidden, InvalidInput, NotFound
from uploads.choices import MediaType, UploadKind
from uploads.models import Upload
from uploads.services import upload_delete, uploads_store

# Item.price and vendor_price are DECIMAL(10, 2).
MAX_PRICE = Decimal("99999999.99")
# Item.admin_markup_percent is DECIMAL(5, 2); the legacy allowed 0-1000 %, which does not fit.
MAX_MARKUP_PERCENT = Decimal("999.99")
CENT = Decimal("0.01")

# The pictures and videos one item may have (the legacy had no bound; GET lists them all).
ITEM_MEDIA_MAX_PER_ITEM = 50

# Fields the staff item forms may set, as the model names them.
TEXT_FIELDS = (
    "main_category",
    "category",
    "subcategory",
    "item_type",
    "description",
    "image_url",
    "video_url",
    "profile_image_url",
    "profile_info",
)


def final_price(vendor_price: Decimal, markup_percent: Decimal) -> Decimal:
    """What a customer pays: the vendor's price plus the markup, to the paisa (half up).

    The legacy rounded a float with round() (admin_items.py calculate_final_price); half up on
    decimals is what the database's ROUND does in the bulk update below.
    """
    return (vendor_price * (100 + markup_percent) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ItemChanges:
    """Validated fields for a new or changed item; absent keys are left as they are."""

    values: Mapping[str, Any]


def _check_price(item: Item) -> None:
    if item.price > MAX_PRICE:
        raise InvalidInput.for_field(
            "vendor_price",
            f"with this markup the price passes {MAX_PRICE}.",
            code="price_too_large",
        )


def _apply(item: Item, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        setattr(item, name, value)


@transaction.atomic
def item_create(*, changes: ItemChanges) -> Item:
    """POST /admin/items: a new item at the price the form gave (the legacy's rule there);
    a vendor price and markup, when sent, set the price instead."""
    item = Item()
    _apply(item, changes.values)
    if item.vendor_price is not None and "price" not in changes.values:
        item.price = final_price(item.vendor_price, item.admin_markup_percent)
    _check_price(item)
    item.full_clean(exclude=["vendor", "space"])
    item.save()
    return item


@transaction.atomic
def item_update(*, item_id: int, changes: ItemChanges) -> Item:
    """PUT /admin/catalog/items/{id}: change what was sent. A vendor price or markup sent
    reprices the item (price = vendor price + markup), as the legacy did."""
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound(f"Item with ID {item_id} not found", code="item_not_found")
    _apply(item, changes.values)
    if {"vendor_price", "admin_markup_percent"} & changes.values.keys():
        if item.vendor_price is None:
            raise InvalidInput.for_field(
                "vendor_price", "send the vendor's price to price the item by markup."
            )
        item.price = final_price(item.vendor_price, item.admin_markup_percent)
    _check_price(item)
    item.full_clean(exclude=["vendor", "space"])
    item.save()
    return item


@transaction.atomic
def item_delete(*, item_id: int) -> None:
    """DELETE /admin/items/{id}: only an item no booking line refers to.

    The legacy deleted the row whatever referred to it (items.py admin_delete_item); booking
    lines keep their item (booking_items.item is PROTECT), so an item that was ever booked is
    refused with 409 item_in_use and stays; staff mark it unavailable instead. Its pictures
    and videos go with it, their files once the deletion is committed.
    """
    item = Item.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound("Item not found", code="item_not_found")
    lines = BookingItem.objects.filter(item_id=item_id).count()
    if lines:
        raise ItemInUse(
            f"{item.name} is on {lines} booking line(s): mark it unavailable instead of "
            "deleting it.",
            extra={"booking_lines": lines},
        )
    uploads = list(Upload.objects.filter(item_media__item_id=item_id))
    ItemMedia.objects.filter(item_id=item_id).delete()
    item.delete()
    for upload in uploads:
        upload_delete(upload)


def _scope(*, vendor_id: int | None, item_ids: Sequence[int] | None) -> Q:
    """The items a bulk change is for: the vendor's, the listed ones, or the listed ones of
    the vendor; one of the two is needed."""
    if vendor_id is None and not item_ids:
        raise InvalidInput(
            "Either vendor_id or item_ids must be provided", code="bulk_scope_missing"
        )
    scope = Q()
    if vendor_id is not None:
        scope &= Q(vendor_id=vendor_id)
    if item_ids:
        scope &= Q(pk__in=item_ids)
    return scope


@transaction.atomic
def items_bulk_markup(
    *, markup_percent: Decimal, vendor_id: int | None, item_ids: Sequence[int] | None
) -> list[int]:
    """Set the markup of many items and reprice them from their vendor price, in one UPDATE.

    Items without a vendor price are left alone (the legacy failed on them with a 500). The
    frontend sends item_ids without vendor_id when some items are picked (index.tsx
    handleApplyBulkMarkup); the legacy required vendor_id and refused that with 422.
    Returns the ids of the repriced items; none is a NotFound and nothing changes.
    """
    scope = _scope(vendor_id=vendor_id, item_ids=item_ids) & Q(vendor_price__isnull=False)
    factor = (100 + markup_percent) / 100
    # A markup that would push a price past DECIMAL(10, 2) refuses the whole change.
    if Item.objects.filter(scope, vendor_price__gt=MAX_PRICE / factor).exists():
        raise InvalidInput.for_field(
            "markup_percent",
            f"with this markup a price would pass {MAX_PRICE}.",
            code="price_too_large",
        )
    money = DecimalField(max_digits=10, decimal_places=2)
    new_price = Round(
        ExpressionWrapper(
            F("vendor_price")
            * Value(factor, output_field=DecimalField(max_digits=12, decimal_places=6)),
            output_field=money,
        ),
        precision=2,
        output_field=money,
    )
    updated = Item.objects.filter(scope).update(
        admin_markup_percent=markup_percent, price=new_price, updated_at=timezone.now()
    )
    if not updated:
        raise NotFound("No items found for that vendor or those ids", code="items_not_found")
    return list(Item.objects.filter(scope).values_list("pk", flat=True))


@transaction.atomic
def items_bulk_preparation_time(
    *, minutes: int, vendor_id: int | None, item_ids: Sequence[int] | None
) -> list[int]:
    """Set the preparation time of many items in one UPDATE; returns their ids."""
    scope = _scope(vendor_id=vendor_id, item_ids=item_ids)
    updated = Item.objects.filter(scope).update(
        preparation_time_minutes=minutes, updated_at=timezone.now()
    )
    if not updated:
        raise NotFound("No items found matching the criteria", code="items_not_found")
    return list(Item.objects.filter(scope).values_list("pk", flat=True))


def parse_profile(value: Any) -> dict[str, Any] | None:
    """performance_team_profile as the forms send it: an object, a JSON string of one, or
    empty. Anything else is a 400 (the legacy's form route refused bad JSON with 422)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidInput.for_field(
                "performance_team_profile", "not valid JSON.", code="invalid_json"
            ) from None
    if not isinstance(value, dict):
        raise InvalidInput.for_field(
            "performance_team_profile", "send a JSON object.", code="invalid_json"
        )
    return value


# --- Item media ----------------------------------------------------------------------------


def item_media_check_access(*, item: Item, user: User) -> None:
    """Staff may change any item's media, a vendor only their own items' (the legacy's
    verify_item_access), nobody else."""
    if user.is_staff:
        return
    if item.vendor_id is not None and item.vendor is not None and item.vendor.user_id == user.pk:
        return
    raise Forbidden("Only staff and the item's vendor may change its pictures.")


def item_media_upload(
    *,
    item: Item,
    uploaded_files: Sequence[UploadedFile[bytes]],
    media_type: str,
    owner: User,
) -> list[ItemMedia]:
    """Store pictures (media_type image) or videos (video) for an item, public, after the
    item's existing ones; all or none."""
    if media_type not in MediaType.values:
        raise InvalidInput.for_field(
            "media_type", "must be 'image' or 'video'", code="invalid_media_type"
        )
    kind = UploadKind.VIDEO if media_type == MediaType.VIDEO else UploadKind.IMAGE
    with transaction.atomic():
        # The item's row orders concurrent uploads, so display orders do not collide.
        Item.objects.select_for_update().filter(pk=item.pk).first()
        existing = ItemMedia.objects.filter(item=item).aggregate(
            count=Count("pk"), last=Max("display_order")
        )
        if existing["count"] + len(uploaded_files) > ITEM_MEDIA_MAX_PER_ITEM:
            raise InvalidInput(
                f"An item holds at most {ITEM_MEDIA_MAX_PER_ITEM} pictures and videos; "
                f"it has {existing['count']}.",
                code="too_many_media",
            )
        uploads = uploads_store(
            uploaded_files=uploaded_files, owner=owner, kind=kind, is_public=True
        )
        try:
            start = -1 if existing["last"] is None else existing["last"]
            return ItemMedia.objects.bulk_create(
                ItemMedia(item=item, upload=upload, media_type=media_type, display_order=start + n)
                for n, upload in enumerate(uploads, start=1)
            )
        except BaseException:
            for upload in uploads:
                upload.delete_files()
            raise


@transaction.atomic
def item_media_delete(*, media: ItemMedia) -> None:
    upload = media.upload
    media.delete()
    upload_delete(upload)


@transaction.atomic
def item_media_set_primary(*, media: ItemMedia) -> ItemMedia:
    """This one primary, the item's others not, in one UPDATE."""
    ItemMedia.objects.filter(item_id=media.item_id).update(
        is_primary=Case(When(pk=media.pk, then=Value(True)), default=Value(False))
    )
    media.is_primary = True
    return media


@transaction.atomic
def item_media_reorder(*, item: Item, media_ids: Sequence[int]) -> None:
    """Give the listed media the display orders 0, 1, 2... in one UPDATE.

    The legacy ignored ids of other items; here such an id (or a repeated one) refuses the
    request and nothing changes. Media left out keep their order, as in the legacy.
    """
    if len(set(media_ids)) != len(media_ids):
        raise InvalidInput.for_field("media_ids", "an id is repeated.", code="invalid_order")
    if not media_ids:
        raise InvalidInput.for_field("media_ids", "list the media in their new order.")
    found = ItemMedia.objects.filter(item=item, pk__in=media_ids).count()
    if found != len(media_ids):
        raise InvalidInput.for_field(
            "media_ids", "every id must be one of this item's media.", code="invalid_order"
        )
    ItemMedia.objects.filter(item=item, pk__in=media_ids).update(
        display_order=Case(
            *(When(pk=media_id, then=Value(order)) for order, media_id in enumerate(media_ids)),
            default=F("display_order"),
            output_field=PositiveIntegerField(),
        )
    )


@transaction.atomic
def item_media_update(*, media: ItemMedia, title: str | None, description: str | None) -> ItemMedia:
    """Change the caption; None leaves a field as it is (the legacy's rule)."""
    fields = []
    if title is not None:
        media.title = title
        fields.append("title")
    if description is not None:
        media.description = description
        fields.append("description")
    if fields:
        media.save(update_fields=fields)
    return media
