"""Orders as the checkout makes them (payment-main.tsx: create-razorpay-order, Razorpay,
verify without a booking, POST /racks/orders with the verified payment_id), the surprise
gift form (app/rack/surprise-gift.tsx) and the staff orders tab (app/admin/racks/index.tsx).
Razorpay is the fake on loopback; refunds are sent as the task worker sends them."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from offers.models import Offer
from payments.choices import PaymentPurpose, PaymentStatus, RefundStatus, RefundType
from payments.hooks import capture_handler
from payments.models import Payment, Refund
from racks.models import RackOrder, RackProduct
from racks.services import MAX_CART_LINES, order_payment_captured
from tests.payments.conftest import run_queued_refunds
from tests.payments.test_webhooks_and_reconcile import deliver
from tests.racks.factories import RackFactory, RackProductFactory
from tests.racks.test_api import stamp

pytestmark = pytest.mark.django_db


def pay_first(client, razorpay, rupees) -> tuple[str, str]:
    """payment-main.tsx up to verify for a rack order (booking_id null); returns
    (order_id, the payment_id verify answered)."""
    order = client.post(
        "/api/payments/create-razorpay-order",
        {"amount": round(rupees * 100), "currency": "INR"},
        format="json",
    )
    assert order.status_code == 200, order.json()
    order_id = order.json()["order_id"]
    paid = razorpay.pay(order_id)
    verified = client.post(
        "/api/payments/razorpay/verify",
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": paid,
            "razorpay_signature": razorpay.signature(order_id, paid),
            "booking_id": None,
            "total_amount": rupees,
            "paid_amount": rupees,
        },
        format="json",
    )
    assert verified.status_code == 200, verified.json()
    return order_id, verified.json()["payment_id"]


def cart_line(product, quantity, price=None):
    """[rackId].tsx's cart item: the browser's name, price and subtotal ride along."""
    price = float(product.price) if price is None else price
    return {
        "product_id": product.pk,
        "name": product.name,
        "price": price,
        "quantity": quantity,
        "subtotal": price * quantity,
    }


def order_payload(lines, total, payment_id, **overrides):
    """payment-main.tsx's rackOrderPayload."""
    return {
        "rack_id": None,
        "cart_items": lines,
        "total_amount": total,
        "original_amount": total,
        "applied_offer_id": None,
        "discount_amount": None,
        "surprise_gift": None,
        "payment_id": payment_id,
        **overrides,
    }


def order_body(order: RackOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "user_id": order.user_id,
        "rack_id": order.rack_id,
        "order_reference": order.order_reference,
        "total_amount": float(order.total_amount),
        "original_amount": float(order.original_amount),
        "items_json": [
            {
                "product_id": line.product_id,
                "name": line.product_name,
                "price": float(line.unit_price),
                "quantity": line.quantity,
                "subtotal": float(line.subtotal),
            }
            for line in order.lines.all()
        ],
        "applied_offer_id": order.applied_offer_id,
        "discount_amount": float(order.discount_amount),
        "paid_amount": float(order.paid_amount),
        "is_surprise_gift": order.is_surprise_gift,
        "recipient_name": order.recipient_name or None,
        "recipient_mobile": order.recipient_mobile or None,
        "delivery_address": order.delivery_address or None,
        "pin_code": order.pin_code or None,
        "city": order.city or None,
        "state": order.state or None,
        "occasion_type": order.occasion_type or None,
        "birthday_date": order.birthday_date.isoformat() if order.birthday_date else None,
        "personal_message": order.personal_message or None,
        "payment_id": order.payment.provider_payment_id if order.payment else None,
        "payment_status": order.payment_status,
        "status": order.status,
        "created_at": stamp(order.created_at),
        "updated_at": stamp(order.updated_at),
        "surprise_gift_name": order.surprise_gift_name or None,
        "surprise_gift_image_url": order.surprise_gift_image_url or None,
        "razorpay_order_id": order.payment.order_id if order.payment else None,
    }


def test_the_handler_is_registered_for_rack_order_payments():
    assert capture_handler(PaymentPurpose.RACK_ORDER) is order_payment_captured


def test_a_paid_checkout_becomes_a_paid_order_and_takes_the_stock(
    customer, customer_client, razorpay
):
    chocolate = RackProductFactory(price=Decimal("250.00"), stock_quantity=5)
    teddy = RackProductFactory(price=Decimal("99.50"), stock_quantity=1)
    _, payment_id = pay_first(customer_client, razorpay, 599.5)

    response = customer_client.post(
        "/api/racks/orders",
        order_payload([cart_line(chocolate, 2), cart_line(teddy, 1)], 599.5, payment_id),
        format="json",
    )

    assert response.status_code == 201, response.json()
    order = RackOrder.objects.get()
    assert response.json() == order_body(order)
    assert response.json()["order_reference"].startswith("RO-")
    assert (order.payment_status, order.status) == ("completed", "confirmed")
    assert order.total_amount == Decimal("599.50")
    assert order.rack is not None
    assert order.rack.code == "DEFAULT"  # the screen sends rack_id null
    chocolate.refresh_from_db()
    teddy.refresh_from_db()
    assert (chocolate.stock_quantity, teddy.stock_quantity) == (3, 0)
    payment = Payment.objects.get()
    assert payment.purpose == PaymentPurpose.RACK_ORDER
    assert payment.settled_at is not None
    assert order.payment == payment
    # surprise-gift.tsx reads it back
    again = customer_client.get(f"/api/racks/orders/{order.pk}")
    assert again.status_code == 200
    assert again.json() == order_body(order)


def test_the_same_payment_sent_twice_gets_its_one_order_back(customer_client, razorpay):
    product = RackProductFactory(price=Decimal("100.00"), stock_quantity=3)
    _, payment_id = pay_first(customer_client, razorpay, 100)
    body = order_payload([cart_line(product, 1)], 100, payment_id)

    first = customer_client.post("/api/racks/orders", body, format="json")
    second = customer_client.post("/api/racks/orders", body, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    product.refresh_from_db()
    assert product.stock_quantity == 2


def test_the_browsers_prices_are_not_what_the_order_costs(
    customer_client, razorpay, django_capture_on_commit_callbacks
):
    """The legacy stored the browser's total_amount and cart prices as they came: a cart
    rewritten to ₹1 bought a ₹250 box for ₹1. Prices are ours; a payment that is not our
    total goes back to the customer and nothing is sold."""
    box = RackProductFactory(price=Decimal("250.00"), stock_quantity=5)
    _, payment_id = pay_first(customer_client, razorpay, 1)

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            "/api/racks/orders",
            order_payload([cart_line(box, 1, price=1)], 1, payment_id),
            format="json",
        )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "amount_mismatch"
    assert (body["client_amount"], body["server_amount"]) == ("1.00", "250.00")
    assert not RackOrder.objects.exists()
    box.refresh_from_db()
    assert box.stock_quantity == 5
    refund = Refund.objects.get()
    assert (refund.amount, refund.refund_type) == (Decimal("1.00"), RefundType.AUTOMATIC)
    assert run_queued_refunds() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.COMPLETED
    assert Payment.objects.get().status == PaymentStatus.REFUNDED


def test_units_sold_out_after_paying_are_refunded(customer_client, razorpay):
    last = RackProductFactory(price=Decimal("100.00"), stock_quantity=1)
    _, payment_id = pay_first(customer_client, razorpay, 200)

    response = customer_client.post(
        "/api/racks/orders",
        order_payload([cart_line(last, 2)], 200, payment_id),
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert response.json()["stock_quantity"] == 1
    last.refresh_from_db()
    assert last.stock_quantity == 1
    assert Refund.objects.get().amount == Decimal("200.00")
    # Returned once: reconciliation does not send it back a second time.
    assert Payment.objects.get().settled_at is not None


def test_a_payment_is_for_its_own_customer_and_must_have_arrived(
    customer_client, other_client, razorpay
):
    product = RackProductFactory(price=Decimal("100.00"))
    _, payment_id = pay_first(customer_client, razorpay, 100)

    stolen = other_client.post(
        "/api/racks/orders", order_payload([cart_line(product, 1)], 100, payment_id), format="json"
    )
    unknown = customer_client.post(
        "/api/racks/orders", order_payload([cart_line(product, 1)], 100, "pay_Nope"), format="json"
    )

    assert (stolen.status_code, unknown.status_code) == (404, 404)
    assert not RackOrder.objects.exists()
    assert not Refund.objects.exists()


def test_bad_carts_are_400_and_change_nothing(customer_client, razorpay):
    product = RackProductFactory()
    off_sale = RackProductFactory(status="inactive")
    _, payment_id = pay_first(customer_client, razorpay, 250)
    bodies = [
        order_payload([], 0, payment_id),
        order_payload([{"product_id": product.pk, "quantity": 0}], 0, payment_id),
        order_payload([{"product_id": "x", "quantity": 1}], 0, payment_id),
        order_payload([cart_line(off_sale, 1)], 250, payment_id),
        order_payload([{"product_id": 99999, "quantity": 1}], 250, payment_id),
        {"payment_id": payment_id},
        order_payload(
            [{"product_id": n, "quantity": 1} for n in range(1, MAX_CART_LINES + 2)],
            250,
            payment_id,
        ),
    ]
    for body in bodies:
        response = customer_client.post("/api/racks/orders", body, format="json")
        assert response.status_code == 400, (body, response.json())
        assert {"detail", "message", "code"} <= response.json().keys()
    assert not RackOrder.objects.exists()
    assert not Refund.objects.exists()
    product.refresh_from_db()
    assert product.stock_quantity == 5


def test_a_rack_offer_is_priced_by_the_server_with_its_surprise_gift(
    customer, customer_client, razorpay
):
    offer = Offer.objects.create(
        offer_type="rack",
        title="Gift week",
        discount_type="percentage",
        discount_value=Decimal("10"),
        surprise_gift_name="Balloon",
        surprise_gift_image_url="/static/balloon.png",
    )
    box = RackProductFactory(price=Decimal("250.00"), stock_quantity=5)
    _, payment_id = pay_first(customer_client, razorpay, 450)

    response = customer_client.post(
        "/api/racks/orders",
        order_payload(
            [cart_line(box, 2)],
            450,
            payment_id,
            original_amount=500,
            applied_offer_id=offer.pk,
            discount_amount=400,  # the browser's figure: not read
        ),
        format="json",
    )

    assert response.status_code == 201, response.json()
    order = RackOrder.objects.get()
    assert response.json() == order_body(order)
    assert (order.original_amount, order.discount_amount, order.total_amount) == (
        Decimal("500.00"),
        Decimal("50.00"),
        Decimal("450.00"),
    )
    assert (order.surprise_gift_name, order.is_surprise_gift) == ("Balloon", True)
    assert (order.payment_status, order.paid_amount) == ("completed", Decimal("450.00"))


def test_a_checkout_that_charged_the_cart_before_the_offer_gets_the_excess_back(
    customer_client, razorpay, django_capture_on_commit_callbacks
):
    """payment-main.tsx charges original_amount when the cart carries a rack offer (its
    calculateFinalAmount reads the booking offer only): the order is the server's total and
    what was paid above it goes back."""
    offer = Offer.objects.create(
        offer_type="rack", title="Flat 50", discount_type="flat", discount_value=Decimal("50")
    )
    box = RackProductFactory(price=Decimal("250.00"), stock_quantity=5)
    _, payment_id = pay_first(customer_client, razorpay, 500)

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(
            "/api/racks/orders",
            order_payload([cart_line(box, 2)], 450, payment_id, applied_offer_id=offer.pk),
            format="json",
        )

    assert response.status_code == 201, response.json()
    order = RackOrder.objects.get()
    assert (order.total_amount, order.paid_amount, order.payment_status) == (
        Decimal("450.00"),
        Decimal("450.00"),
        "completed",
    )
    refund = Refund.objects.get()
    assert (refund.amount, refund.refund_type) == (Decimal("50.00"), RefundType.AUTOMATIC)
    assert run_queued_refunds() == 1
    payment = Payment.objects.get()
    assert (payment.refunded_amount, payment.status) == (Decimal("50.00"), PaymentStatus.SUCCESS)


def test_the_checkouts_advance_share_is_taken_as_an_advance(customer_client, razorpay):
    """Advances are on by default (50 %) and payment-main.tsx offers them for rack orders
    too: the order is taken, marked partial, the balance due at handover."""
    box = RackProductFactory(price=Decimal("333.00"), stock_quantity=5)
    _, payment_id = pay_first(customer_client, razorpay, 167)  # Math.round(333 * 0.5)

    response = customer_client.post(
        "/api/racks/orders", order_payload([cart_line(box, 1)], 333, payment_id), format="json"
    )

    assert response.status_code == 201, response.json()
    order = RackOrder.objects.get()
    assert response.json() == order_body(order)
    assert (order.payment_status, order.paid_amount, order.status) == (
        "partial",
        Decimal("167.00"),
        "confirmed",
    )
    assert not Refund.objects.exists()


def test_an_order_made_before_paying_is_paid_by_its_capture(customer_client, razorpay):
    """POST /racks/orders without a payment: a pending order and a Razorpay order for our
    total; the payment's capture (verify here) takes the stock and marks it paid."""
    box = RackProductFactory(price=Decimal("250.00"), stock_quantity=2)

    made = customer_client.post(
        "/api/racks/orders", order_payload([cart_line(box, 2)], 1, None), format="json"
    )

    assert made.status_code == 201, made.json()
    order = RackOrder.objects.get()
    assert made.json() == order_body(order)
    assert (order.payment_status, order.status, order.total_amount) == (
        "pending",
        "pending",
        Decimal("500.00"),
    )
    assert order.payment is not None
    assert order.payment.amount_paise == 50000
    assert order.payment.purpose == PaymentPurpose.RACK_ORDER
    box.refresh_from_db()
    assert box.stock_quantity == 2  # taken at payment, not before
    order_id = made.json()["razorpay_order_id"]
    paid = razorpay.pay(order_id)
    verified = customer_client.post(
        "/api/payments/razorpay/verify",
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": paid,
            "razorpay_signature": razorpay.signature(order_id, paid),
            "booking_id": None,
        },
        format="json",
    )
    assert verified.status_code == 200, verified.json()
    order.refresh_from_db()
    box.refresh_from_db()
    assert (order.payment_status, order.status, box.stock_quantity) == (
        "completed",
        "confirmed",
        0,
    )
    shown = customer_client.get(f"/api/racks/orders/{order.pk}").json()
    assert shown["payment_id"] == paid


def test_a_capture_after_the_units_sold_out_is_refunded(
    api_client, customer_client, razorpay, django_capture_on_commit_callbacks
):
    box = RackProductFactory(price=Decimal("250.00"), stock_quantity=1)
    made = customer_client.post(
        "/api/racks/orders", order_payload([cart_line(box, 1)], 250, None), format="json"
    )
    assert made.status_code == 201
    RackProduct.objects.filter(pk=box.pk).update(stock_quantity=0)  # sold at the counter
    paid = razorpay.pay(made.json()["razorpay_order_id"])

    with django_capture_on_commit_callbacks(execute=True):
        hook = deliver(api_client, razorpay, "payment.captured", paid, event_id="evt_rack_sold")

    assert hook.status_code == 200
    order = RackOrder.objects.get()
    assert (order.payment_status, order.status) == ("refunded", "cancelled")
    refund = Refund.objects.get()
    assert refund.refund_type == RefundType.AUTOMATIC
    assert run_queued_refunds() == 1


def test_an_order_whose_stock_is_already_short_is_refused_before_any_payment(
    customer_client, razorpay
):
    box = RackProductFactory(stock_quantity=1)
    response = customer_client.post(
        "/api/racks/orders", order_payload([cart_line(box, 2)], 500, None), format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "out_of_stock"
    assert not Payment.objects.exists()
    assert not razorpay.orders


# --- Surprise gift ------------------------------------------------------------------------------


def gift_form(**overrides):
    """surprise-gift.tsx's handleSubmit body."""
    return {
        "recipient_name": "Anu",
        "recipient_mobile": "9812345678",
        "delivery_address": "12 Beach Road",
        "pin_code": "671121",
        "city": "Kasaragod",
        "state": "Kerala",
        "occasion_type": "birthday",
        "birthday_date": "2027-01-15",
        "personal_message": None,
        **overrides,
    }


@pytest.fixture
def paid_order(customer_client, razorpay):
    box = RackProductFactory(price=Decimal("100.00"))
    _, payment_id = pay_first(customer_client, razorpay, 100)
    response = customer_client.post(
        "/api/racks/orders", order_payload([cart_line(box, 1)], 100, payment_id), format="json"
    )
    assert response.status_code == 201
    return RackOrder.objects.get(pk=response.json()["id"])


def test_the_surprise_gift_form_saves_where_the_gift_goes(customer_client, paid_order):
    response = customer_client.post(
        f"/api/racks/orders/{paid_order.pk}/surprise-gift-details", gift_form(), format="json"
    )

    assert response.status_code == 200, response.json()
    paid_order.refresh_from_db()
    assert response.json() == order_body(paid_order)
    assert paid_order.birthday_date == date(2027, 1, 15)
    assert paid_order.is_surprise_gift
    assert response.json()["recipient_name"] == "Anu"


@pytest.mark.parametrize(
    "overrides",
    [
        {"recipient_name": ""},
        {"city": None},
        {"birthday_date": "someday"},
        {"occasion_type": "wedding"},
        {"recipient_mobile": "call me"},
    ],
)
def test_a_bad_surprise_gift_form_is_400_and_changes_nothing(
    customer_client, paid_order, overrides
):
    response = customer_client.post(
        f"/api/racks/orders/{paid_order.pk}/surprise-gift-details",
        gift_form(**overrides),
        format="json",
    )
    assert response.status_code == 400
    paid_order.refresh_from_db()
    assert paid_order.recipient_name == ""


def test_another_customers_order_is_not_found(other_client, paid_order):
    assert other_client.get(f"/api/racks/orders/{paid_order.pk}").status_code == 404
    response = other_client.post(
        f"/api/racks/orders/{paid_order.pk}/surprise-gift-details", gift_form(), format="json"
    )
    assert response.status_code == 404
    paid_order.refresh_from_db()
    assert paid_order.recipient_name == ""


# --- Staff orders tab ---------------------------------------------------------------------------


def staff_body(order: RackOrder) -> dict[str, Any]:
    user = order.user
    name = f"{user.first_name} {user.last_name}".strip() or user.username
    return {"user_name": name, "user_mobile": user.mobile, **order_body(order)}


def test_the_staff_list_answers_what_the_orders_tab_reads(staff_client, paid_order):
    response = staff_client.get("/api/racks/admin/orders")

    assert response.status_code == 200
    assert response.json() == {
        "orders": [staff_body(paid_order)],
        "total": 1,
        "page": 1,
        "page_size": 200,
    }
    paid = staff_client.get("/api/racks/admin/orders?payment_status=completed&status=confirmed")
    assert paid.json()["total"] == 1
    assert staff_client.get("/api/racks/admin/orders?status=shipped").json()["orders"] == []
    assert staff_client.get("/api/racks/admin/orders?status=bogus").status_code == 400


def test_the_staff_list_costs_the_same_queries_for_one_order_or_many(
    customer, staff_client, django_assert_num_queries
):
    rack = RackFactory()
    product = RackProductFactory(rack=rack)

    def add_order(n: int) -> None:
        order = RackOrder.objects.create(
            user=customer,
            rack=rack,
            order_reference=f"RO-TEST{n:05d}",
            total_amount=Decimal("250.00"),
            original_amount=Decimal("250.00"),
        )
        order.lines.create(
            product=product,
            product_name=product.name,
            quantity=1,
            unit_price=product.price,
            subtotal=product.price,
        )

    add_order(0)
    # session/auth for the JWT user, count, page ids, rows with user and payment, lines
    with django_assert_num_queries(5):
        assert len(staff_client.get("/api/racks/admin/orders").json()["orders"]) == 1
    for n in range(1, 8):
        add_order(n)
    with django_assert_num_queries(5):
        assert len(staff_client.get("/api/racks/admin/orders").json()["orders"]) == 8
    page = staff_client.get("/api/racks/admin/orders?page=2&page_size=3").json()
    assert (len(page["orders"]), page["total"]) == (3, 8)
    assert staff_client.get("/api/racks/admin/orders?page_size=501").status_code == 400
