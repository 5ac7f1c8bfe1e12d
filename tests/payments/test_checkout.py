"""The checkout as the frontend runs it (payment-main.tsx): prepare, order, pay at Razorpay,
book, verify. Razorpay is the fake on loopback, reached through the official client."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking
from payments import services
from payments.choices import PaymentStatus, RefundStatus, RefundType
from payments.models import Payment, PaymentEvent, Refund
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.payments.conftest import booking_body, run_queued_refunds, wednesday

pytestmark = pytest.mark.django_db


def pay_then_book(client, razorpay, hall, *, rupees: int, start=None):
    """payment-main.tsx's order of calls up to verify; returns (order_id, payment_id, booking)."""
    prepared = client.post(
        "/api/payments/prepare",
        {"amount": rupees, "currency": "INR", "language": "EN"},
        format="json",
    )
    assert prepared.status_code == 200, prepared.json()
    order = client.post(
        "/api/payments/create-razorpay-order",
        {"amount": rupees * 100, "currency": "INR"},
        format="json",
    )
    assert order.status_code == 200, order.json()
    order_id = order.json()["order_id"]
    payment_id = razorpay.pay(order_id)
    booked = client.post(
        "/api/bookings",
        booking_body(hall, start or wednesday(10), total_amount=3000),
        format="json",
    )
    assert booked.status_code == 201, booked.json()
    return order_id, payment_id, booked.json()


def verify(client, razorpay, order_id, payment_id, booking_id, signature=None):
    return client.post(
        "/api/payments/razorpay/verify",
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature or razorpay.signature(order_id, payment_id),
            "booking_id": booking_id,
            # utils/razorpay-helper.ts adds the screen's breakdown; it is ignored.
            "total_amount": 3000,
            "paid_amount": 1,
        },
        format="json",
    )


def test_the_whole_total_paid_then_booked_then_verified(customer, customer_client, razorpay, hall):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=3000)
    assert booking["status"] == "pending_payment"  # holding its slot while unverified

    response = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "success": True,
        "message": "Payment verified.",
        "payment_id": payment_id,
        "order_id": order_id,
        "booking_id": booking["id"],
        "amount": 3000.0,
        "status": "success",
        "booking_status": "pending",
        "refund_id": None,
    }
    stored = Booking.objects.get(pk=booking["id"])
    assert (stored.status, stored.paid_amount, stored.payment_hold_expires_at) == (
        BookingStatus.PENDING,
        Decimal("3000.00"),
        None,
    )
    payment = Payment.objects.get(order_id=order_id)
    assert (payment.amount, payment.amount_paise, payment.provider_payment_id) == (
        Decimal("3000.00"),
        300000,
        payment_id,
    )
    assert payment.gateway_response["payment"]["id"] == payment_id  # the raw answer is kept
    assert list(
        PaymentEvent.objects.filter(payment=payment).values_list("to_status", "source")
    ) == [
        ("pending", "order"),
        ("success", "verify"),
    ]
    # The order was made for what the browser said (the booking did not exist yet)...
    assert razorpay.requests_to("POST", "/v1/orders")[0].json["amount"] == 300000


def test_the_advance_share_is_accepted_and_the_balance_stays_due(customer_client, razorpay, hall):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=1500)

    response = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert response.status_code == 200, response.json()
    detail = customer_client.get(f"/api/bookings/{booking['id']}").json()
    assert (detail["paid_amount"], detail["balance_amount"], detail["status"]) == (
        1500,
        1500,
        "pending",
    )


def test_money_that_is_not_what_the_booking_owes_goes_back(
    customer_client, razorpay, hall, django_capture_on_commit_callbacks
):
    """...so a browser that ordered 1 rupee for a 3000 booking gets its rupee back and no
    booking: the legacy charged whatever the browser asked."""
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert response.status_code == 409
    assert response.json()["success"] is False
    refund = Refund.objects.get(pk=response.json()["refund_id"])
    assert (refund.refund_type, refund.amount) == (RefundType.AUTOMATIC, Decimal("1.00"))
    stored = Booking.objects.get(pk=booking["id"])
    assert (stored.status, stored.paid_amount) == (BookingStatus.PENDING_PAYMENT, Decimal("0"))
    assert run_queued_refunds() == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.COMPLETED
    assert razorpay.refunds[refund.refund_reference]["amount"] == 100


@pytest.mark.parametrize("forged", ["0" * 64, "_oR\u008d`\ud9bf\udfffs\u00b2/\u00a6hs"])
def test_a_forged_signature_records_nothing(customer_client, razorpay, hall, forged):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=3000)

    # Non-ASCII (lone surrogates too, as schemathesis sent) once made compare_digest raise.
    body = {
        "razorpay_order_id": order_id,
        "razorpay_payment_id": payment_id,
        "razorpay_signature": forged,
        "booking_id": booking["id"],
    }
    response = customer_client.generic(
        "POST", "/api/payments/razorpay/verify", json.dumps(body), "application/json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "signature_invalid"
    assert Payment.objects.get(order_id=order_id).status == PaymentStatus.PENDING
    assert Booking.objects.get(pk=booking["id"]).paid_amount == 0


def test_a_signed_but_unpaid_order_is_not_taken_on_the_browsers_word(
    customer_client, razorpay, hall
):
    order = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000}, format="json"
    ).json()
    invented = "pay_Invented000001"

    response = customer_client.post(
        "/api/payments/razorpay/verify",
        {
            "razorpay_order_id": order["order_id"],
            "razorpay_payment_id": invented,
            "razorpay_signature": razorpay.signature(order["order_id"], invented),
        },
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "payment_not_captured"
    assert Payment.objects.get(order_id=order["order_id"]).status == PaymentStatus.PENDING


def test_verify_twice_counts_the_payment_once(customer_client, razorpay, hall):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=1500)

    first = verify(customer_client, razorpay, order_id, payment_id, booking["id"])
    second = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert (first.status_code, second.status_code) == (200, 200)
    assert Booking.objects.get(pk=booking["id"]).paid_amount == Decimal("1500.00")


def test_another_customers_order_cannot_be_verified(customer_client, razorpay, hall):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=3000)
    stranger = bearer_client(UserFactory())

    response = verify(stranger, razorpay, order_id, payment_id, booking["id"])

    assert response.status_code in (403, 404)
    assert Payment.objects.get(order_id=order_id).status == PaymentStatus.PENDING


def test_an_order_for_an_existing_booking_must_be_what_it_owes(customer_client, razorpay, hall):
    """payment-meeting-room.tsx books first, then prepares and orders with the booking id."""
    booking = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(10)), format="json"
    ).json()

    wrong = customer_client.post(
        "/api/payments/create-razorpay-order",
        {"amount": 100, "currency": "INR", "booking_id": booking["id"]},
        format="json",
    )
    prepared = customer_client.post(
        "/api/payments/prepare",
        {"booking_id": booking["id"], "amount": 3000, "currency": "INR", "language": "en"},
        format="json",
    )
    right = customer_client.post(
        "/api/payments/create-razorpay-order",
        {"amount": 150000, "currency": "INR", "booking_id": booking["id"]},
        format="json",
    )

    assert wrong.status_code == 409
    assert (wrong.json()["client_amount"], wrong.json()["server_amount"]) == ("1.00", "3000.00")
    assert not razorpay.requests_to("POST", "/v1/orders")[:-1]  # the wrong one never reached it
    assert prepared.status_code == 200, prepared.json()
    assert prepared.json()["booking_id"] == booking["id"]
    assert right.status_code == 200, right.json()
    assert right.json()["amount"] == 150000
    assert right.json()["id"] == right.json()["order_id"]


def test_a_late_payment_for_a_lapsed_hold_whose_slot_was_taken_is_returned(
    customer_client, razorpay, hall, django_capture_on_commit_callbacks
):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=3000)
    Booking.objects.filter(pk=booking["id"]).update(
        payment_hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert services.payment_holds_expire() == 1
    rival = bearer_client(UserFactory())
    taken = rival.post("/api/bookings", booking_body(hall, wednesday(10)), format="json")
    assert taken.status_code == 201, taken.json()

    with django_capture_on_commit_callbacks(execute=True):
        response = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert response.status_code == 409
    assert Booking.objects.get(pk=booking["id"]).status == BookingStatus.EXPIRED
    assert run_queued_refunds() == 1
    assert Refund.objects.get().status == RefundStatus.COMPLETED
    assert [r["amount"] for r in razorpay.refunds.values()] == [300000]


def test_a_late_payment_revives_a_lapsed_hold_if_the_slot_is_still_free(
    customer_client, razorpay, hall
):
    order_id, payment_id, booking = pay_then_book(customer_client, razorpay, hall, rupees=3000)
    Booking.objects.filter(pk=booking["id"]).update(
        payment_hold_expires_at=timezone.now() - timedelta(minutes=1)
    )
    services.payment_holds_expire()

    response = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert response.status_code == 200, response.json()
    assert Booking.objects.get(pk=booking["id"]).status == BookingStatus.PENDING


def test_an_unpaid_hold_frees_the_slot_when_it_runs_out(customer_client, hall):
    held = customer_client.post("/api/bookings", booking_body(hall, wednesday(10)), format="json")
    assert held.status_code == 201
    rival = bearer_client(UserFactory())
    refused = rival.post("/api/bookings", booking_body(hall, wednesday(10)), format="json")
    Booking.objects.filter(pk=held.json()["id"]).update(
        payment_hold_expires_at=timezone.now() - timedelta(seconds=1)
    )
    # No sweeper has run: the slot is free the moment the hold runs out.
    taken = rival.post("/api/bookings", booking_body(hall, wednesday(10)), format="json")

    assert refused.status_code == 409
    assert taken.status_code == 201, taken.json()


def test_gateway_outage_is_a_503_with_retry_after_and_nothing_written(customer_client, razorpay):
    razorpay.fail_next(3, status=503)  # the first try and both retries

    response = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000}, format="json"
    )

    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["code"] == "payment_gateway_unavailable"
    assert not Payment.objects.exists()


def test_a_429_or_a_5xx_is_retried_with_backoff(customer_client, razorpay):
    razorpay.fail_next(1, status=429)
    razorpay.fail_next(1, status=502)

    response = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert Payment.objects.count() == 1


def test_a_gateway_slower_than_the_timeout_is_a_503(customer_client, razorpay, settings):
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.3
    razorpay.slow_next(1, seconds=1.5)

    response = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000}, format="json"
    )

    assert response.status_code == 503
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 99},
        {"amount": "lots"},
        {"amount": 100.5},
        {"amount": 300000, "currency": "USD"},
        {},
    ],
)
def test_bad_orders_are_400(customer_client, razorpay, body):
    response = customer_client.post("/api/payments/create-razorpay-order", body, format="json")

    assert response.status_code == 400
    assert not Payment.objects.exists()
    assert not razorpay.requests_to("POST", "/v1/orders")


def test_prepare_and_order_answer_what_the_checkout_reads(customer, customer_client, razorpay):
    """payment-main.tsx reads amount, currency and the billing_* prefill from prepare, and
    order_id (or id) from the order; the key id lets a screen open the checkout."""
    prepared = customer_client.post(
        "/api/payments/prepare",
        {"amount": 3000, "currency": "INR", "language": "EN"},
        format="json",
    )
    order = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000, "currency": "INR"}, format="json"
    )

    assert prepared.json() == {
        "success": True,
        "booking_id": None,
        "amount": 3000.0,
        "currency": "INR",
        "booking_type": None,
        "billing_name": customer.display_name,
        "billing_email": customer.email,
        "billing_tel": customer.mobile,
    }
    order_id = order.json()["order_id"]
    assert order.json() == {
        "success": True,
        "id": order_id,
        "order_id": order_id,
        "amount": 300000,
        "currency": "INR",
        "receipt": razorpay.orders[order_id]["receipt"],
        "status": "created",
        "key_id": razorpay.key_id,
    }
