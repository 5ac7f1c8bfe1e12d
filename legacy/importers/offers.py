"""offers, coupons, offer_usage, coupon_usage, offer_notifications."""

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.source import Row

DISCOUNT_TYPES = {"percentage", "flat"}
OFFER_TYPES = {"festival", "birthday", "first_x_users", "rack"}

_RACK_OFFERS = "racks (an offer tied to a rack or a rack product)"


def _rule_fields(importer: TableImporter, row: Row) -> dict[str, Any]:
    """What an offer and a coupon share (offers.models.DiscountRule)."""
    ctx = importer.ctx
    value = c.money(row["discount_value"])
    if value < 0:
        raise c.Invalid("discount_value", f"{value} is negative")
    discount_type = ctx.choose("discount_type", DISCOUNT_TYPES, row["discount_type"])
    created = c.utc_aware(row["created_at"]) or timezone.now()
    return {
        "id": row["id"],
        "title": c.bounded("title", row["title"], 200),
        "description": c.text(row["description"]),
        "is_active": c.flag(row["is_active"], True),
        "discount_type": discount_type,
        "discount_value": value,
        "min_purchase_amount": _optional_money(row["min_purchase_amount"]),
        "max_discount_amount": _optional_money(row["max_discount_amount"]),
        "created_by_id": ctx.maybe_parent("created_by_user_id", "users", row["created_by_user_id"]),
        "created_at": created,
        "updated_at": c.utc_aware(row["updated_at"]) or created,
    }


def _optional_money(value: float | None) -> Decimal | None:
    return None if value is None else c.money(value)


def _count(column: str, value: int | None) -> int:
    if value is None:
        return 0
    if int(value) < 0:
        raise c.Invalid(column, f"{value} is negative")
    return int(value)


def _limit(column: str, value: int | None) -> int | None:
    """A legacy limit: NULL and 0 or less mean no limit (the legacy checked `if limit and ...`)."""
    if value is None or int(value) <= 0:
        return None
    return int(value)


_RULE_HOMES = {
    "id": "id",
    "title": "title",
    "description": "description",
    "is_active": "is_active",
    "discount_type": "discount_type",
    "discount_value": "discount_value",
    "min_purchase_amount": "min_purchase_amount",
    "max_discount_amount": "max_discount_amount",
    "created_by_user_id": "created_by",
    "created_at": "created_at",
    "updated_at": "updated_at (empty: created_at)",
}


class OffersImporter(TableImporter):
    table = "offers"
    model_label = "offers.Offer"
    domain = "offers"
    homes: ClassVar[dict[str, str]] = {
        **_RULE_HOMES,
        "offer_type": "offer_type",
        "priority": "priority",
        "festival_name": "festival_name",
        "start_date": "start_date",
        "end_date": "end_date",
        "number_of_users": "number_of_users (0 or less: no limit)",
        "claimed_count": "claimed_count",
        "surprise_gift_name": "surprise_gift_name",
        "surprise_gift_image_url": "surprise_gift_image_url",
    }
    not_built: ClassVar[dict[str, str]] = {"rack_id": _RACK_OFFERS, "product_id": _RACK_OFFERS}
    money: ClassVar[dict[str, str]] = {"discount_value": "discount_value"}

    def convert(self, row: Row) -> models.Model:
        from offers.models import Offer

        ctx = self.ctx
        limit = _limit("number_of_users", row["number_of_users"])
        claimed = _count("claimed_count", row["claimed_count"])
        if limit is not None and claimed > limit:
            # The legacy's counter ran past its limit (a race it had no lock against).
            limit = ctx.problem(
                "number_of_users",
                f"{claimed} claimed of {limit}",
                claimed,
                "the limit raised to what was claimed",
            )
        start, end = c.day(row["start_date"]), c.day(row["end_date"])
        if start and end and end < start:
            raise c.Invalid("end_date", f"{end} is before {start}")
        return Offer(
            **_rule_fields(self, row),
            offer_type=ctx.choose("offer_type", OFFER_TYPES, row["offer_type"]),
            priority=int(row["priority"] or 0),
            festival_name=c.bounded("festival_name", row["festival_name"], 200),
            start_date=start,
            end_date=end,
            number_of_users=limit,
            claimed_count=claimed,
            surprise_gift_name=c.bounded("surprise_gift_name", row["surprise_gift_name"], 200),
            surprise_gift_image_url=c.bounded(
                "surprise_gift_image_url", row["surprise_gift_image_url"], 500
            ),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk, obj.offer_type, obj.title, obj.discount_type, obj.discount_value,
            obj.number_of_users, obj.claimed_count, obj.start_date, obj.end_date, obj.is_active,
        )  # fmt: skip


class CouponsImporter(TableImporter):
    table = "coupons"
    model_label = "offers.Coupon"
    domain = "offers"
    homes: ClassVar[dict[str, str]] = {
        **_RULE_HOMES,
        "code": "code (trimmed, upper case)",
        "max_usage_per_user": "max_usage_per_user (0 or less: no limit)",
        "max_usage_total": "max_usage_total (0 or less: no limit)",
        "current_usage_count": "current_usage_count",
        "valid_from": "valid_from",
        "valid_until": "valid_until",
    }
    money: ClassVar[dict[str, str]] = {"discount_value": "discount_value"}

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.codes: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from offers.models import Coupon

        ctx = self.ctx
        code = c.bounded("code", row["code"], 50).strip().upper()
        if not code:
            raise c.Invalid("code", "empty")
        if code in self.codes:
            raise c.Invalid("code", f"{code} is used by another coupon (codes are unique)")
        self.codes.add(code)
        if code != c.text(row["code"]):
            ctx.report.converted("coupons.code", "trimmed, upper case")
        total = _limit("max_usage_total", row["max_usage_total"])
        used = _count("current_usage_count", row["current_usage_count"])
        if total is not None and used > total:
            total = ctx.problem(
                "max_usage_total", f"{used} used of {total}", used, "the limit raised to the uses"
            )
        valid_from, valid_until = c.utc_aware(row["valid_from"]), c.utc_aware(row["valid_until"])
        if valid_from and valid_until and valid_until < valid_from:
            raise c.Invalid("valid_until", f"{valid_until} is before {valid_from}")
        # Coupon.save() would upper-case the code; bulk_create does not call it, so it is done
        # above.
        return Coupon(
            **_rule_fields(self, row),
            code=code,
            max_usage_per_user=_limit("max_usage_per_user", row["max_usage_per_user"]),
            max_usage_total=total,
            current_usage_count=used,
            valid_from=valid_from,
            valid_until=valid_until,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk, obj.code, obj.discount_type, obj.discount_value, obj.max_usage_total,
            obj.current_usage_count, obj.valid_from, obj.valid_until, obj.is_active,
        )  # fmt: skip


class _UsageImporter(TableImporter):
    """offer_usage and coupon_usage: one discount taken on one booking."""

    parent_table: ClassVar[str]
    parent_column: ClassVar[str]
    domain = "offers"
    money: ClassVar[dict[str, str]] = {
        "discount_amount": "discount_amount",
        "original_amount": "original_amount",
        "final_amount": "final_amount",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: set[tuple[int, int]] = set()

    def fields(self, row: Row) -> dict[str, Any]:
        ctx = self.ctx
        parent = ctx.parent(self.parent_column, self.parent_table, row[self.parent_column])
        booking_id = ctx.maybe_parent("booking_id", "bookings", row["booking_id"])
        if booking_id is not None:
            if (parent, booking_id) in self.seen:
                raise c.Invalid("booking_id", f"booking {booking_id} used it twice")
            self.seen.add((parent, booking_id))
        amounts = {
            name: c.money(row[name])
            for name in ("discount_amount", "original_amount", "final_amount")
        }
        return {
            "id": row["id"],
            self.parent_column: parent,
            "user_id": ctx.maybe_parent("user_id", "users", row["user_id"]),
            "booking_id": booking_id,
            **amounts,
            "used_at": c.utc("used_at", row["used_at"]),
        }

    def key(self, obj: Any) -> tuple[Any, ...]:
        parent_id = getattr(obj, self.parent_column)
        return (
            obj.pk, parent_id, obj.user_id, obj.booking_id, obj.discount_amount,
            obj.original_amount, obj.final_amount, obj.used_at,
        )  # fmt: skip


_USAGE_HOMES = {
    "id": "id",
    "user_id": "user",
    "booking_id": "booking",
    "discount_amount": "discount_amount",
    "original_amount": "original_amount",
    "final_amount": "final_amount",
    "used_at": "used_at",
}


class OfferUsageImporter(_UsageImporter):
    table = "offer_usage"
    model_label = "offers.OfferUsage"
    parent_table = "offers"
    parent_column = "offer_id"
    homes: ClassVar[dict[str, str]] = {**_USAGE_HOMES, "offer_id": "offer"}

    def convert(self, row: Row) -> models.Model:
        from offers.models import OfferUsage

        return OfferUsage(**self.fields(row))


class CouponUsageImporter(_UsageImporter):
    table = "coupon_usage"
    model_label = "offers.CouponUsage"
    parent_table = "coupons"
    parent_column = "coupon_id"
    homes: ClassVar[dict[str, str]] = {**_USAGE_HOMES, "coupon_id": "coupon"}

    def convert(self, row: Row) -> models.Model:
        from offers.models import CouponUsage

        return CouponUsage(**self.fields(row))


class OfferNotificationsImporter(TableImporter):
    table = "offer_notifications"
    model_label = "offers.OfferNotification"
    domain = "offers"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "offer_id": "offer",
        "user_id": "user",
        "whatsapp_sent": "whatsapp_sent",
        "sms_sent": "sms_sent",
        "email_sent": "email_sent",
        "notified_at": "notified_at (empty: the offer's creation)",
        "notified_by_user_id": "notified_by",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.seen: set[tuple[int, int]] = set()

    def convert(self, row: Row) -> models.Model:
        from offers.models import OfferNotification

        ctx = self.ctx
        offer_id = ctx.parent("offer_id", "offers", row["offer_id"])
        user_id = ctx.parent("user_id", "users", row["user_id"])
        if (offer_id, user_id) in self.seen:
            # Notified twice: ours keeps one row per offer and customer (what the screen shows).
            raise c.Invalid("user_id", f"user {user_id} was already notified of offer {offer_id}")
        self.seen.add((offer_id, user_id))
        notified = c.utc_aware(row["notified_at"])
        if notified is None:
            notified = ctx.problem("notified_at", "missing", timezone.now(), "the import's time")
        return OfferNotification(
            id=row["id"],
            offer_id=offer_id,
            user_id=user_id,
            whatsapp_sent=c.flag(row["whatsapp_sent"]),
            sms_sent=c.flag(row["sms_sent"]),
            email_sent=c.flag(row["email_sent"]),
            notified_at=notified,
            notified_by_id=ctx.maybe_parent(
                "notified_by_user_id", "users", row["notified_by_user_id"]
            ),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.offer_id, obj.user_id, obj.sms_sent, obj.whatsapp_sent, obj.email_sent)
