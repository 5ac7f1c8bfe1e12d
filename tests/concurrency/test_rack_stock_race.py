"""Customers racing for a rack product's last units, in real concurrent transactions on
MariaDB: exactly the stock is sold, every other payment goes back, and orders naming the
same products in opposite orders never deadlock."""

import threading
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.choices import PaymentStatus
from payments.models import Payment, Refund
from racks import services
from racks.exceptions import OutOfStock
from racks.models import RackOrder, RackProduct
from tests.concurrency.gate import all_at_once
from tests.factories import UserFactory
from tests.racks.factories import RackProductFactory

pytestmark = pytest.mark.django_db(transaction=True)

BUYERS = 8


def _paid(buyer, n: int, amount: Decimal) -> str:
    """What verify leaves for a rack checkout: a captured payment no booking claimed."""
    payment = Payment.objects.create(
        user=buyer,
        amount=amount,
        amount_paise=int(amount * 100),
        order_id=f"order_Rack{n:010d}",
        provider_payment_id=f"pay_Rack{n:012d}",
        status=PaymentStatus.SUCCESS,
        paid_at=timezone.now(),
    )
    return str(payment.provider_payment_id)


def _order(buyer, payment_ref: str, lines: list[tuple[int, int]]):
    return lambda: services.order_place_paid(
        user=buyer,
        request=services.OrderRequest(
            rack_id=None,
            lines=[services.CartLine(product_id=p, quantity=q) for p, q in lines],
            payment_ref=payment_ref,
        ),
    )


def test_buyers_of_the_last_units_get_exactly_the_stock():
    product = RackProductFactory(price=Decimal("100.00"), stock_quantity=3)
    services.default_rack()  # made once beforehand, as the first staff visit does
    buyers = [UserFactory() for _ in range(BUYERS)]
    calls = [
        _order(buyer, _paid(buyer, n, Decimal("100.00")), [(product.pk, 1)])
        for n, buyer in enumerate(buyers)
    ]

    results = all_at_once(calls)

    sold = [r for r in results if isinstance(r, tuple)]
    refused = [r for r in results if isinstance(r, OutOfStock)]
    assert (len(sold), len(refused)) == (3, BUYERS - 3), results
    product.refresh_from_db()
    assert product.stock_quantity == 0
    assert RackOrder.objects.count() == 3
    # Every buyer who got nothing has their money on its way back, once.
    assert Refund.objects.count() == BUYERS - 3
    assert Payment.objects.filter(settled_at__isnull=True).count() == 0


def test_orders_naming_two_products_in_either_order_never_deadlock():
    first = RackProductFactory(price=Decimal("10.00"), stock_quantity=3)
    second = RackProductFactory(price=Decimal("20.00"), stock_quantity=3)
    services.default_rack()
    buyers = [UserFactory() for _ in range(6)]
    calls = []
    for n, buyer in enumerate(buyers):
        lines = [(first.pk, 1), (second.pk, 1)]
        calls.append(
            _order(buyer, _paid(buyer, 100 + n, Decimal("30.00")), lines[:: 1 - 2 * (n % 2)])
        )

    results = all_at_once(calls)

    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, OutOfStock)]
    assert not unexpected
    assert len([r for r in results if isinstance(r, tuple)]) == 3
    assert list(RackProduct.objects.order_by("id").values_list("stock_quantity", flat=True)) == [
        0,
        0,
    ]


def test_payments_captured_at_once_for_pending_orders_never_oversell():
    """Orders made before paying take their stock when their capture runs (the payments
    app's handler, each under its own payment's row lock): still exactly the stock."""
    from payments.choices import PaymentSource
    from payments.gateways import GatewayPayment
    from payments.services import payment_captured

    product = RackProductFactory(price=Decimal("100.00"), stock_quantity=2)
    services.default_rack()
    orders = [
        services.order_place_unpaid(
            user=UserFactory(),
            request=services.OrderRequest(rack_id=None, lines=[services.CartLine(product.pk, 1)]),
        )
        for _ in range(5)
    ]

    def capture(n: int):
        payment = orders[n].payment
        assert payment is not None
        paid = GatewayPayment(
            id=f"pay_Pend{n:012d}",
            order_id=payment.order_id,
            amount_paise=10000,
            status="captured",
            method="card",
        )
        return lambda: payment_captured(
            order_id=paid.order_id, paid=paid, source=PaymentSource.WEBHOOK
        )

    results = all_at_once([capture(n) for n in range(5)])

    assert not [r for r in results if isinstance(r, Exception)], results
    product.refresh_from_db()
    assert product.stock_quantity == 0
    assert RackOrder.objects.filter(payment_status="completed").count() == 2
    assert RackOrder.objects.filter(payment_status="refunded").count() == 3
    assert Refund.objects.count() == 3


def test_control_read_then_write_stock_oversells(monkeypatch):
    """The same race with the stock read first and written after (what an ORM save does),
    every buyer reading before anyone writes: all of them are sold the last 3 units. The
    conditional UPDATE above is what prevents it."""
    product = RackProductFactory(price=Decimal("100.00"), stock_quantity=3)
    services.default_rack()
    buyers = [UserFactory() for _ in range(4)]
    everyone_read = threading.Barrier(len(buyers), timeout=60)

    def read_then_write(quantities):
        for product_id, quantity in quantities:
            row = RackProduct.objects.get(pk=product_id)
            if row.stock_quantity < quantity:
                raise OutOfStock()
            everyone_read.wait()
            row.stock_quantity = max(row.stock_quantity - quantity, 0)
            row.save(update_fields=["stock_quantity"])

    monkeypatch.setattr(services, "_take_stock", read_then_write)
    calls = [
        _order(buyer, _paid(buyer, 200 + n, Decimal("100.00")), [(product.pk, 1)])
        for n, buyer in enumerate(buyers)
    ]

    results = all_at_once(calls)

    assert len([r for r in results if isinstance(r, tuple)]) == 4  # 4 sold, 3 in stock
    product.refresh_from_db()
    assert product.stock_quantity == 2
