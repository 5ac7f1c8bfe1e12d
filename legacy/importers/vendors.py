"""booking_item_rejections, vendor_notifications (the booking lines' fulfilment columns are
imported with booking_items)."""

from typing import Any, ClassVar

from django.db import models

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.source import Row

NOTIFICATION_PRIORITIES = {"low", "normal", "high", "urgent"}


class BookingItemRejectionsImporter(TableImporter):
    table = "booking_item_rejections"
    model_label = "vendors.BookingItemRejection"
    domain = "vendors"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_item_id": "booking_item_id",
        "vendor_id": "vendor_id",
        "rejection_note": "rejection_note",
        "rejected_at": "rejected_at (naive UTC -> aware)",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        # A MyISAM table without a unique key: a vendor rejects a line once for us.
        self.seen: set[tuple[int, int]] = set()

    def convert(self, row: Row) -> models.Model:
        from vendors.models import BookingItemRejection

        ctx = self.ctx
        line = ctx.parent("booking_item_id", "booking_items", row["booking_item_id"])
        vendor = ctx.parent("vendor_id", "vendor_profiles", row["vendor_id"])
        if (line, vendor) in self.seen:
            raise c.Invalid("vendor_id", f"vendor {vendor} already rejected line {line}")
        self.seen.add((line, vendor))
        return BookingItemRejection(
            id=row["id"],
            booking_item_id=line,
            vendor_id=vendor,
            rejection_note=c.text(row["rejection_note"]),
            rejected_at=c.utc("rejected_at", row["rejected_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_item_id, obj.vendor_id, obj.rejected_at)


class VendorNotificationsImporter(TableImporter):
    table = "vendor_notifications"
    model_label = "vendors.VendorNotification"
    domain = "vendors"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "vendor_user_id": "vendor_user_id",
        "type": "type",
        "title": "title",
        "message": "message",
        "booking_id": "booking_id (emptied if the booking is gone)",
        "booking_item_id": "booking_item_id (emptied if the line is gone)",
        "link": "link",
        "is_read": "is_read",
        "is_deleted": "is_deleted (hidden, kept)",
        "priority": "priority (low, normal, high, urgent; else normal)",
        "created_at": "created_at (naive UTC -> aware)",
        "read_at": "read_at (naive UTC -> aware)",
    }

    def convert(self, row: Row) -> models.Model:
        from vendors.models import VendorNotification

        ctx = self.ctx
        return VendorNotification(
            id=row["id"],
            vendor_user_id=ctx.parent("vendor_user_id", "users", row["vendor_user_id"]),
            type=c.bounded("type", row["type"], 50),
            title=c.bounded("title", row["title"], 255),
            message=c.text(row["message"]),
            booking_id=ctx.maybe_parent("booking_id", "bookings", row["booking_id"]),
            booking_item_id=ctx.maybe_parent(
                "booking_item_id", "booking_items", row["booking_item_id"]
            ),
            link=c.bounded("link", row["link"], 500),
            is_read=c.flag(row["is_read"]),
            is_deleted=c.flag(row["is_deleted"]),
            priority=ctx.choose(
                "priority", NOTIFICATION_PRIORITIES, row["priority"], "normal", "normal"
            ),
            created_at=c.utc("created_at", row["created_at"]),
            read_at=c.utc_aware(row["read_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.vendor_user_id, obj.type, obj.title, obj.is_read, obj.is_deleted)


# The legacy recorded a vendor's answer as the line's new status.
_HISTORY_ACTIONS = {"confirmed": "accepted", "accepted": "accepted", "rejected": "rejected",
                    "supplied": "supplied", "verified": "verified", "settled": "settled",
                    "cancelled": "cancelled", "assigned": "assigned"}  # fmt: skip


class BookingItemStatusHistoryImporter(TableImporter):
    """A line's status changes, as the fulfilment audit log's events. The legacy also wrote a
    catalog item's stock changes here (no line): those are left out and listed, the item's
    current status being imported with the item."""

    table = "booking_item_status_history"
    model_label = "vendors.FulfilmentEvent"
    domain = "vendors"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_item_id": "booking_item",
        "new_status": "action (confirmed: accepted)",
        "changed_by_user_id": "actor",
        "reason": "note",
        "notes": "note (after the reason)",
        "created_at": "created_at (and notified_at: nobody is told again)",
    }
    dropped: ClassVar[dict[str, str]] = {
        "old_status": "the previous event's status",
        "changed_by_role": "the actor's role",
    }

    def prepare(self) -> None:
        from bookings.models import BookingItem

        self.vendors = dict(
            BookingItem.objects.filter(vendor__isnull=False).values_list("pk", "vendor_id")
        )

    def convert(self, row: Row) -> models.Model:
        from legacy.importers.base import SkipRow
        from legacy.report import RowNote
        from vendors.models import FulfilmentEvent

        ctx = self.ctx
        if row["booking_item_id"] is None:
            ctx.report.rows.append(
                RowNote(
                    self.table,
                    row["id"],
                    "booking_item_id",
                    "a catalog item's status change",
                    "left out: not an event of a booking line",
                )
            )
            raise SkipRow
        line = ctx.parent("booking_item_id", "booking_items", row["booking_item_id"])
        action = ctx.choose("new_status", _HISTORY_ACTIONS, row["new_status"])
        note = " ".join(part for part in (c.text(row["reason"]), c.text(row["notes"])) if part)
        created = c.utc("created_at", row["created_at"])
        return FulfilmentEvent(
            id=row["id"],
            booking_item_id=line,
            action=action,
            vendor_id=self.vendors.get(line),
            actor_id=ctx.maybe_parent("changed_by_user_id", "users", row["changed_by_user_id"]),
            note=note,
            created_at=created,
            notified_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_item_id, obj.action, obj.actor_id, obj.created_at)
