"""The fake Razorpay API, driven through the official `razorpay` client as the payments app
will drive it, so that the app's tests can trust what the fake answers."""

import json

import httpx
import pytest
import razorpay
import requests
from razorpay.errors import BadRequestError, ServerError, SignatureVerificationError

ORDER_KEYS = {
    "id",
    "entity",
    "amount",
    "amount_paid",
    "amount_due",
    "currency",
    "receipt",
    "offer_id",
    "status",
    "attempts",
    "notes",
    "created_at",
}
ERROR_KEYS = {"code", "description", "field", "source", "step", "reason", "metadata"}


@pytest.fixture
def client(razorpay_api):
    client = razorpay.Client(
        auth=(razorpay_api.key_id, razorpay_api.key_secret), base_url=razorpay_api.base_url
    )
    yield client
    client.session.close()


@pytest.fixture
def order(client):
    return client.order.create(
        {"amount": 250000, "currency": "INR", "receipt": "booking-42", "notes": {"booking": "42"}}
    )


def test_an_order_is_created_in_razorpays_shape(razorpay_api, order):
    assert set(order) == ORDER_KEYS
    assert order["id"].startswith("order_")
    assert len(order["id"]) == len("order_") + 14
    assert order["entity"] == "order"
    assert (order["amount"], order["amount_paid"], order["amount_due"]) == (250000, 0, 250000)
    assert (order["currency"], order["receipt"], order["status"]) == (
        "INR",
        "booking-42",
        "created",
    )
    assert order["attempts"] == 0
    assert order["notes"] == {"booking": "42"}
    assert isinstance(order["created_at"], int)
    [create] = razorpay_api.requests_to("POST", "/v1/orders")
    assert create.json == {
        "amount": 250000,
        "currency": "INR",
        "receipt": "booking-42",
        "notes": {"booking": "42"},
    }
    assert create.status == 200


def test_an_order_without_notes_renders_them_as_an_empty_array(client):
    order = client.order.create({"amount": 10000, "currency": "INR"})

    assert order["notes"] == []
    assert order["receipt"] is None


def test_paying_an_order_captures_the_payment_and_marks_the_order_paid(razorpay_api, client, order):
    payment_id = razorpay_api.pay(order["id"])

    payment = client.payment.fetch(payment_id)
    assert payment_id.startswith("pay_")
    assert payment["entity"] == "payment"
    assert (payment["amount"], payment["currency"]) == (250000, "INR")
    assert (payment["status"], payment["captured"]) == ("captured", True)
    assert (payment["order_id"], payment["method"]) == (order["id"], "card")
    assert (payment["amount_refunded"], payment["refund_status"]) == (0, None)
    assert payment["fee"] == 5900  # 2% = 5000, plus 18% GST on it
    assert payment["tax"] == 900
    fetched = client.order.fetch(order["id"])
    assert fetched["status"] == "paid"
    assert (fetched["amount_paid"], fetched["amount_due"], fetched["attempts"]) == (250000, 0, 1)
    payments = client.order.payments(order["id"])
    assert payments["entity"] == "collection"
    assert payments["count"] == 1
    assert [item["id"] for item in payments["items"]] == [payment_id]


def test_a_paid_order_takes_no_second_payment(razorpay_api, order):
    razorpay_api.pay(order["id"])

    with pytest.raises(ValueError, match="already paid"):
        razorpay_api.pay(order["id"])


def test_a_failed_attempt_leaves_the_order_attempted_and_a_retry_pays_it(
    razorpay_api, client, order
):
    failed_id = razorpay_api.fail(order["id"], method="upi")

    failed = client.payment.fetch(failed_id)
    assert (failed["status"], failed["captured"], failed["method"]) == ("failed", False, "upi")
    assert failed["error_code"] == "BAD_REQUEST_ERROR"
    assert failed["error_reason"] == "incorrect_otp"
    assert client.order.fetch(order["id"])["status"] == "attempted"

    paid_id = razorpay_api.pay(order["id"])

    fetched = client.order.fetch(order["id"])
    assert (fetched["status"], fetched["attempts"]) == ("paid", 2)
    payments = client.order.payments(order["id"])["items"]
    assert [payment["id"] for payment in payments] == [paid_id, failed_id]


def test_without_auto_capture_the_payment_waits_for_the_capture_call(razorpay_api, client):
    order = client.order.create({"amount": 50000, "currency": "INR", "payment_capture": 0})
    payment_id = razorpay_api.pay(order["id"])
    assert client.payment.fetch(payment_id)["status"] == "authorized"
    assert client.order.fetch(order["id"])["status"] == "attempted"

    with pytest.raises(BadRequestError, match="Capture amount must be equal"):
        client.payment.capture(payment_id, 40000, {"currency": "INR"})
    captured = client.payment.capture(payment_id, 50000, {"currency": "INR"})

    assert (captured["status"], captured["captured"]) == ("captured", True)
    assert client.order.fetch(order["id"])["status"] == "paid"
    with pytest.raises(BadRequestError, match="already been captured"):
        client.payment.capture(payment_id, 50000, {"currency": "INR"})


def test_a_partial_then_a_full_refund(razorpay_api, client, order):
    payment_id = razorpay_api.pay(order["id"])

    first = client.payment.refund(payment_id, {"amount": 100000, "notes": {"reason": "hall"}})

    assert first["id"].startswith("rfnd_")
    assert first["entity"] == "refund"
    assert (first["amount"], first["currency"], first["payment_id"]) == (100000, "INR", payment_id)
    assert (first["status"], first["speed_requested"]) == ("processed", "normal")
    assert first["notes"] == {"reason": "hall"}
    [request] = razorpay_api.requests_to("POST", f"/v1/payments/{payment_id}/refund")
    assert request.json == {"amount": 100000, "notes": {"reason": "hall"}}
    payment = client.payment.fetch(payment_id)
    assert (payment["status"], payment["amount_refunded"]) == ("captured", 100000)
    assert payment["refund_status"] == "partial"

    # The rest, through POST /v1/refunds this time, with no amount: all that is left.
    rest = client.refund.create({"payment_id": payment_id})

    assert rest["amount"] == 150000
    assert client.refund.fetch(rest["id"]) == rest
    payment = client.payment.fetch(payment_id)
    assert (payment["status"], payment["refund_status"]) == ("refunded", "full")
    refunds = client.payment.fetch_multiple_refund(payment_id)
    assert (refunds["entity"], refunds["count"]) == ("collection", 2)
    assert [refund["id"] for refund in refunds["items"]] == [rest["id"], first["id"]]
    assert client.payment.fetch_refund_id(payment_id, first["id"]) == first
    assert client.order.fetch(order["id"])["status"] == "paid"  # stays paid, as documented


def test_refunding_more_than_was_captured_is_refused(razorpay_api, client, order):
    payment_id = razorpay_api.pay(order["id"])
    client.payment.refund(payment_id, {"amount": 200000})

    with pytest.raises(BadRequestError, match="greater than amount captured"):
        client.payment.refund(payment_id, {"amount": 50001})

    assert razorpay_api.requests[-1].status == 400
    payment = client.payment.fetch(payment_id)
    assert (payment["amount_refunded"], payment["refund_status"]) == (200000, "partial")
    assert len(client.payment.fetch_multiple_refund(payment_id)["items"]) == 1


def test_a_payment_that_was_not_captured_cannot_be_refunded(razorpay_api, client, order):
    payment_id = razorpay_api.fail(order["id"])

    with pytest.raises(BadRequestError, match="not been captured"):
        client.payment.refund(payment_id, {"amount": 10000})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"amount": 99, "currency": "INR"}, "at least INR 1.00"),
        ({"amount": 100.5, "currency": "INR"}, "must be an integer"),
        ({"amount": 10000}, "currency field is required"),
        ({"amount": 10000, "currency": "INR", "receipt": "r" * 41}, "40 characters"),
        ({"amount": 10000, "currency": "INR", "booking": 42}, "booking is/are not required"),
    ],
)
def test_a_bad_order_is_refused_with_razorpays_error_shape(razorpay_api, client, body, message):
    with pytest.raises(BadRequestError, match=message):
        client.order.create(body)

    assert razorpay_api.orders == {}
    # The whole body, read without the client, which keeps only the description.
    answer = httpx.post(
        f"{razorpay_api.base_url}/v1/orders",
        json=body,
        auth=(razorpay_api.key_id, razorpay_api.key_secret),
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert set(error) == ERROR_KEYS
    assert error["code"] == "BAD_REQUEST_ERROR"
    assert error["reason"] == "input_validation_failed"


def test_an_unknown_id_is_refused(client):
    with pytest.raises(BadRequestError, match="The id provided does not exist"):
        client.payment.fetch("pay_00000000000000")


def test_a_wrong_key_secret_is_refused_with_401(razorpay_api, order):
    wrong = razorpay.Client(
        auth=(razorpay_api.key_id, "not-the-secret"), base_url=razorpay_api.base_url
    )
    try:
        with pytest.raises(BadRequestError, match="Authentication failed"):
            wrong.order.fetch(order["id"])
    finally:
        wrong.session.close()

    assert razorpay_api.requests[-1].status == 401
    answer = httpx.get(f"{razorpay_api.base_url}/v1/orders/{order['id']}")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "BAD_REQUEST_ERROR"
    assert answer.json()["error"]["description"] == "Authentication failed"


def test_the_checkout_signature_verifies_and_a_tampered_one_does_not(razorpay_api, client, order):
    payment_id = razorpay_api.pay(order["id"])
    signature = razorpay_api.signature(order["id"], payment_id)

    assert client.utility.verify_payment_signature(
        {
            "razorpay_order_id": order["id"],
            "razorpay_payment_id": payment_id,
            "razorpay_signature": signature,
        }
    )
    tampered = ("0" if signature[0] != "0" else "1") + signature[1:]
    with pytest.raises(SignatureVerificationError):
        client.utility.verify_payment_signature(
            {
                "razorpay_order_id": order["id"],
                "razorpay_payment_id": payment_id,
                "razorpay_signature": tampered,
            }
        )
    # A genuine signature for another order's payment does not verify this one.
    other = client.order.create({"amount": 10000, "currency": "INR"})
    with pytest.raises(SignatureVerificationError):
        client.utility.verify_payment_signature(
            {
                "razorpay_order_id": other["id"],
                "razorpay_payment_id": payment_id,
                "razorpay_signature": signature,
            }
        )


def test_a_payment_captured_webhook_verifies_with_the_webhook_secret(razorpay_api, client, order):
    payment_id = razorpay_api.pay(order["id"])

    body, signature = razorpay_api.webhook("payment.captured", payment_id)

    # The client hashes a str: the app must hand it the raw body decoded, not re-serialized.
    assert client.utility.verify_webhook_signature(
        body.decode(), signature, razorpay_api.webhook_secret
    )
    with pytest.raises(SignatureVerificationError):
        client.utility.verify_webhook_signature(body.decode(), signature, razorpay_api.key_secret)
    with pytest.raises(SignatureVerificationError):
        client.utility.verify_webhook_signature(
            body.decode().replace("250000", "250001"), signature, razorpay_api.webhook_secret
        )
    event = json.loads(body)
    assert (event["entity"], event["event"], event["contains"]) == (
        "event",
        "payment.captured",
        ["payment"],
    )
    assert event["account_id"].startswith("acc_")
    entity = event["payload"]["payment"]["entity"]
    assert (entity["id"], entity["order_id"], entity["status"]) == (
        payment_id,
        order["id"],
        "captured",
    )
    assert entity["card"]["entity"] == "card"


def test_failed_and_refund_webhooks_carry_their_entities(razorpay_api, client, order):
    failed_id = razorpay_api.fail(order["id"])
    payment_id = razorpay_api.pay(order["id"])
    refund = client.payment.refund(payment_id, {"amount": 5000})

    failed_body, failed_signature = razorpay_api.webhook("payment.failed", failed_id)
    refund_body, refund_signature = razorpay_api.webhook(
        "refund.processed", refund["id"], secret="another-webhook-secret"
    )

    failed = json.loads(failed_body)["payload"]["payment"]["entity"]
    assert (failed["id"], failed["status"], failed["error_code"]) == (
        failed_id,
        "failed",
        "BAD_REQUEST_ERROR",
    )
    assert client.utility.verify_webhook_signature(
        failed_body.decode(), failed_signature, razorpay_api.webhook_secret
    )
    event = json.loads(refund_body)
    assert event["contains"] == ["refund", "payment"]
    assert event["payload"]["refund"]["entity"] == refund
    assert event["payload"]["payment"]["entity"]["amount_refunded"] == 5000
    assert client.utility.verify_webhook_signature(
        refund_body.decode(), refund_signature, "another-webhook-secret"
    )


def test_fail_next_answers_503_then_recovers(razorpay_api, client):
    razorpay_api.fail_next(2, status=503)

    for _ in range(2):
        with pytest.raises(ServerError, match="Please try again shortly"):
            client.order.create({"amount": 10000, "currency": "INR"})
    order = client.order.create({"amount": 10000, "currency": "INR"})

    assert [request.status for request in razorpay_api.requests] == [503, 503, 200]
    assert list(razorpay_api.orders) == [order["id"]]  # the failed calls created nothing


def test_fail_next_can_answer_429(razorpay_api, client):
    razorpay_api.fail_next(1, status=429)

    # Razorpay's client raises by the error's code, not the status: a 429 is a BadRequestError.
    with pytest.raises(BadRequestError, match="Too many requests"):
        client.order.create({"amount": 10000, "currency": "INR"})

    assert razorpay_api.requests[-1].status == 429


def test_slow_next_times_out_a_client_after_the_server_did_the_work(razorpay_api, client):
    razorpay_api.slow_next(1, seconds=2)

    # The client sets no timeout of its own; the app must pass one on every call.
    with pytest.raises(requests.Timeout):
        client.order.create({"amount": 10000, "currency": "INR"}, timeout=0.2)

    assert len(razorpay_api.orders) == 1  # created all the same: a blind retry would duplicate
    assert client.order.all(timeout=5)["count"] == 1
