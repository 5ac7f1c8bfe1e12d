"""payments, refunds."""

import json
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.source import Row

# The legacy recorded what staff paid brokers through Razorpay in this same table, told apart
# only by details.payment_type (routers/broker_payments.py): here those are payouts, paid by
# staff and attached to no customer's booking (brokers/README.md).
PAYOUT_PURPOSES = {
    "broker_payment": "broker_settlement",
    "broker_bulk_payment": "broker_settlement",
}


def payout_details(details: str | bytes | None) -> dict[str, Any] | None:
    """The legacy details of a payment that paid a broker, or None for a customer's."""
    parsed = _gateway_json(c.text(details))
    if isinstance(parsed, dict) and parsed.get("payment_type") in PAYOUT_PURPOSES:
        return parsed
    return None


def _gateway_json(value: str | None) -> Any:
    raw = c.text(value).strip()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw


class PaymentsImporter(TableImporter):
    table = "payments"
    model_label = "payments.Payment"
    domain = "payments"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_id": (
            "booking_id (and user_id: the booking's customer); a broker payout's: none "
            "(user_id: the staff who settled its bookings)"
        ),
        "amount": "amount, amount_paise",
        "currency": "currency",
        "provider": "provider",
        "provider_payment_id": "provider_payment_id",
        "order_id": "order_id (empty: legacy-<id>)",
        "status": "status (mapping table)",
        "paid_at": "paid_at",
        "created_at": "created_at",
        "updated_at": "updated_at (empty: created_at)",
        "details": (
            "gateway_response.legacy_details; payment_type broker_payment / "
            "broker_bulk_payment -> purpose broker_settlement"
        ),
        "gateway_response": "gateway_response.legacy_gateway_response",
    }
    money: ClassVar[dict[str, str]] = {"amount": "amount"}

    def track(self, row: Row, obj: models.Model) -> None:
        per_booking = self.ctx.lookups.setdefault("verify_payments_by_booking", {})
        booking_id = getattr(obj, "booking_id", None)
        if booking_id is None:
            return  # a payout to a broker: no customer's booking took it
        amount = c.money(row["amount"])
        per_booking[booking_id] = per_booking.get(booking_id, Decimal(0)) + amount

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.order_ids: set[str] = set()
        self.payment_ids: set[str] = set()

    def prepare(self) -> None:
        from bookings.models import Booking

        self.booking_users = dict(Booking.objects.values_list("pk", "user_id"))

    def convert(self, row: Row) -> models.Model:
        from payments.models import Payment

        ctx = self.ctx
        payout = payout_details(row["details"])
        purpose, payer = "booking", None
        if payout is not None:
            purpose = PAYOUT_PURPOSES[payout["payment_type"]]
            booking_id = None
            payer = self._payout_payer(row, payout)
        else:
            booking_id = ctx.maybe_parent("booking_id", "bookings", row["booking_id"])
        if payer is None:
            if booking_id is None:
                # Our payments belong to a customer; the legacy's only link to one is the
                # booking.
                raise c.Invalid("booking_id", "no booking, so no customer to own the payment")
            payer = self.booking_users[booking_id]
        amount = c.money(row["amount"])
        if amount <= 0:
            raise c.Invalid("amount", f"{amount} is not a payment")
        order_id = c.text(row["order_id"]).strip() or f"legacy-{row['id']}"
        if order_id != c.text(row["order_id"]):
            ctx.report.converted("payments.order_id", "empty -> legacy-<id>")
        if len(order_id) > 64 or order_id in self.order_ids:
            raise c.Invalid("order_id", "longer than 64 characters or used twice")
        self.order_ids.add(order_id)
        provider_payment_id = c.text(row["provider_payment_id"]).strip() or None
        if provider_payment_id is not None:
            if len(provider_payment_id) > 64 or provider_payment_id in self.payment_ids:
                raise c.Invalid("provider_payment_id", "longer than 64 characters or used twice")
            self.payment_ids.add(provider_payment_id)
        status = ctx.choose("status", c.PAYMENT_STATUS, row["status"])
        gateway: dict[str, Any] = {}
        for column, name in (("gateway_response", "legacy_gateway_response"),
                             ("details", "legacy_details")):  # fmt: skip
            value = _gateway_json(row[column])
            if value is not None:
                gateway[name] = value
        created = c.utc("created_at", row["created_at"])
        paid_at = c.utc_aware(row["paid_at"])
        return Payment(
            id=row["id"],
            user_id=payer,
            booking_id=booking_id,
            purpose=purpose,
            amount=amount,
            amount_paise=c.paise(amount),
            currency=c.bounded("currency", (row["currency"] or "INR").upper(), 3),
            provider=c.bounded("provider", row["provider"] or "razorpay", 20),
            order_id=order_id,
            provider_payment_id=provider_payment_id,
            status=status,
            paid_at=paid_at,
            # Already applied to its booking by the legacy (paid_amount): never again, and
            # reconciliation never refunds it as unclaimed.
            settled_at=(paid_at or created) if status != "pending" else None,
            gateway_response=gateway,
            created_at=created,
            updated_at=c.utc_aware(row["updated_at"]) or created,
        )

    def _payout_payer(self, row: Row, payout: dict[str, Any]) -> int:
        """Who paid a broker: the legacy kept it only on the bookings the payout settled
        (broker_settled_by_user_id), the payment's booking or its details.booking_ids."""
        settled_by: dict[int, int] = self.ctx.lookups.get("booking_broker_settled_by", {})
        candidates = [row["booking_id"], *(payout.get("booking_ids") or [])]
        for booking_id in candidates:
            if isinstance(booking_id, int) and booking_id in settled_by:
                return settled_by[booking_id]
        raise c.Invalid("details", "a payout to a broker whose bookings name no staff payer")

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk,
            obj.booking_id,
            obj.user_id,
            obj.amount,
            obj.status,
            obj.order_id,
            obj.purpose,
        )


class RefundsImporter(TableImporter):
    table = "refunds"
    model_label = "payments.Refund"
    domain = "payments"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "booking_id", "amount", "reason", "status", "refund_type",
                  "refund_method", "refund_reference", "processed_at", "created_at",
                  "updated_at", "notes")
    } | {"created_by_user_id": "created_by_id"}  # fmt: skip
    money: ClassVar[dict[str, str]] = {"amount": "amount"}

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.references: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from payments.models import Refund

        ctx = self.ctx
        amount = c.money(row["amount"])
        if amount <= 0:
            raise c.Invalid("amount", f"{amount} is not a refund")
        reference = c.text(row["refund_reference"]).strip() or None
        if reference is not None:
            if len(reference) > 64 or reference in self.references:
                raise c.Invalid("refund_reference", "longer than 64 characters or used twice")
            self.references.add(reference)
        created = c.utc("created_at", row["created_at"])
        return Refund(
            id=row["id"],
            booking_id=ctx.parent("booking_id", "bookings", row["booking_id"]),
            amount=amount,
            reason=c.text(row["reason"]),
            status=ctx.choose("status", c.REFUND_STATUS, row["status"]),
            refund_type=ctx.choose("refund_type", c.REFUND_TYPE, row["refund_type"]),
            refund_method=c.bounded("refund_method", row["refund_method"], 30),
            refund_reference=reference,
            processed_at=c.utc_aware(row["processed_at"]),
            notes=c.text(row["notes"]),
            created_by_id=ctx.maybe_parent(
                "created_by_user_id", "users", row["created_by_user_id"]
            ),
            created_at=created,
            updated_at=c.utc_aware(row["updated_at"]) or created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_id, obj.amount, obj.status, obj.refund_type)
