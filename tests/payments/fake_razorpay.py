"""A fake of Razorpay's REST API v1, served over HTTP on loopback by the suite, and the
`razorpay_api` fixture (a plugin of tests/conftest.py).

It speaks what the official `razorpay` client sends and reads: HTTP basic auth with the key id
and secret, JSON bodies, entities and errors in the shapes Razorpay documents. Point a client at
it with `razorpay.Client(auth=(api.key_id, api.key_secret), base_url=api.base_url)`.

What Razorpay's Checkout does in the customer's browser has no HTTP endpoint here: tests call
`pay()` / `fail()` instead, and `signature()` / `webhook()` give what Checkout hands the frontend
and what Razorpay posts to our webhook URL.
"""

import base64
import hashlib
import hmac
import json
import secrets
import string
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

Entity = dict[str, Any]

ID_ALPHABET = string.ascii_letters + string.digits
PAYMENT_METHODS = ("card", "upi", "netbanking", "wallet")
# Razorpay's fee is 2% of the amount on most methods, plus 18% GST on the fee; `fee` includes it.
FEE_PERCENT = 2
GST_PERCENT = 18
MAX_NOTES = 15
MAX_RECEIPT_LENGTH = 40
MINIMUM_AMOUNT = 100  # paise: Razorpay refuses orders and refunds under INR 1.00

ORDER_FIELDS = {
    "amount",
    "currency",
    "receipt",
    "notes",
    "payment_capture",
    "partial_payment",
    "first_payment_min_amount",
}
REFUND_FIELDS = {"amount", "speed", "notes", "receipt"}

# Razorpay answers a 5xx with this body (its code, not the HTTP status, picks the client's
# exception class: the `razorpay` client raises ServerError for SERVER_ERROR).
SERVER_ERROR_DESCRIPTION = (
    "We are facing some trouble completing your request at the moment. Please try again shortly."
)

WEBHOOK_EVENTS = {
    "payment.authorized": ("payment",),
    "payment.captured": ("payment",),
    "payment.failed": ("payment",),
    "order.paid": ("payment", "order"),
    "refund.created": ("refund", "payment"),
    "refund.processed": ("refund", "payment"),
}


def new_id(prefix: str) -> str:
    """An id shaped like Razorpay's: a prefix, an underscore and 14 base-62 characters."""
    return f"{prefix}_" + "".join(secrets.choice(ID_ALPHABET) for _ in range(14))


def hmac_sha256_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def notes_as_razorpay_renders(notes: Entity | list[Any]) -> Entity | list[Any]:
    # Razorpay renders empty notes as a JSON array, not an object (its API is PHP): code that
    # reads `entity["notes"].get(...)` must cope with `[]`.
    return notes or []


class RazorpayAPIError(Exception):
    """An error the fake answers in Razorpay's shape: {"error": {"code", "description", ...}}."""

    def __init__(
        self,
        description: str,
        *,
        status: int = 400,
        code: str = "BAD_REQUEST_ERROR",
        field: str | None = None,
        source: str = "business",
        step: str = "payment_initiation",
        reason: str = "input_validation_failed",
    ) -> None:
        super().__init__(description)
        self.status = status
        self.body: Entity = {
            "error": {
                "code": code,
                "description": description,
                "field": field,
                "source": source,
                "step": step,
                "reason": reason,
                "metadata": {},
            }
        }


def authentication_failed() -> RazorpayAPIError:
    return RazorpayAPIError(
        "Authentication failed", status=401, source="NA", step="NA", reason="NA"
    )


def injected_failure(status: int) -> RazorpayAPIError:
    if status >= 500:
        return RazorpayAPIError(
            SERVER_ERROR_DESCRIPTION,
            status=status,
            code="SERVER_ERROR",
            source="NA",
            step="NA",
            reason="NA",
        )
    # Razorpay documents the 429 status of its rate limiter but not the body; this one is in
    # the shape of its other errors, so the client raises BadRequestError for it.
    description = "Too many requests" if status == 429 else "Request failed"
    return RazorpayAPIError(description, status=status, source="NA", step="NA", reason="NA")


def collection(items: list[Entity]) -> Entity:
    return {"entity": "collection", "count": len(items), "items": items}


def require_amount(body: Entity, *, currency: str = "INR", required: bool = True) -> int | None:
    """The request's `amount`, validated as Razorpay does (integer paise, at least INR 1.00)."""
    if "amount" not in body or body["amount"] is None:
        if required:
            raise RazorpayAPIError("The amount field is required.", field="amount")
        return None
    amount = body["amount"]
    # bool is an int in Python; JSON true is not an amount.
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise RazorpayAPIError("The amount must be an integer.", field="amount")
    if amount < MINIMUM_AMOUNT:
        raise RazorpayAPIError(f"The amount must be at least {currency} 1.00", field="amount")
    return amount


def refuse_unknown_fields(body: Entity, allowed: set[str]) -> None:
    extra = sorted(set(body) - allowed)
    if extra:
        raise RazorpayAPIError(f"{', '.join(extra)} is/are not required and should not be sent")


def validate_notes(notes: Any) -> Entity | list[Any]:
    if notes in (None, [], {}):
        return []
    if not isinstance(notes, dict):
        raise RazorpayAPIError("The notes must be an array.", field="notes")
    if len(notes) > MAX_NOTES:
        raise RazorpayAPIError(
            f"Number of fields in notes should be less than or equal to {MAX_NOTES}",
            field="notes",
        )
    return notes


@dataclass
class RecordedRequest:
    """One request the fake received: its method, path (no query), JSON body and the status
    it was answered with."""

    method: str
    path: str
    json: Entity | None
    query: dict[str, str] = field(default_factory=dict)
    status: int = 0


@dataclass
class FakeRazorpay:
    """Razorpay's API state (orders, payments, refunds) for one test, and the test's controls."""

    key_id: str = "rzp_test_LeBRQFakeKey01"
    key_secret: str = "fake-razorpay-key-secret"
    webhook_secret: str = "fake-razorpay-webhook-secret"
    account_id: str = "acc_LeBRQFakeAcc01"
    base_url: str = ""
    requests: list[RecordedRequest] = field(default_factory=list)
    orders: dict[str, Entity] = field(default_factory=dict)
    payments: dict[str, Entity] = field(default_factory=dict)
    refunds: dict[str, Entity] = field(default_factory=dict)
    _order_auto_capture: dict[str, bool] = field(default_factory=dict)
    _failures: list[int] = field(default_factory=list)
    _delays: list[float] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _closing: threading.Event = field(default_factory=threading.Event)

    # -- test controls ---------------------------------------------------------------------

    def pay(
        self,
        order_id: str,
        amount: int | None = None,
        method: str = "card",
        *,
        captured: bool | None = None,
    ) -> str:
        """The customer pays the order at Checkout; returns the payment id.

        The payment is captured at once (and the order paid) if the order was created with
        payment_capture on, Razorpay's default; with it off, or `captured=False`, the payment
        stays authorized until POST /v1/payments/{id}/capture. `amount` defaults to what the
        order still has due."""
        with self._lock:
            order = self._order(order_id)
            if order["status"] == "paid":
                raise ValueError(f"{order_id} is already paid: Checkout refuses another payment")
            payment = self._new_payment(order, amount or order["amount_due"], method)
            payment["status"] = "authorized"
            order["attempts"] += 1
            order["status"] = "attempted"
            if self._order_auto_capture[order_id] if captured is None else captured:
                self._capture(payment)
            return str(payment["id"])

    def fail(self, order_id: str, method: str = "card") -> str:
        """A payment attempt on the order fails (wrong OTP); returns the failed payment's id."""
        with self._lock:
            order = self._order(order_id)
            if order["status"] == "paid":
                raise ValueError(f"{order_id} is already paid: Checkout refuses another payment")
            payment = self._new_payment(order, order["amount_due"], method)
            payment.update(
                status="failed",
                error_code="BAD_REQUEST_ERROR",
                error_description="Payment processing failed because of incorrect OTP",
                error_source="customer",
                error_step="payment_authentication",
                error_reason="incorrect_otp",
            )
            order["attempts"] += 1
            order["status"] = "attempted"
            return str(payment["id"])

    def signature(self, order_id: str, payment_id: str) -> str:
        """The `razorpay_signature` Checkout hands the frontend after a successful payment:
        HMAC-SHA256 of "{order_id}|{payment_id}" keyed with the key secret, in hex."""
        return hmac_sha256_hex(self.key_secret, f"{order_id}|{payment_id}".encode())

    def webhook(
        self, event: str, entity_id: str, *, secret: str | None = None
    ) -> tuple[bytes, str]:
        """The raw body Razorpay would POST for `event` about a payment (payment.* and
        order.paid: `entity_id` is the payment id) or a refund (refund.*: the refund id), and its
        X-Razorpay-Signature header: HMAC-SHA256 of the raw body with the webhook secret, hex.

        The entities are snapshots of their state now, as Razorpay's are at the event."""
        if event not in WEBHOOK_EVENTS:
            raise ValueError(f"unsupported webhook event {event!r}")
        with self._lock:
            payload: Entity = {}
            if event.startswith("refund."):
                refund = self._refund(entity_id)
                payload["refund"] = {"entity": dict(refund)}
                payment = self._payment(refund["payment_id"])
            else:
                payment = self._payment(entity_id)
            payload["payment"] = {"entity": self._payment_as_webhook(payment)}
            if event == "order.paid":
                payload["order"] = {"entity": dict(self._order(payment["order_id"]))}
            body = json.dumps(
                {
                    "entity": "event",
                    "account_id": self.account_id,
                    "event": event,
                    "contains": list(WEBHOOK_EVENTS[event]),
                    "payload": payload,
                    "created_at": int(time.time()),
                }
            ).encode()
        return body, hmac_sha256_hex(secret or self.webhook_secret, body)

    def fail_next(self, n: int = 1, status: int = 503) -> None:
        """Answer the next `n` requests with `status` (503, 500, 429...) in Razorpay's error
        shape, before authenticating or changing anything."""
        with self._lock:
            self._failures.extend([status] * n)

    def slow_next(self, n: int, seconds: float) -> None:
        """Hold the answers to the next `n` requests for `seconds`. The request has already
        taken effect: a client that times out has still created the order or the refund, as
        with a real timeout, and a retry must not do it twice."""
        with self._lock:
            self._delays.extend([seconds] * n)

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    # -- HTTP ------------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, authorization: str | None, raw_body: bytes
    ) -> tuple[int, Entity, float]:
        """Answer one request: (status, JSON body, seconds to hold the answer)."""
        url = urlsplit(target)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        body: Entity | None = None
        body_error: RazorpayAPIError | None = None
        if raw_body:
            try:
                parsed = json.loads(raw_body)
            except ValueError:
                body_error = RazorpayAPIError("The request body is not valid JSON")
            else:
                if isinstance(parsed, dict):
                    body = parsed
                else:
                    body_error = RazorpayAPIError("The request body must be a JSON object")
        recorded = RecordedRequest(method, url.path, body, query)
        with self._lock:
            self.requests.append(recorded)
            delay = self._delays.pop(0) if self._delays else 0.0
            try:
                if self._failures:
                    raise injected_failure(self._failures.pop(0))
                if not self._authorized(authorization):
                    raise authentication_failed()
                if body_error is not None:
                    raise body_error
                status, answer = 200, self._route(method, url.path, body or {}, query)
            except RazorpayAPIError as error:
                status, answer = error.status, error.body
            recorded.status = status
        return status, answer, delay

    def _authorized(self, authorization: str | None) -> bool:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme != "Basic":  # Razorpay refuses "basic" and "BASIC" too
            return False
        try:
            credentials = base64.b64decode(token, validate=True).decode()
        except ValueError:
            return False
        key_id, _, key_secret = credentials.partition(":")
        return hmac.compare_digest(key_id, self.key_id) and hmac.compare_digest(
            key_secret, self.key_secret
        )

    def _route(self, method: str, path: str, body: Entity, query: dict[str, str]) -> Entity:
        match method, path.strip("/").split("/"):
            case "POST", ["v1", "orders"]:
                return self._create_order(body)
            case "GET", ["v1", "orders"]:
                return self._list(self.orders, query)
            case "GET", ["v1", "orders", order_id]:
                return dict(self._order(order_id))
            case "GET", ["v1", "orders", order_id, "payments"]:
                self._order(order_id)
                return collection(
                    [
                        dict(payment)
                        for payment in reversed(self.payments.values())
                        if payment["order_id"] == order_id
                    ]
                )
            case "GET", ["v1", "payments"]:
                return self._list(self.payments, query)
            case "GET", ["v1", "payments", payment_id]:
                return dict(self._payment(payment_id))
            case "POST", ["v1", "payments", payment_id, "capture"]:
                return self._capture_request(payment_id, body)
            case "POST", ["v1", "payments", payment_id, "refund"]:
                refuse_unknown_fields(body, REFUND_FIELDS)
                return self._create_refund(payment_id, body)
            case "GET", ["v1", "payments", payment_id, "refunds"]:
                self._payment(payment_id)
                return collection(
                    [
                        dict(refund)
                        for refund in reversed(self.refunds.values())
                        if refund["payment_id"] == payment_id
                    ]
                )
            case "GET", ["v1", "payments", payment_id, "refunds", refund_id]:
                refund = self._refund(refund_id)
                if refund["payment_id"] != payment_id:
                    raise RazorpayAPIError("The id provided does not exist")
                return dict(refund)
            case "POST", ["v1", "refunds"]:
                refuse_unknown_fields(body, REFUND_FIELDS | {"payment_id"})
                refunded_payment_id = body.get("payment_id")
                if not isinstance(refunded_payment_id, str):
                    raise RazorpayAPIError("The payment id field is required.", field="payment_id")
                return self._create_refund(refunded_payment_id, body)
            case "GET", ["v1", "refunds"]:
                return self._list(self.refunds, query)
            case "GET", ["v1", "refunds", refund_id]:
                return dict(self._refund(refund_id))
        raise RazorpayAPIError(
            "The requested URL was not found on the server", source="NA", step="NA", reason="NA"
        )

    # -- entities --------------------------------------------------------------------------

    def _order(self, order_id: str) -> Entity:
        try:
            return self.orders[order_id]
        except KeyError:
            raise RazorpayAPIError("The id provided does not exist") from None

    def _payment(self, payment_id: str) -> Entity:
        try:
            return self.payments[payment_id]
        except KeyError:
            raise RazorpayAPIError("The id provided does not exist") from None

    def _refund(self, refund_id: str) -> Entity:
        try:
            return self.refunds[refund_id]
        except KeyError:
            raise RazorpayAPIError("The id provided does not exist") from None

    def _list(self, entities: dict[str, Entity], query: dict[str, str]) -> Entity:
        """Newest first, `count` (default 10, at most 100) after `skip`, as Razorpay pages."""
        try:
            count = int(query.get("count", 10))
            skip = int(query.get("skip", 0))
        except ValueError:
            raise RazorpayAPIError("The count and skip must be integers.") from None
        if not 1 <= count <= 100:
            raise RazorpayAPIError("The count must be between 1 and 100.", field="count")
        newest_first = list(reversed(entities.values()))
        return collection([dict(entity) for entity in newest_first[skip : skip + count]])

    def _create_order(self, body: Entity) -> Entity:
        refuse_unknown_fields(body, ORDER_FIELDS)
        currency = body.get("currency")
        if not currency:
            raise RazorpayAPIError("The currency field is required.", field="currency")
        if not isinstance(currency, str) or len(currency) != 3:
            raise RazorpayAPIError("The currency must be 3 characters.", field="currency")
        amount = require_amount(body, currency=currency)
        receipt = body.get("receipt")
        if receipt is not None and (
            not isinstance(receipt, str) or len(receipt) > MAX_RECEIPT_LENGTH
        ):
            raise RazorpayAPIError(
                f"The receipt may not be greater than {MAX_RECEIPT_LENGTH} characters.",
                field="receipt",
            )
        order: Entity = {
            "id": new_id("order"),
            "entity": "order",
            "amount": amount,
            "amount_paid": 0,
            "amount_due": amount,
            "currency": currency,
            "receipt": receipt,
            "offer_id": None,
            "status": "created",
            "attempts": 0,
            "notes": notes_as_razorpay_renders(validate_notes(body.get("notes"))),
            "created_at": int(time.time()),
        }
        self.orders[order["id"]] = order
        # payment_capture is a request flag, not a field of the order entity; 1/true (the
        # default) captures a payment as soon as it is authorized.
        self._order_auto_capture[order["id"]] = body.get("payment_capture", 1) in (1, True, "1")
        return dict(order)

    def _new_payment(self, order: Entity, amount: int, method: str) -> Entity:
        if method not in PAYMENT_METHODS:
            raise ValueError(f"method must be one of {PAYMENT_METHODS}, not {method!r}")
        payment_id = new_id("pay")
        payment: Entity = {
            "id": payment_id,
            "entity": "payment",
            "amount": amount,
            "currency": order["currency"],
            "status": "created",
            "order_id": order["id"],
            "invoice_id": None,
            "international": False,
            "method": method,
            "amount_refunded": 0,
            "refund_status": None,
            "captured": False,
            "description": None,
            "card_id": new_id("card") if method == "card" else None,
            "bank": "HDFC" if method == "netbanking" else None,
            "wallet": "paytm" if method == "wallet" else None,
            # Razorpay's documented test-mode VPA and contact; no customer's real details.
            "vpa": "success@razorpay" if method == "upi" else None,
            "email": "customer@example.com",
            "contact": "+919000090000",
            "notes": [],
            "fee": None,
            "tax": None,
            "error_code": None,
            "error_description": None,
            "error_source": None,
            "error_step": None,
            "error_reason": None,
            "acquirer_data": self._acquirer_data(method),
            "created_at": int(time.time()),
        }
        self.payments[payment_id] = payment
        return payment

    @staticmethod
    def _acquirer_data(method: str) -> Entity:
        digits = "".join(secrets.choice(string.digits) for _ in range(12))
        if method == "card":
            return {"auth_code": digits[:6]}
        if method == "upi":
            return {"rrn": digits, "upi_transaction_id": digits}
        if method == "netbanking":
            return {"bank_transaction_id": digits[:7]}
        return {"transaction_id": None}

    def _capture(self, payment: Entity) -> None:
        amount = payment["amount"]
        fee_before_tax = amount * FEE_PERCENT // 100
        tax = fee_before_tax * GST_PERCENT // 100
        payment.update(status="captured", captured=True, fee=fee_before_tax + tax, tax=tax)
        order = self.orders[payment["order_id"]]
        order["amount_paid"] += amount
        order["amount_due"] = max(order["amount"] - order["amount_paid"], 0)
        order["status"] = "paid" if order["amount_due"] == 0 else "attempted"

    def _capture_request(self, payment_id: str, body: Entity) -> Entity:
        payment = self._payment(payment_id)
        amount = require_amount(body, currency=payment["currency"])
        if payment["status"] == "captured" or payment["status"] == "refunded":
            raise RazorpayAPIError("This payment has already been captured")
        if payment["status"] != "authorized":
            raise RazorpayAPIError(
                "Only payments which have been authorized and not yet captured can be captured"
            )
        if amount != payment["amount"]:
            raise RazorpayAPIError(
                "Capture amount must be equal to the amount authorized", field="amount"
            )
        self._capture(payment)
        return dict(payment)

    def _create_refund(self, payment_id: str, body: Entity) -> Entity:
        payment = self._payment(payment_id)
        amount = require_amount(body, currency=payment["currency"], required=False)
        if payment["status"] not in ("captured", "refunded"):
            raise RazorpayAPIError(
                "The payment has not been captured, so it cannot be refunded", field="payment_id"
            )
        refundable = payment["amount"] - payment["amount_refunded"]
        if refundable == 0:
            raise RazorpayAPIError("The payment has been fully refunded already")
        if amount is None:
            amount = refundable
        if amount > refundable:
            raise RazorpayAPIError(
                "The refund amount provided is greater than amount captured", field="amount"
            )
        speed = body.get("speed", "normal")
        if speed not in ("normal", "optimum"):
            raise RazorpayAPIError("The selected speed is invalid.", field="speed")
        refund: Entity = {
            "id": new_id("rfnd"),
            "entity": "refund",
            "amount": amount,
            "currency": payment["currency"],
            "payment_id": payment_id,
            "notes": notes_as_razorpay_renders(validate_notes(body.get("notes"))),
            "receipt": body.get("receipt"),
            "acquirer_data": {"arn": None},
            "created_at": int(time.time()),
            "batch_id": None,
            "status": "processed",
            "speed_processed": "normal",
            "speed_requested": speed,
        }
        self.refunds[refund["id"]] = refund
        payment["amount_refunded"] += amount
        fully_refunded = payment["amount_refunded"] == payment["amount"]
        payment["refund_status"] = "full" if fully_refunded else "partial"
        if fully_refunded:
            payment["status"] = "refunded"
        return dict(refund)

    def _payment_as_webhook(self, payment: Entity) -> Entity:
        # Webhook payloads carry the card object that GET /v1/payments/{id} leaves out
        # unless asked to expand it.
        entity = dict(payment)
        if payment["method"] == "card":
            entity["card"] = {
                "id": payment["card_id"],
                "entity": "card",
                "name": "Test Customer",
                "last4": "1111",
                "network": "Visa",
                "type": "debit",
                "issuer": None,
                "international": False,
                "emi": False,
                "sub_type": "consumer",
            }
        return entity


@contextmanager
def fake_razorpay_server() -> Iterator[FakeRazorpay]:
    api = FakeRazorpay()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            status, body, delay = api.handle(
                self.command, self.path, self.headers.get("Authorization"), self.rfile.read(length)
            )
            if delay:
                # Interrupted when the fixture ends, so a held answer never outlives its test.
                api._closing.wait(delay)
            encoded = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test): nobody to answer

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll interval: shutdown() waits up to one interval, and every test ends with it.
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="fake-razorpay",
        daemon=True,
    )
    thread.start()
    try:
        yield api
    finally:
        api._closing.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def razorpay_api() -> Iterator[FakeRazorpay]:
    """Razorpay's REST API v1, faked on loopback with fresh state for each test."""
    with fake_razorpay_server() as api:
        yield api


@pytest.fixture
def razorpay(settings: Any, razorpay_api: FakeRazorpay) -> FakeRazorpay:
    """The payments app's Razorpay gateway, pointed at the fake, with quick retries."""
    settings.PAYMENT_GATEWAY = "razorpay"
    settings.RAZORPAY_KEY_ID = razorpay_api.key_id
    settings.RAZORPAY_KEY_SECRET = razorpay_api.key_secret
    settings.RAZORPAY_WEBHOOK_SECRET = razorpay_api.webhook_secret
    settings.RAZORPAY_BASE_URL = razorpay_api.base_url
    settings.RAZORPAY_TIMEOUT_SECONDS = 2
    settings.RAZORPAY_MAX_RETRIES = 2
    settings.RAZORPAY_RETRY_BACKOFF_SECONDS = 0.01
    return razorpay_api
