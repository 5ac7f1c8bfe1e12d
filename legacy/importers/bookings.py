"""bookings, booking_items, booking_events, booking_guests, admin_settings."""

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.importers.catalog import _url
from legacy.importers.payments import payout_details
from legacy.source import Row

TRANSPORT_MARK = " ||TRANSPORT_LOCATIONS:"
ZERO = Decimal("0")


def split_transport(note: str) -> tuple[str, list[Any]]:
    """The legacy appended the booking screen's transport locations to customer_note as
    ` ||TRANSPORT_LOCATIONS:<json>`; ours keeps them in transport_locations."""
    at = note.find(TRANSPORT_MARK)
    if at < 0:
        at = note.find(TRANSPORT_MARK.strip())
        mark = TRANSPORT_MARK.strip()
    else:
        mark = TRANSPORT_MARK
    if at < 0:
        return note, []
    try:
        locations = json.loads(note[at + len(mark) :])
    except json.JSONDecodeError:
        return note, []
    if not isinstance(locations, list):
        locations = [locations]
    return note[:at], locations


class BookingsImporter(TableImporter):
    table = "bookings"
    model_label = "bookings.Booking"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_reference": "booking_reference",
        "series_reference": "series_reference",
        "user_id": "user_id",
        "venue_id": "venue_id",
        "space_id": "space_id",
        "start_datetime": "start_datetime (naive IST -> aware)",
        "end_datetime": "end_datetime (naive IST -> aware)",
        "attendees": "attendees",
        "status": "status (mapping table)",
        "total_amount": "total_amount; space_amount = total - lines",
        "admin_note": "admin_note",
        "customer_note": "customer_note; its ||TRANSPORT_LOCATIONS:<json> -> transport_locations",
        "created_at": "created_at",
        "updated_at": "updated_at",
        "booking_type": "booking_type",
        "event_type": "event_type",
        "is_admin_booking": "is_admin_booking",
        "banner_image_url": "banner_image_url (file copied, URL rewritten)",
        "stage_banner_url": "stage_banner_url (file copied, URL rewritten)",
        "transport_location": "default_pickup_location",
        "broker_id": "broker_id",
        "brokerage_amount": "brokerage_amount",
        "broker_settled": "broker_settled",
        "broker_settled_at": "broker_settled_at (naive UTC -> aware)",
        "broker_settled_by_user_id": "broker_settled_by_id",
    }
    not_built: ClassVar[dict[str, str]] = {
        "admin_viewed_at": "staff badges per booking (bookings_viewed_at is one global mark)",
    }
    money: ClassVar[dict[str, str]] = {
        "total_amount": "total_amount",
        "brokerage_amount": "brokerage_amount",
    }

    def prepare(self) -> None:
        """Per booking: the legacy lines' total and the money received, for space_amount and
        paid_amount (two streamed passes; one Decimal per booking kept)."""
        lines: dict[int, Decimal] = {}
        for row in self.ctx.source.stream("booking_items", order_by=""):
            amount = c.money(row["total_price"], default=ZERO)
            lines[row["booking_id"]] = lines.get(row["booking_id"], ZERO) + amount
        paid: dict[int, Decimal] = {}
        if "payments" in self.ctx.source_tables:
            for row in self.ctx.source.stream("payments", order_by=""):
                status = c.lookup(c.PAYMENT_STATUS, row["status"])
                if (
                    row["booking_id"] is not None
                    and status == "success"
                    and payout_details(row["details"]) is None  # staff paying a broker
                ):
                    amount = c.money(row["amount"], default=ZERO)
                    paid[row["booking_id"]] = paid.get(row["booking_id"], ZERO) + amount
        self.ctx.lookups["booking_lines_total"] = lines
        self.ctx.lookups["booking_paid"] = paid
        self.ctx.lookups["booking_start_day"] = {}
        # Who paid each settled brokerage: the payer of the legacy's broker payouts.
        self.ctx.lookups["booking_broker_settled_by"] = {}

    def convert(self, row: Row) -> models.Model:
        from bookings.models import Booking

        ctx = self.ctx
        start = c.local_aware(row["start_datetime"])
        end = c.local_aware(row["end_datetime"])
        if start is None or end is None:
            raise c.Invalid("start_datetime", "missing")
        if end <= start:
            fixed = (end, start) if end < start else (start, start + timedelta(hours=1))
            start, end = ctx.problem(
                "end_datetime",
                f"ends ({row['end_datetime']}) before it starts ({row['start_datetime']})",
                fixed,
                "inverted times swapped; an empty window made one hour (the legacy's rule)",
            )
        total = c.money(row["total_amount"])
        if total < 0:
            raise c.Invalid("total_amount", f"negative ({total})")
        lines = ctx.lookups["booking_lines_total"].get(row["id"], ZERO)
        space_amount = total - lines
        if space_amount < 0:
            ctx.report.converted("bookings.space_amount", "lines exceed the total: 0")
            space_amount = ZERO
        note, locations = split_transport(c.text(row["customer_note"]))
        if locations:
            ctx.report.converted("bookings.customer_note", "transport locations moved out")
        status = ctx.choose(
            "status",
            c.BOOKING_STATUS,
            row["status"],
            "pending",
            "pending (staff review)",
        )
        booking_type = ctx.choose(
            "booking_type",
            c.BOOKING_TYPES,
            row["booking_type"] or "one_day",
            "one_day",
            "one_day",
        )
        attendees = row["attendees"]
        if attendees is not None and attendees < 0:
            attendees = ctx.problem("attendees", "negative", None, "left empty")
        ctx.lookups["booking_start_day"][row["id"]] = start.date()
        if row["broker_settled_by_user_id"] in ctx.ids.get("users", set()):
            ctx.lookups["booking_broker_settled_by"][row["id"]] = row["broker_settled_by_user_id"]
        brokerage = c.money(row["brokerage_amount"], default=ZERO)
        if brokerage < 0:
            brokerage = ctx.problem("brokerage_amount", f"negative ({brokerage})", ZERO, "0")
        return Booking(
            id=row["id"],
            booking_reference=c.bounded("booking_reference", row["booking_reference"], 32),
            series_reference=c.bounded("series_reference", row["series_reference"], 32),
            user_id=ctx.parent("user_id", "users", row["user_id"]),
            venue_id=ctx.parent("venue_id", "venues", row["venue_id"]),
            space_id=ctx.parent("space_id", "spaces", row["space_id"]),
            start_datetime=start,
            end_datetime=end,
            attendees=attendees,
            status=status,
            booking_type=booking_type,
            event_type=c.bounded("event_type", row["event_type"], 100),
            space_amount=space_amount,
            total_amount=total,
            advance_amount=ZERO,
            paid_amount=ctx.lookups["booking_paid"].get(row["id"], ZERO),
            customer_note=note,
            admin_note=c.text(row["admin_note"]),
            is_admin_booking=c.flag(row["is_admin_booking"]),
            banner_image_url=_url(self, "banner_image_url", row["banner_image_url"]),
            stage_banner_url=_url(self, "stage_banner_url", row["stage_banner_url"]),
            transport_locations=locations,
            default_pickup_location=c.bounded("transport_location", row["transport_location"], 500),
            broker_id=ctx.maybe_parent("broker_id", "broker_profiles", row["broker_id"]),
            brokerage_amount=brokerage,
            broker_settled=c.flag(row["broker_settled"]),
            broker_settled_at=c.utc_aware(row["broker_settled_at"]),
            broker_settled_by_id=ctx.maybe_parent(
                "broker_settled_by_user_id", "users", row["broker_settled_by_user_id"]
            ),
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk,
            obj.booking_reference,
            obj.user_id,
            obj.space_id,
            obj.start_datetime,
            obj.end_datetime,
            obj.status,
            obj.total_amount,
            obj.paid_amount,
            obj.broker_id,
            obj.brokerage_amount,
            obj.broker_settled,
            obj.created_at,
        )


class BookingItemsImporter(TableImporter):
    table = "booking_items"
    model_label = "bookings.BookingItem"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_id": "booking_id",
        "item_id": "item_id; name (and kind/code for transport and stage banner lines)",
        "vendor_id": "vendor_id",
        "quantity": "quantity",
        "hours_used": "hours_used",
        "unit_price": "unit_price",
        "total_price": "total_price",
        "created_at": "created_at (and updated_at)",
        "event_date": "event_date (empty: the booking's start date)",
        "booking_status": "booking_status",
        "is_supplyed": "is_supplied",
        "payment_settled": "payment_settled",
        "payment_settled_at": "payment_settled_at",
        # The vendor's fulfilment (vendors/README.md).
        "rejection_status": "rejection_status",
        "rejection_note": "rejection_note",
        "rejected_at": "rejected_at",
        "supplied_at": "supplied_at",
        "supply_verified": "supply_verified",
        "verified_at": "verified_at",
        "accepted_at": "accepted_at",
        "supply_reminder_sent_at": "supply_reminder_sent_at",
        "payment_settled_by_user_id": "payment_settled_by (emptied if the user is gone)",
    }
    dropped: ClassVar[dict[str, str]] = {
        "is_supplies": "a misspelt duplicate of is_supplyed that no legacy code reads",
    }
    money: ClassVar[dict[str, str]] = {"unit_price": "unit_price", "total_price": "total_price"}

    def track(self, row: Row, obj: models.Model) -> None:
        per_booking = self.ctx.lookups.setdefault("verify_lines_by_booking", {})
        amount = c.money(row["total_price"])
        per_booking[row["booking_id"]] = per_booking.get(row["booking_id"], ZERO) + amount

    def convert(self, row: Row) -> models.Model:
        from bookings.models import BookingItem

        ctx = self.ctx
        booking_id = ctx.parent("booking_id", "bookings", row["booking_id"])
        item_id = ctx.maybe_parent("item_id", "items", row["item_id"])
        name, description = ctx.lookups.get("item_names", {}).get(item_id, ("", ""))
        kind, code = "catalog", ""
        if description == "transport":
            kind, code = "transport", "transport"
        elif description.startswith("stage_banner"):
            kind, code = "stage_banner", "stage_banner"
        if kind != "catalog":
            ctx.report.converted("booking_items.kind", f"custom item -> {kind}")
        quantity = row["quantity"]
        if quantity is None or quantity < 1:
            raise c.Invalid("quantity", f"{quantity!r} is not a quantity")
        hours = row["hours_used"]
        if hours is not None and not (ZERO <= hours < Decimal("10000")):
            raise c.Invalid("hours_used", f"{hours} is out of range")
        event_date = c.day(row["event_date"])
        if event_date is None:
            event_date = ctx.lookups["booking_start_day"][booking_id]
            ctx.report.converted("booking_items.event_date", "empty -> booking's start date")
        created = c.utc("created_at", row["created_at"])
        return BookingItem(
            id=row["id"],
            booking_id=booking_id,
            kind=kind,
            item_id=item_id,
            name=name[:255],
            code=code,
            vendor_id=ctx.maybe_parent("vendor_id", "vendor_profiles", row["vendor_id"]),
            quantity=quantity,
            hours_used=hours,
            unit_price=c.money(row["unit_price"]),
            total_price=c.money(row["total_price"]),
            event_date=event_date,
            booking_status=ctx.choose(
                "booking_status",
                c.BOOKING_ITEM_STATUS,
                row["booking_status"],
                "pending",
                "pending",
            ),
            is_supplied=c.flag(row["is_supplyed"]),
            payment_settled=c.flag(row["payment_settled"]),
            payment_settled_at=c.utc_aware(row["payment_settled_at"]),
            rejection_status=c.flag(row["rejection_status"]),
            rejection_note=c.text(row["rejection_note"]),
            rejected_at=c.utc_aware(row["rejected_at"]),
            supplied_at=c.utc_aware(row["supplied_at"]),
            supply_verified=c.flag(row["supply_verified"]),
            verified_at=c.utc_aware(row["verified_at"]),
            accepted_at=c.utc_aware(row["accepted_at"]),
            supply_reminder_sent_at=c.utc_aware(row["supply_reminder_sent_at"]),
            payment_settled_by_id=ctx.maybe_parent(
                "payment_settled_by_user_id", "users", row["payment_settled_by_user_id"]
            ),
            created_at=created,
            updated_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk,
            obj.booking_id,
            obj.item_id,
            obj.quantity,
            obj.unit_price,
            obj.total_price,
            obj.booking_status,
            obj.is_supplied,
            obj.rejection_status,
            obj.supply_verified,
            obj.payment_settled,
        )


class BookingEventsImporter(TableImporter):
    table = "booking_events"
    model_label = "bookings.BookingEvent"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_id": "booking_id",
        "actor_user_id": "actor_id",
        "from_status": "from_status (the legacy's word, as history)",
        "to_status": "to_status (the legacy's word, as history)",
        "note": "note",
        "created_at": "created_at",
    }

    def convert(self, row: Row) -> models.Model:
        from bookings.models import BookingEvent

        ctx = self.ctx
        return BookingEvent(
            id=row["id"],
            booking_id=ctx.parent("booking_id", "bookings", row["booking_id"]),
            actor_id=ctx.maybe_parent("actor_user_id", "users", row["actor_user_id"]),
            from_status=c.bounded("from_status", row["from_status"], 32),
            to_status=c.bounded("to_status", row["to_status"], 32),
            note=c.text(row["note"]),
            created_at=c.utc("created_at", row["created_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_id, obj.actor_id, obj.from_status, obj.to_status)


class BookingGuestsImporter(TableImporter):
    table = "booking_guests"
    model_label = "bookings.BookingGuest"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "booking_id", "name", "mobile", "pickup_location",
                  "needs_transportation", "created_at", "updated_at")
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from bookings.models import BookingGuest

        return BookingGuest(
            id=row["id"],
            booking_id=self.ctx.parent("booking_id", "bookings", row["booking_id"]),
            name=c.bounded("name", row["name"], 255),
            mobile=c.bounded("mobile", row["mobile"], 20),
            pickup_location=c.bounded("pickup_location", row["pickup_location"], 500),
            needs_transportation=c.flag(row["needs_transportation"]),
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_id, obj.name, obj.mobile, obj.needs_transportation)


class AdminSettingsImporter(TableImporter):
    table = "admin_settings"
    model_label = "bookings.AdminSetting"
    domain = "bookings"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "setting_key": "setting_key",
        "value": "value (booleans as true/false)",
        "updated_at": "updated_at (empty: the import's time)",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.keys: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from bookings.models import AdminSetting

        key = c.bounded("setting_key", row["setting_key"], 100).strip()
        if key in self.keys:
            raise c.Invalid("setting_key", f"{key} appears twice")
        self.keys.add(key)
        value = c.setting_value(key, row["value"])
        if value != c.text(row["value"]):
            self.ctx.report.converted("admin_settings.value", "normalised")
        return AdminSetting(
            id=row["id"],
            setting_key=key,
            value=value,
            updated_at=c.utc_aware(row["updated_at"]) or timezone.now(),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.setting_key, obj.value)
