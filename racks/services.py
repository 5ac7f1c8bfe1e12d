"""Every write of the racks app: racks and products (staff), orders and their payment.

Stock rule (racks/README.md): stock is taken when an order's payment is taken, never before,
by one conditional UPDATE per product (`stock_quantity >= n`), products in id order, all in
one transaction: an order gets all its units or none, and no product ever sells more than it
holds, however many customers pay for the last units at once. A payment whose units are gone
meanwhile goes back to the customer (payments' automatic refund).

Two ways to pay, both through the payments app:
- the legacy checkout (payment-main.tsx) pays first: create-razorpay-order, Razorpay,
  verify (no booking), then POST /racks/orders names the captured payment. `order_place_paid`
  prices the cart here, checks the payment is exactly that, takes the stock and the payment
  under the payment's row lock, or refunds the payment.
- POST /racks/orders without a payment: `order_place_unpaid` records a pending order and a
  Razorpay order for its server total (purpose RACK_ORDER); whichever of verify, webhook or
  reconciliation reports the payment first runs `order_payment_captured` (registered in
  RacksConfig.ready()), which takes the stock or gives the reason the money goes back.

Lock order, as in payments: the payment's row, then the products' rows.
"""

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.models import User
from bookings import policies
from lebrq.errors import DomainError, InvalidInput
from payments import services as payments
from payments.choices import PaymentPurpose, PaymentStatus
from payments.exceptions import PaymentNotFound
from payments.models import Payment
from racks.choices import OrderPaymentStatus, OrderStatus, ProductStatus
from racks.exceptions import (
    AmountMismatch,
    InvalidOrderTransition,
    OrderCancelled,
    OrderNotFound,
    OutOfStock,
    PaymentNotUsable,
    ProductNotFound,
    RackCodeTaken,
    RackInUse,
    RackNotFound,
    UnknownProduct,
)
from racks.models import DEFAULT_RACK_CODE, ZERO, Rack, RackOrder, RackOrderLine, RackProduct

CENT = Decimal("0.01")
# Who prices a rack offer (offers.services.rack_offer_price), by dotted path: the offers app
# sits beside this one. Not a setting: tests replace it with monkeypatch.
RACK_OFFER_PRICE = "offers.services.rack_offer_price"
# Distinct products in one cart: a rack holds tens; this bounds what one request locks.
MAX_CART_LINES = 100
MAX_LINE_QUANTITY = 1000


# --- Racks and products (staff) --------------------------------------------------------------


def rack_create(*, values: Mapping[str, Any]) -> Rack:
    try:
        with transaction.atomic():
            return Rack.objects.create(**values)
    except IntegrityError as exc:
        raise RackCodeTaken() from exc


def rack_update(*, rack_id: int, values: Mapping[str, Any]) -> Rack:
    with transaction.atomic():
        rack = Rack.objects.select_for_update().filter(pk=rack_id).first()
        if rack is None:
            raise RackNotFound()
        for name, value in values.items():
            setattr(rack, name, value)
        try:
            with transaction.atomic():
                rack.save()
        except IntegrityError as exc:
            raise RackCodeTaken() from exc
    return rack


def rack_delete(*, rack_id: int) -> None:
    """Deletes the rack and its products; a rack with orders stays (their records name it):
    staff deactivate it instead (the legacy's delete failed on them with a 500)."""
    with transaction.atomic():
        rack = Rack.objects.select_for_update().filter(pk=rack_id).first()
        if rack is None:
            raise RackNotFound()
        if rack.orders.exists():
            raise RackInUse()
        rack.delete()


def default_rack() -> Rack:
    """The rack products go on when staff pick none, and orders that name no rack (the
    legacy's "All Products" rack, code DEFAULT), made the first time it is asked for."""
    rack, _ = Rack.objects.get_or_create(
        code=DEFAULT_RACK_CODE,
        defaults={"name": "All Products", "description": "Default rack for all products"},
    )
    return rack


def product_create(*, rack_id: int, values: Mapping[str, Any]) -> RackProduct:
    rack = Rack.objects.filter(pk=rack_id).first()
    if rack is None:
        raise RackNotFound()
    return RackProduct.objects.create(rack=rack, **_product_values(values))


def product_update(*, product_id: int, values: Mapping[str, Any]) -> RackProduct:
    with transaction.atomic():
        product = RackProduct.objects.select_for_update().filter(pk=product_id).first()
        if product is None:
            raise ProductNotFound()
        for name, value in _product_values(values).items():
            setattr(product, name, value)
        product.save()
    return product


def product_delete(*, product_id: int) -> None:
    """Orders keep their lines (name and price as ordered); the line's product link empties."""
    deleted, _ = RackProduct.objects.filter(pk=product_id).delete()
    if not deleted:
        raise ProductNotFound()


def _product_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The legacy answered `images` as [image_url] when no list was saved: the first picture
    of a list stands in for image_url when the screen sends none."""
    cleaned = dict(values)
    if not cleaned.get("image_url") and cleaned.get("images"):
        cleaned["image_url"] = cleaned["images"][0]
    return cleaned


# --- Pricing an order ------------------------------------------------------------------------


@dataclass(frozen=True)
class CartLine:
    product_id: int
    quantity: int


@dataclass(frozen=True)
class SurpriseGift:
    recipient_name: str = ""
    recipient_mobile: str = ""
    delivery_address: str = ""
    pin_code: str = ""
    city: str = ""
    state: str = ""
    occasion_type: str = ""
    birthday_date: date | None = None
    personal_message: str = ""


@dataclass(frozen=True)
class OrderRequest:
    rack_id: int | None
    lines: Sequence[CartLine]
    applied_offer_id: int | None = None
    gift: SurpriseGift | None = None
    # Razorpay's payment id (pay_...) the checkout verified, when it paid first.
    payment_ref: str | None = None
    # The browser's figures: never used, kept for the error it gets when they differ.
    client_total: Decimal | None = None


@dataclass(frozen=True)
class PricedLine:
    product: RackProduct
    quantity: int

    @property
    def subtotal(self) -> Decimal:
        return (self.product.price * self.quantity).quantize(CENT)


@dataclass(frozen=True)
class PricedOrder:
    lines: list[PricedLine]
    subtotal: Decimal
    discount: Decimal
    gift_name: str = ""
    gift_image_url: str = ""
    offer_id: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return max(self.subtotal - self.discount, ZERO)


class OfferPricer(Protocol):
    def __call__(self, *, user: User, offer_id: int, amount: Decimal) -> Any: ...


def order_price(*, user: User, lines: Sequence[CartLine], offer_id: int | None) -> PricedOrder:
    """The cart at today's prices from our rows, less the rack offer as the offers app prices
    it now. The browser's prices, subtotals and discount are never read."""
    if not lines:
        raise InvalidInput.for_field("cart_items", "The cart is empty.")
    if len(lines) > MAX_CART_LINES:
        raise InvalidInput.for_field("cart_items", f"At most {MAX_CART_LINES} products.")
    quantities: dict[int, int] = {}
    for line in lines:
        quantities[line.product_id] = quantities.get(line.product_id, 0) + line.quantity
    products = RackProduct.objects.in_bulk(list(quantities))
    priced: list[PricedLine] = []
    for product_id in sorted(quantities):
        product = products.get(product_id)
        if product is None or product.status != ProductStatus.ACTIVE:
            raise UnknownProduct(
                f"Product {product_id} is not on sale.", extra={"product_id": product_id}
            )
        priced.append(PricedLine(product=product, quantity=quantities[product_id]))
    subtotal = sum((line.subtotal for line in priced), ZERO)
    if offer_id is None:
        return PricedOrder(lines=priced, subtotal=subtotal, discount=ZERO)
    pricer: OfferPricer = import_string(RACK_OFFER_PRICE)
    try:
        offer = pricer(user=user, offer_id=offer_id, amount=subtotal)
    except DomainError as refused:
        # An offer that no longer applies is priced without it (the payment then differs
        # and goes back, or the unpaid order is simply dearer): the browser's word is not one.
        return PricedOrder(lines=priced, subtotal=subtotal, discount=ZERO, notes=[refused.message])
    return PricedOrder(
        lines=priced,
        subtotal=subtotal,
        discount=offer.discount,
        gift_name=offer.surprise_gift_name,
        gift_image_url=offer.surprise_gift_image_url,
        offer_id=offer_id,
    )


def _rack_for(rack_id: int | None) -> Rack:
    if rack_id is None:
        return default_rack()
    rack = Rack.objects.filter(pk=rack_id).first()
    if rack is None:
        raise RackNotFound()
    return rack


def _new_reference() -> str:
    return "RO-" + secrets.token_hex(5).upper()


def _record(
    *,
    user: User,
    rack: Rack,
    priced: PricedOrder,
    gift: SurpriseGift | None,
    payment: Payment | None,
    reference: str,
) -> RackOrder:
    gift = gift or SurpriseGift()
    order = RackOrder.objects.create(
        user=user,
        rack=rack,
        order_reference=reference,
        total_amount=priced.total,
        original_amount=priced.subtotal,
        discount_amount=priced.discount,
        applied_offer_id=priced.offer_id,
        surprise_gift_name=priced.gift_name,
        surprise_gift_image_url=priced.gift_image_url,
        is_surprise_gift=bool(priced.gift_name) or gift != SurpriseGift(),
        recipient_name=gift.recipient_name,
        recipient_mobile=gift.recipient_mobile,
        delivery_address=gift.delivery_address,
        pin_code=gift.pin_code,
        city=gift.city,
        state=gift.state,
        occasion_type=gift.occasion_type,
        birthday_date=gift.birthday_date,
        personal_message=gift.personal_message,
        payment=payment,
    )
    RackOrderLine.objects.bulk_create(
        RackOrderLine(
            order=order,
            product=line.product,
            product_name=line.product.name,
            quantity=line.quantity,
            unit_price=line.product.price,
            subtotal=line.subtotal,
        )
        for line in priced.lines
    )
    return order


@dataclass(frozen=True)
class PaymentFit:
    """How a payment meets an order's total: what it pays towards it, what goes back."""

    paid: Decimal
    excess: Decimal
    status: str


def payment_fit(priced: PricedOrder, amount: Decimal) -> PaymentFit | None:
    """What the legacy checkout (payment-main.tsx) may have charged for this cart, all of
    it figures of ours: the total; more than the total (it charges the cart before a rack
    offer's discount), taken with the excess returned; or the advance share of the total or
    of the cart (its default when advances are on), taken as an advance with the balance due
    at handover. None when the amount is none of these."""
    total = priced.total
    if amount >= total:
        return PaymentFit(paid=total, excess=amount - total, status=OrderPaymentStatus.COMPLETED)
    advance = policies.advance_payment()
    if advance.enabled and amount in (advance.share_of(total), advance.share_of(priced.subtotal)):
        return PaymentFit(paid=amount, excess=ZERO, status=OrderPaymentStatus.PARTIAL)
    return None


def _take_stock(quantities: Sequence[tuple[int | None, int]]) -> None:
    """Take every line's units, or none (OutOfStock). One conditional UPDATE per product, in
    id order: two orders for the same products queue on the first row, never cross-wait, and
    the row's own `stock >= n` check under its lock is what stops an oversell."""
    with transaction.atomic():
        for product_id, quantity in sorted(quantities, key=lambda q: q[0] or 0):
            # A line whose product was deleted since (imported or pending orders) has none.
            taken = product_id is not None and bool(
                RackProduct.objects.filter(
                    pk=product_id,
                    status=ProductStatus.ACTIVE,
                    stock_quantity__gte=quantity,
                ).update(stock_quantity=F("stock_quantity") - quantity, updated_at=timezone.now())
            )
            if not taken:
                left = (
                    RackProduct.objects.filter(pk=product_id)
                    .values_list("stock_quantity", flat=True)
                    .first()
                    if product_id is not None
                    else 0
                )
                raise OutOfStock(
                    f"Only {left or 0} left of product {product_id}.",
                    extra={"product_id": product_id, "stock_quantity": left or 0},
                )


# --- Orders -------------------------------------------------------------------------------------


def order_place_paid(*, user: User, request: OrderRequest) -> tuple[RackOrder, bool]:
    """The legacy checkout's order, after it paid and verified: returns (order, created).

    Checked under the payment's row lock: the payment is the customer's, captured, not
    claimed by anything else and fits the server's total (`payment_fit`); then the stock is
    taken. When the amount does not fit or the stock is gone, the payment is refunded
    automatically and the error raised after the refund commits. The same payment sent again
    gets its order back.
    """
    assert request.payment_ref is not None
    priced = order_price(user=user, lines=request.lines, offer_id=request.applied_offer_id)
    rack = _rack_for(request.rack_id)
    failure: DomainError
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .filter(provider_payment_id=request.payment_ref)
            .first()
        )
        if payment is None or payment.user_id != user.pk:
            raise PaymentNotFound("Payment not found.")
        already = RackOrder.objects.filter(payment=payment).first()
        if already is not None:
            return already, False
        if payment.status != PaymentStatus.SUCCESS:
            raise PaymentNotUsable("This payment has not been received (yet).")
        if payment.settled_at is not None or payment.booking_id is not None:
            raise PaymentNotUsable("This payment was used for something else.")
        if payment.purpose not in (PaymentPurpose.BOOKING, PaymentPurpose.RACK_ORDER):
            raise PaymentNotUsable("This payment was made for something else.")
        now = timezone.now()
        fit = payment_fit(priced, payment.amount)
        if fit is None:
            reason = f"The order costs {priced.total}, not {payment.amount}."
            failure = AmountMismatch(
                f"{reason} The payment is being refunded.",
                extra={
                    "client_amount": str(payment.amount),
                    "server_amount": str(priced.total),
                },
            )
        else:
            try:
                with transaction.atomic():
                    _take_stock([(line.product.pk, line.quantity) for line in priced.lines])
                    order = _record(
                        user=user,
                        rack=rack,
                        priced=priced,
                        gift=request.gift,
                        payment=payment,
                        reference=_new_reference(),
                    )
                    order.payment_status = fit.status
                    order.paid_amount = fit.paid
                    order.status = OrderStatus.CONFIRMED
                    order.save(
                        update_fields=["payment_status", "paid_amount", "status", "updated_at"]
                    )
                    payment.purpose = PaymentPurpose.RACK_ORDER
                    payment.settled_at = now
                    payment.save(update_fields=["purpose", "settled_at", "updated_at"])
                    if fit.excess > 0:
                        payments.refund_part_automatically(
                            payment=payment,
                            amount=fit.excess,
                            reason=f"Order {order.order_reference} costs {priced.total}: "
                            f"the {fit.excess} paid above it goes back.",
                        )
                return order, True
            except OutOfStock as sold_out:
                reason = sold_out.message
                failure = OutOfStock(
                    f"{sold_out.message} The payment is being refunded.", extra=sold_out.extra
                )
        # Committed with this block (the error is raised after it): the money goes back even
        # though the request fails, and reconciliation does not return it a second time.
        payments.refund_automatically(payment, None, reason)
        payment.settled_at = now
        payment.save(update_fields=["settled_at", "updated_at"])
    raise failure


def order_place_unpaid(*, user: User, request: OrderRequest) -> RackOrder:
    """A pending order and the Razorpay order that pays its server total (purpose
    RACK_ORDER). Refused at once when the stock is already short; taken when it is paid."""
    priced = order_price(user=user, lines=request.lines, offer_id=request.applied_offer_id)
    rack = _rack_for(request.rack_id)
    for line in priced.lines:
        if line.product.stock_quantity < line.quantity:
            raise OutOfStock(
                f"Only {line.product.stock_quantity} left of product {line.product.pk}.",
                extra={
                    "product_id": line.product.pk,
                    "stock_quantity": line.product.stock_quantity,
                },
            )
    reference = _new_reference()
    recorded: list[RackOrder] = []

    def record(payment: Payment) -> None:
        recorded.append(
            _record(
                user=user,
                rack=rack,
                priced=priced,
                gift=request.gift,
                payment=payment,
                reference=reference,
            )
        )

    payments.purpose_order_create(
        user=user,
        amount=priced.total,
        purpose=PaymentPurpose.RACK_ORDER,
        notes={"rack_order": reference},
        on_created=record,
    )
    return recorded[0]


def order_payment_captured(payment: Payment) -> str | None:
    """payments.hooks capture handler for RACK_ORDER: runs once, in the capture's transaction
    with the payment's row locked. Takes the order's stock and marks it paid, or says why the
    payment goes back (the units sold out meanwhile, the order was cancelled)."""
    order = RackOrder.objects.select_for_update().filter(payment=payment).first()
    if order is None:
        return "No rack order claims this payment."
    if order.payment_status == OrderPaymentStatus.COMPLETED:
        return None  # taken already (order_place_paid, in the same transaction as its claim)
    reason: str | None = None
    if order.status == OrderStatus.CANCELLED:
        reason = "The order was cancelled before its payment came."
    elif payment.amount != order.total_amount:
        reason = f"The order costs {order.total_amount}, not {payment.amount}."
    else:
        lines = list(order.lines.values_list("product_id", "quantity"))
        try:
            _take_stock(lines)
        except OutOfStock as sold_out:
            reason = f"{sold_out.message} The units sold out before the payment came."
    if reason is None:
        order.payment_status = OrderPaymentStatus.COMPLETED
        order.paid_amount = payment.amount
        order.status = OrderStatus.CONFIRMED
    else:
        order.payment_status = OrderPaymentStatus.REFUNDED
        order.status = OrderStatus.CANCELLED
    order.save(update_fields=["payment_status", "paid_amount", "status", "updated_at"])
    return reason


# Where staff may move a paid order (the Django admin's actions; the screens have no call):
# handed over or sent, then delivered. Payment and cancellation are the payment's business.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.CONFIRMED: frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
}


def order_status_change(*, order_id: int, to_status: str) -> RackOrder:
    """Move an order along ORDER_TRANSITIONS, under its row lock."""
    with transaction.atomic():
        order = RackOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise OrderNotFound()
        if to_status not in ORDER_TRANSITIONS.get(order.status, frozenset()):
            raise InvalidOrderTransition(
                f"Order {order.order_reference} is {order.status}; it cannot become {to_status}."
            )
        order.status = to_status
        order.save(update_fields=["status", "updated_at"])
    return order


def surprise_gift_save(*, user: User, order_id: int, gift: SurpriseGift) -> RackOrder:
    """Where the customer's surprise gift goes. Their own order only (staff may fix one)."""
    with transaction.atomic():
        order = RackOrder.objects.select_for_update().filter(pk=order_id).first()
        if order is None or (order.user_id != user.pk and not user.is_staff):
            raise OrderNotFound()
        if order.status == OrderStatus.CANCELLED:
            raise OrderCancelled()
        order.recipient_name = gift.recipient_name
        order.recipient_mobile = gift.recipient_mobile
        order.delivery_address = gift.delivery_address
        order.pin_code = gift.pin_code
        order.city = gift.city
        order.state = gift.state
        order.occasion_type = gift.occasion_type
        order.birthday_date = gift.birthday_date
        order.personal_message = gift.personal_message
        order.is_surprise_gift = True
        order.save()
    return order
