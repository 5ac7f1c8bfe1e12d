"""A rack's life as the screens make their calls, through the full Django stack with the real
task worker and Razorpay's fake on loopback: staff set up a rack and its product, print its
QR code; two customers pay for its last unit at the checkout; one gets it, the other's money
goes back through Razorpay (sent by the worker); the buyer fills in the surprise gift form and
staff see the order."""

import time
from collections.abc import Callable
from decimal import Decimal

import pytest

from payments.choices import PaymentStatus, RefundStatus
from payments.models import Payment, Refund
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.racks.test_orders import cart_line, gift_form, order_payload, pay_first

pytestmark = pytest.mark.django_db(transaction=True)


def eventually[T](read: Callable[[], T | None], timeout: float = 30) -> T:
    deadline = time.monotonic() + timeout
    while not (value := read()):
        if time.monotonic() > deadline:
            pytest.fail("the task worker did not get there in time")
        time.sleep(0.05)
    return value


def test_set_up_sell_the_last_unit_refund_the_second_buyer(task_worker, razorpay):
    staff = bearer_client(UserFactory(staff=True))
    first, second = bearer_client(UserFactory()), bearer_client(UserFactory())

    rack = staff.post("/api/racks/admin", {"name": "Lobby", "code": "LOBBY"}, format="json")
    assert rack.status_code == 201
    rack_id = rack.json()["id"]
    added = staff.post(
        f"/api/racks/admin/{rack_id}/products",
        {"name": "Gift hamper", "price": 750, "stock_quantity": 1},
        format="json",
    )
    assert added.status_code == 201
    qr = staff.post(f"/api/racks/admin/{rack_id}/generate-qr").json()
    assert qr["rack_url"].endswith("/rack/LOBBY")

    shop = first.get("/api/racks/products/all?active_only=true&status_filter=active").json()
    hamper = shop[0]
    assert (hamper["name"], hamper["stock_quantity"]) == ("Gift hamper", 1)

    class Product:  # what cart_line reads of a product
        pk = hamper["id"]
        name = hamper["name"]
        price = Decimal(str(hamper["price"]))

    _, paid_first = pay_first(first, razorpay, 750)
    _, paid_second = pay_first(second, razorpay, 750)
    won = first.post(
        "/api/racks/orders", order_payload([cart_line(Product, 1)], 750, paid_first), format="json"
    )
    lost = second.post(
        "/api/racks/orders", order_payload([cart_line(Product, 1)], 750, paid_second), format="json"
    )

    assert won.status_code == 201, won.json()
    assert lost.status_code == 409
    assert lost.json()["code"] == "out_of_stock"
    refund = eventually(lambda: Refund.objects.filter(status=RefundStatus.COMPLETED).first())
    assert refund.amount == Decimal("750.00")
    assert refund.payment is not None
    assert refund.payment.provider_payment_id == paid_second
    assert Payment.objects.get(provider_payment_id=paid_second).status == PaymentStatus.REFUNDED
    assert razorpay.payments[paid_second]["amount_refunded"] == 75000

    order_id = won.json()["id"]
    saved = first.post(
        f"/api/racks/orders/{order_id}/surprise-gift-details", gift_form(), format="json"
    )
    assert saved.status_code == 200
    listed = staff.get("/api/racks/admin/orders").json()["orders"]
    assert [(o["id"], o["payment_status"], o["recipient_name"]) for o in listed] == [
        (order_id, "completed", "Anu")
    ]
    assert first.get("/api/racks/products/all").json()[0]["stock_quantity"] == 0
