"""venues, spaces, items, item_media."""

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models

from legacy import conversions as c
from legacy.files import FileNotFound, media_type_of
from legacy.importers.base import TableImporter
from legacy.source import Row


def _url(importer: TableImporter, column: str, value: str | None) -> str:
    """A legacy file URL rewritten to our upload (the file copied from --files)."""
    url = c.text(value).strip()
    if not url:
        return ""
    try:
        url = importer.ctx.files.rewrite_url(url)
    except FileNotFound as exc:
        importer.ctx.report.files["missing"] += 1
        url = str(importer.ctx.problem(column, str(exc), url, "legacy URL kept"))
    if len(url) > 500:
        raise c.Invalid(column, "longer than 500 characters")
    return url


class VenuesImporter(TableImporter):
    table = "venues"
    model_label = "bookings.Venue"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "name", "address", "city", "timezone", "metadata_json", "created_at",
                  "updated_at")
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from bookings.models import Venue

        return Venue(
            id=row["id"],
            name=c.bounded("name", row["name"], 255),
            address=c.text(row["address"]),
            city=c.bounded("city", row["city"], 100),
            timezone=c.text(row["timezone"]) or c.venue_zone().key,
            metadata_json=c.json_value("metadata_json", row["metadata_json"], {}),
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.name, obj.timezone, obj.created_at)


class SpacesImporter(TableImporter):
    table = "spaces"
    model_label = "bookings.Space"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "venue_id", "name", "capacity", "price_per_hour", "features", "active",
                  "created_at", "updated_at", "description", "image_url", "event_types",
                  "stage_options", "banner_sizes", "pricing_overrides")
    }  # fmt: skip
    money: ClassVar[dict[str, str]] = {"price_per_hour": "price_per_hour"}

    def convert(self, row: Row) -> models.Model:
        from bookings.models import Space

        capacity = row["capacity"]
        if capacity is None or capacity < 0:
            raise c.Invalid("capacity", f"{capacity!r} is not a capacity")
        price = c.money(row["price_per_hour"])
        if price < 0:
            raise c.Invalid("price_per_hour", "negative")
        return Space(
            id=row["id"],
            venue_id=self.ctx.parent("venue_id", "venues", row["venue_id"]),
            name=c.bounded("name", row["name"], 200),
            description=c.text(row["description"]),
            image_url=_url(self, "image_url", row["image_url"]),
            capacity=capacity,
            price_per_hour=price,
            features=c.json_value("features", row["features"], []),
            pricing_overrides=c.json_value("pricing_overrides", row["pricing_overrides"], {}),
            event_types=c.json_value("event_types", row["event_types"], []),
            stage_options=c.json_value("stage_options", row["stage_options"], []),
            banner_sizes=c.json_value("banner_sizes", row["banner_sizes"], []),
            active=c.flag(row["active"], True),
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.venue_id, obj.name, obj.capacity, obj.price_per_hour, obj.active)


class ItemsImporter(TableImporter):
    table = "items"
    model_label = "bookings.Item"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "vendor_id", "main_category", "name", "description", "price",
                  "base_hours_included", "rate_per_extra_hour", "is_eligible_for_space_offer",
                  "vendor_price", "admin_markup_percent", "available", "preparation_time_minutes",
                  "item_status", "created_at", "updated_at", "category", "subcategory", "type",
                  "image_url", "video_url", "profile_image_url", "profile_info",
                  "performance_team_profile", "space_id")
    }  # fmt: skip
    money: ClassVar[dict[str, str]] = {"price": "price"}

    def convert(self, row: Row) -> models.Model:
        from bookings.models import Item

        ctx = self.ctx
        price = c.money(row["price"])
        if price < 0:
            raise c.Invalid("price", "negative")
        status = ctx.choose(
            "item_status",
            {"available", "under_maintenance", "out_of_stock"},
            row["item_status"] or "available",
            "available",
            "available",
        )
        created = c.utc("created_at", row["created_at"])
        self.ctx.lookups.setdefault("item_names", {})[row["id"]] = (
            c.text(row["name"]),
            c.text(row["description"]).strip(),
        )
        return Item(
            id=row["id"],
            vendor_id=ctx.maybe_parent("vendor_id", "vendor_profiles", row["vendor_id"]),
            space_id=ctx.maybe_parent("space_id", "spaces", row["space_id"]),
            main_category=c.bounded("main_category", row["main_category"], 64),
            category=c.bounded("category", row["category"], 64),
            subcategory=c.bounded("subcategory", row["subcategory"], 64),
            item_type=c.bounded("type", row["type"], 32),
            name=c.bounded("name", row["name"], 255),
            description=c.text(row["description"]),
            vendor_price=row["vendor_price"],
            admin_markup_percent=row["admin_markup_percent"] or Decimal("0"),
            price=price,
            image_url=_url(self, "image_url", row["image_url"]),
            video_url=_url(self, "video_url", row["video_url"]),
            profile_image_url=_url(self, "profile_image_url", row["profile_image_url"]),
            profile_info=c.text(row["profile_info"]),
            performance_team_profile=c.json_value(
                "performance_team_profile", row["performance_team_profile"], None
            ),
            available=c.flag(row["available"], True),
            item_status=status,
            preparation_time_minutes=row["preparation_time_minutes"] or 0,
            base_hours_included=row["base_hours_included"] or 0,
            rate_per_extra_hour=row["rate_per_extra_hour"] or Decimal("0"),
            is_eligible_for_space_offer=c.flag(row["is_eligible_for_space_offer"]),
            created_at=created,
            updated_at=c.utc_aware(row["updated_at"]) or created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.vendor_id, obj.space_id, obj.name, obj.price, obj.available)


class ItemMediaImporter(TableImporter):
    """item_media rows become ItemMedia over an upload of the file (from --files)."""

    table = "item_media"
    model_label = "bookings.ItemMedia"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "item_id": "item_id",
        "media_type": "media_type (from the file's content when they disagree)",
        "file_path": "upload (the file copied from --files)",
        "is_primary": "is_primary",
        "display_order": "display_order",
        "title": "title",
        "description": "description",
        "created_at": "created_at",
    }
    dropped: ClassVar[dict[str, str]] = {
        "file_url": "derived: /static/ + file_path (the upload's URL replaces it)",
    }

    def convert(self, row: Row) -> models.Model:
        from bookings.models import ItemMedia

        item_id = self.ctx.parent("item_id", "items", row["item_id"])
        try:
            upload = self.ctx.files.store_path(c.text(row["file_path"]), owner=None)
        except FileNotFound as exc:
            self.ctx.report.files["missing"] += 1
            raise c.Invalid("file_path", str(exc)) from None
        created = c.utc("created_at", row["created_at"])
        upload.created_at = created
        upload.save(update_fields=["created_at"])
        return ItemMedia(
            id=row["id"],
            item_id=item_id,
            upload=upload,
            media_type=media_type_of(upload),
            is_primary=c.flag(row["is_primary"]),
            display_order=max(row["display_order"] or 0, 0),
            title=c.bounded("title", row["title"], 255),
            description=c.text(row["description"]),
            created_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.item_id, obj.media_type, obj.is_primary, obj.display_order)
