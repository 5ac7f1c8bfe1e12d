"""programs, program_participants."""

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.importers.catalog import _url
from legacy.source import Row


class ProgramsImporter(TableImporter):
    table = "programs"
    model_label = "bookings.Program"
    domain = "programs"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "title", "description", "schedule", "price", "status", "program_type",
                  "poster_url", "created_at", "updated_at", "start_time", "end_time")
    }  # fmt: skip
    not_built: ClassVar[dict[str, str]] = {"event_id": "legacy events (events table)"}
    money: ClassVar[dict[str, str]] = {"price": "price"}

    def convert(self, row: Row) -> models.Model:
        from bookings.models import Program

        ctx = self.ctx
        program_type = c.text(row["program_type"]).strip().lower()
        if program_type:
            program_type = ctx.choose("program_type", c.PROGRAM_TYPE, program_type, "", "empty")
        return Program(
            id=row["id"],
            title=c.bounded("title", row["title"], 200),
            description=c.text(row["description"]),
            program_type=program_type,
            schedule=c.bounded("schedule", row["schedule"], 160),
            start_time=self._time("start_time", row["start_time"]),
            end_time=self._time("end_time", row["end_time"]),
            price=c.money(row["price"], default=Decimal("0")),
            status=ctx.choose("status", c.PROGRAM_STATUS, row["status"], "pending", "pending"),
            poster_url=_url(self, "poster_url", row["poster_url"]),
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def _time(self, column: str, value: str | None) -> Any:
        try:
            return c.clock_time(column, value)
        except c.Invalid as exc:
            return self.ctx.problem(column, exc.message, None, "left empty")

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.title, obj.status, obj.price, obj.program_type)


class ProgramParticipantsImporter(TableImporter):
    table = "program_participants"
    model_label = "bookings.ProgramParticipant"
    domain = "programs"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "user_id": "user_id",
        "name": "name",
        "mobile": "mobile",
        "program_type": "program_type",
        "joined_at": "joined_at (naive UTC -> aware)",
        "subscription_type": "subscription_type",
        "start_date": "start_date (naive IST -> aware)",
        "end_date": "end_date (naive IST -> aware)",
        "amount_paid": "amount_paid",
        "is_active": "is_active",
        "ticket_quantity": "ticket_quantity",
        "is_verified": "is_verified",
        "verified_at": "verified_at",
        "booking_id": "booking_id",
        "scan_count": "scan_count",
    }
    not_built: ClassVar[dict[str, str]] = {
        "event_schedule_id": "event ticketing (HEAD only)",
        "event_definition_id": "event ticketing (HEAD only)",
    }
    money: ClassVar[dict[str, str]] = {"amount_paid": "amount_paid"}

    def convert(self, row: Row) -> models.Model:
        from bookings.models import ProgramParticipant

        ctx = self.ctx
        quantity = row["ticket_quantity"]
        if quantity is None:
            quantity = 1
        if quantity < 0 or (row["scan_count"] or 0) < 0:
            raise c.Invalid("ticket_quantity", "negative")
        return ProgramParticipant(
            id=row["id"],
            user_id=ctx.maybe_parent("user_id", "users", row["user_id"]),
            booking_id=ctx.maybe_parent("booking_id", "bookings", row["booking_id"]),
            name=c.bounded("name", row["name"], 120),
            mobile=c.bounded("mobile", row["mobile"], 32),
            program_type=ctx.choose("program_type", c.PROGRAM_TYPE, row["program_type"]),
            subscription_type=ctx.choose(
                "subscription_type", c.SUBSCRIPTION_TYPE, row["subscription_type"], "", "empty"
            ),
            ticket_quantity=quantity,
            start_date=c.local_aware(row["start_date"]),
            end_date=c.local_aware(row["end_date"]),
            amount_paid=c.money(row["amount_paid"], default=Decimal("0")),
            is_active=c.flag(row["is_active"], True),
            is_verified=c.flag(row["is_verified"]),
            scan_count=row["scan_count"] or 0,
            joined_at=c.utc("joined_at", row["joined_at"]),
            verified_at=c.utc_aware(row["verified_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk,
            obj.user_id,
            obj.booking_id,
            obj.program_type,
            obj.ticket_quantity,
            obj.start_date,
            obj.amount_paid,
        )
