"""racks, rack_products, rack_orders (their lines from items_json).

The legacy's racks router (routers/racks.py) reads and writes these three tables only; an
order's cart lived in rack_orders.items_json, which becomes rows of rack_order_lines here.
rack_items, rack_order_items, shop_orders and shop_order_items belong to an older shop no
legacy code reads or writes: they stay in NOT_BUILT_TABLES, so rows in them are reported.
"""

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.source import Row

PRODUCT_STATUS = {"active", "inactive"}
ORDER_PAYMENT_STATUS = {"pending", "completed", "failed", "refunded"}
ORDER_STATUS = {"pending", "confirmed", "shipped", "delivered", "cancelled"}
_NEVER_USED = "no legacy code reads or writes it (routers/racks.py)"


def _stamps(row: Row) -> dict[str, Any]:
    created = c.utc_aware(row["created_at"]) or timezone.now()
    return {"created_at": created, "updated_at": c.utc_aware(row["updated_at"]) or created}


def _media(ctx: Any, column: str, value: Any) -> list[str]:
    """images_json / videos_json: a JSON list of addresses."""
    parsed = c.json_value(column, value, [])
    if isinstance(parsed, list) and all(isinstance(item, str) for item in parsed):
        return parsed
    fixed: list[str] = ctx.problem(column, "not a list of addresses", [], "emptied")
    return fixed


class RacksImporter(TableImporter):
    table = "racks"
    model_label = "racks.Rack"
    domain = "racks"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "code": "code",
        "name": "name",
        "location": "location",
        "description": "description",
        "active": "active",
        "category_name": "category_name",
        "category_image_url": "category_image_url",
        "qr_code_url": "qr_code_url",
        "created_at": "created_at",
        "updated_at": "updated_at (empty: created_at)",
    }
    dropped: ClassVar[dict[str, str]] = {
        "venue_id": f"{_NEVER_USED}; LeBRQ has one venue",
        "metadata": _NEVER_USED,
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.codes: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from racks.models import Rack

        code = c.bounded("code", row["code"], 64).strip()
        if not code:
            raise c.Invalid("code", "empty")
        if code in self.codes:
            raise c.Invalid("code", f"{code} is used by another rack (codes are unique)")
        self.codes.add(code)
        return Rack(
            id=row["id"],
            code=code,
            name=c.bounded("name", row["name"], 200),
            location=c.bounded("location", row["location"], 255),
            description=c.text(row["description"]),
            active=c.flag(row["active"], True),
            category_name=c.bounded("category_name", row["category_name"], 255),
            category_image_url=c.bounded("category_image_url", row["category_image_url"], 500),
            qr_code_url=c.bounded("qr_code_url", row["qr_code_url"], 500),
            **_stamps(row),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.code, obj.name, obj.active, obj.created_at)


class RackProductsImporter(TableImporter):
    table = "rack_products"
    model_label = "racks.RackProduct"
    domain = "racks"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "rack_id": "rack",
        "name": "name",
        "description": "description",
        "image_url": "image_url",
        "images_json": "images",
        "videos_json": "videos",
        "price": "price",
        "stock_quantity": "stock_quantity (negative: 0)",
        "delivery_time": "delivery_time",
        "category": "category",
        "status": "status",
        "created_at": "created_at",
        "updated_at": "updated_at (empty: created_at)",
    }
    dropped: ClassVar[dict[str, str]] = {"metadata": _NEVER_USED}
    money: ClassVar[dict[str, str]] = {"price": "price"}

    def convert(self, row: Row) -> models.Model:
        from racks.models import RackProduct

        ctx = self.ctx
        price = c.money(row["price"], default=Decimal("0"))
        if price < 0:
            raise c.Invalid("price", f"{price} is negative")
        stock = int(row["stock_quantity"] or 0)
        if stock < 0:
            stock = ctx.problem("stock_quantity", f"{stock} is negative", 0, "none left")
        return RackProduct(
            id=row["id"],
            rack_id=ctx.parent("rack_id", "racks", row["rack_id"]),
            name=c.bounded("name", row["name"], 255),
            description=c.text(row["description"]),
            image_url=c.bounded("image_url", row["image_url"], 500),
            images=_media(ctx, "images_json", row["images_json"]),
            videos=_media(ctx, "videos_json", row["videos_json"]),
            price=price,
            stock_quantity=stock,
            delivery_time=c.bounded("delivery_time", row["delivery_time"], 100),
            category=c.bounded("category", row["category"], 100),
            status=ctx.choose(
                "status", PRODUCT_STATUS, c.text(row["status"]) or "active", "inactive", "off sale"
            ),
            **_stamps(row),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.rack_id, obj.name, obj.price, obj.stock_quantity, obj.status)


class RackOrdersImporter(TableImporter):
    table = "rack_orders"
    model_label = "racks.RackOrder"
    domain = "racks"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "user_id": "user",
        "rack_id": "rack (the legacy stored null when the shop page named none)",
        "order_reference": "order_reference",
        "total_amount": "total_amount",
        "original_amount": "original_amount (empty: total_amount + discount_amount)",
        "items_json": "lines (rack_order_lines: product, name, price, quantity, subtotal)",
        "applied_offer_id": "applied_offer_id (and the offer's surprise gift, as it is now)",
        "discount_amount": "discount_amount",
        "is_surprise_gift": "is_surprise_gift",
        "recipient_name": "recipient_name",
        "recipient_mobile": "recipient_mobile",
        "delivery_address": "delivery_address",
        "pin_code": "pin_code",
        "city": "city",
        "state": "state",
        "occasion_type": "occasion_type",
        "birthday_date": "birthday_date",
        "personal_message": "personal_message",
        "payment_id": "payment (when it names an imported payment) and legacy_payment_ref",
        "payment_status": "payment_status",
        "status": "status",
        "created_at": "created_at",
        "updated_at": "updated_at (empty: created_at)",
    }
    money: ClassVar[dict[str, str]] = {
        "total_amount": "total_amount",
        "discount_amount": "discount_amount",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.payments_taken: set[int] = set()
        self.lines: dict[int, list[dict[str, Any]]] = {}

    def convert(self, row: Row) -> models.Model:
        from racks.models import RackOrder

        ctx = self.ctx
        total = c.money(row["total_amount"], default=Decimal("0"))
        discount = c.money(row["discount_amount"], default=Decimal("0"))
        original = (
            c.money(row["original_amount"])
            if row["original_amount"] is not None
            else total + discount
        )
        for column, value in (("total_amount", total), ("discount_amount", discount)):
            if value < 0:
                raise c.Invalid(column, f"{value} is negative")
        reference = c.bounded("order_reference", row["order_reference"], 50).strip()
        if not reference:
            raise c.Invalid("order_reference", "empty")
        payment_ref = c.bounded("payment_id", c.text(str(row["payment_id"] or "")), 100)
        lines = self._lines(row["items_json"])
        offer_id = row["applied_offer_id"] or None
        gift_name, gift_image = self._gift(offer_id)
        payment_status = ctx.choose(
            "payment_status", ORDER_PAYMENT_STATUS, c.text(row["payment_status"]) or "pending"
        )
        order = RackOrder(
            id=row["id"],
            user_id=ctx.parent("user_id", "users", row["user_id"]),
            rack_id=ctx.maybe_parent("rack_id", "racks", row["rack_id"]),
            order_reference=reference,
            total_amount=total,
            original_amount=original,
            discount_amount=discount,
            applied_offer_id=offer_id,
            surprise_gift_name=gift_name,
            surprise_gift_image_url=gift_image,
            is_surprise_gift=c.flag(row["is_surprise_gift"]),
            recipient_name=c.bounded("recipient_name", row["recipient_name"], 255),
            recipient_mobile=c.bounded("recipient_mobile", row["recipient_mobile"], 20),
            delivery_address=c.text(row["delivery_address"]),
            pin_code=c.bounded("pin_code", row["pin_code"], 10),
            city=c.bounded("city", row["city"], 100),
            state=c.bounded("state", row["state"], 100),
            occasion_type=c.bounded("occasion_type", row["occasion_type"], 50),
            birthday_date=c.day(row["birthday_date"]),
            personal_message=c.text(row["personal_message"]),
            payment_id=self._payment(payment_ref),
            legacy_payment_ref=payment_ref,
            payment_status=payment_status,
            # The legacy kept no paid figure: a completed order was taken as paid in full.
            paid_amount=total if payment_status == "completed" else Decimal("0"),
            status=ctx.choose("status", ORDER_STATUS, c.text(row["status"]) or "pending"),
            **_stamps(row),
        )
        self.lines[int(row["id"])] = lines
        return order

    def _gift(self, offer_id: int | None) -> tuple[str, str]:
        """The legacy showed the applied offer's gift as the offer is now: kept the same."""
        if offer_id is None or int(offer_id) not in self.ctx.ids.get("offers", set()):
            return "", ""
        from offers.models import Offer

        found = (
            Offer.objects.filter(pk=offer_id)
            .values_list("surprise_gift_name", "surprise_gift_image_url")
            .first()
        )
        return found or ("", "")

    def _payment(self, ref: str) -> int | None:
        """The legacy column held our payments.id (8bf6f23's key) or Razorpay's pay_ id (what
        payment-main.tsx sent): either finds the imported payment. One payment, one order."""
        from payments.models import Payment

        if not ref:
            return None
        if ref.isdigit() and int(ref) in self.ctx.ids.get("payments", set()):
            payment_id: int | None = int(ref)
        else:
            payment_id = (
                Payment.objects.filter(provider_payment_id=ref).values_list("pk", flat=True).first()
            )
        if payment_id is None:
            return None
        if payment_id in self.payments_taken:
            kept: int | None = self.ctx.problem(
                "payment_id",
                f"payment {ref} is another order's too",
                None,
                "unlinked (the reference is kept)",
            )
            return kept
        self.payments_taken.add(payment_id)
        return payment_id

    def _lines(self, value: Any) -> list[dict[str, Any]]:
        items = c.json_value("items_json", value, [])
        if not isinstance(items, list):
            raise c.Invalid("items_json", "not a list of cart lines")
        products = self.ctx.ids.get("rack_products", set())
        lines = []
        for item in items:
            if not isinstance(item, dict):
                raise c.Invalid("items_json", f"{item!r} is not a cart line")
            try:
                quantity = int(item.get("quantity") or 0)
                price = c.money(item.get("price"), default=Decimal("0"))
                subtotal = c.money(item.get("subtotal"), default=price * quantity)
            except (TypeError, ValueError) as exc:
                raise c.Invalid("items_json", f"{item!r}: {exc}") from None
            if quantity < 1 or price < 0 or subtotal < 0:
                raise c.Invalid("items_json", f"{item!r}: quantity or amounts out of range")
            product_id = item.get("product_id")
            lines.append(
                {
                    "product_id": product_id if product_id in products else None,
                    "product_name": str(item.get("name") or f"Product {product_id}")[:255],
                    "quantity": quantity,
                    "unit_price": price,
                    "subtotal": subtotal,
                }
            )
        return lines

    def after_save(self, objects: list[models.Model], rows: list[Row]) -> None:
        from racks.models import RackOrderLine

        RackOrderLine.objects.bulk_create(
            RackOrderLine(order_id=obj.pk, **line)
            for obj in objects
            for line in self.lines.pop(int(obj.pk), [])
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk, obj.user_id, obj.rack_id, obj.order_reference, obj.total_amount,
            obj.discount_amount, obj.payment_status, obj.status, obj.created_at,
        )  # fmt: skip
