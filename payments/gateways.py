"""Payment gateways behind one interface: Razorpay (its official client) and a local one.

The local gateway (the embedded default) answers from what our own database holds, so
`make run` needs no account and no network, and it can never charge anyone. Razorpay is
reached at RAZORPAY_BASE_URL with a timeout on every call; 429 and 5xx answers are retried
with exponential backoff (the client library retries nothing by itself unless asked, and
then only connection errors), then `GatewayUnavailable` becomes a 503 with Retry-After.
Refund creation is never retried blindly: a retry could pay the customer twice
(payments.services looks up the refund first).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

import razorpay
import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from lebrq.errors import InvalidInput, Unavailable

RETRY_AFTER_SECONDS = 30
RETRIED_STATUSES = (429, 500, 502, 503, 504)


class GatewayUnavailable(Unavailable):
    default_message = "The payment service is not answering; please try again in a minute."
    default_code = "payment_gateway_unavailable"


class GatewayRefused(InvalidInput):
    default_message = "The payment service refused the request."
    default_code = "payment_gateway_refused"


@dataclass(frozen=True)
class GatewayOrder:
    id: str
    amount_paise: int
    currency: str
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class GatewayPayment:
    id: str
    order_id: str
    amount_paise: int
    # Razorpay's payment states: created, authorized, captured, refunded, failed.
    status: str
    method: str = ""
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def captured(self) -> bool:
        # A refunded payment was captured first: the money arrived.
        return self.status in ("captured", "refunded")


@dataclass(frozen=True)
class GatewayRefund:
    id: str
    payment_id: str
    amount_paise: int
    # Razorpay's refund states: pending, processed, failed.
    status: str
    raw: dict[str, Any] = field(default_factory=dict)


class PaymentGateway(Protocol):
    name: str
    key_id: str

    def create_order(
        self, *, amount_paise: int, currency: str, receipt: str, notes: dict[str, str]
    ) -> GatewayOrder: ...

    def order_payments(self, order_id: str) -> list[GatewayPayment]: ...

    def payment_for_order(self, order_id: str, payment_id: str) -> GatewayPayment | None:
        """The gateway's own record of `payment_id` if it belongs to `order_id`."""
        ...

    def refund(
        self, *, payment_id: str, amount_paise: int, notes: dict[str, str]
    ) -> GatewayRefund: ...

    def payment_refunds(self, payment_id: str) -> list[GatewayRefund]: ...

    def checkout_signature_valid(self, order_id: str, payment_id: str, signature: str) -> bool: ...

    def webhook_signature_valid(self, body: bytes, signature: str) -> bool: ...


def _hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _same(expected: str, given: str) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters (a TypeError, a 500).
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def parse_payment(raw: dict[str, Any]) -> GatewayPayment:
    return GatewayPayment(
        id=str(raw["id"]),
        order_id=str(raw.get("order_id") or ""),
        amount_paise=int(raw["amount"]),
        status=str(raw.get("status") or ""),
        method=str(raw.get("method") or ""),
        raw=raw,
    )


def parse_refund(raw: dict[str, Any]) -> GatewayRefund:
    return GatewayRefund(
        id=str(raw["id"]),
        payment_id=str(raw.get("payment_id") or ""),
        amount_paise=int(raw["amount"]),
        status=str(raw.get("status") or ""),
        raw=raw,
    )


def _session(*, retry_statuses: bool) -> requests.Session:
    """A session whose adapter retries connection failures and, if asked, 429/5xx answers
    (honouring Retry-After), never a request whose answer was lost mid-read."""
    retry = Retry(
        total=settings.RAZORPAY_MAX_RETRIES,
        connect=settings.RAZORPAY_MAX_RETRIES,
        read=0,
        status=settings.RAZORPAY_MAX_RETRIES if retry_statuses else 0,
        status_forcelist=RETRIED_STATUSES if retry_statuses else (),
        allowed_methods=frozenset({"GET", "POST"}),
        backoff_factor=settings.RAZORPAY_RETRY_BACKOFF_SECONDS,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.mount("https://", HTTPAdapter(max_retries=retry))
    return session


class RazorpayGateway:
    name = "razorpay"

    def __init__(self) -> None:
        if not (settings.RAZORPAY_KEY_ID and settings.RAZORPAY_KEY_SECRET):
            raise ImproperlyConfigured(
                "PAYMENT_GATEWAY=razorpay needs RAZORPAY_KEY_ID and RAZORPAY_KEY_SECRET."
            )
        self.key_id: str = settings.RAZORPAY_KEY_ID
        self._secret: str = settings.RAZORPAY_KEY_SECRET
        auth = (self.key_id, self._secret)
        base_url = settings.RAZORPAY_BASE_URL.rstrip("/")
        self._client = razorpay.Client(
            auth=auth, base_url=base_url, session=_session(retry_statuses=True)
        )
        self._once = razorpay.Client(
            auth=auth, base_url=base_url, session=_session(retry_statuses=False)
        )

    def _call(self, method: Any, *args: Any) -> dict[str, Any]:
        """One API call with its timeout; the library's errors as ours."""
        try:
            answer: dict[str, Any] = method(*args, timeout=settings.RAZORPAY_TIMEOUT_SECONDS)
        except (
            requests.RequestException,
            razorpay.errors.ServerError,
            razorpay.errors.GatewayError,
        ) as exc:
            raise GatewayUnavailable(retry_after=RETRY_AFTER_SECONDS) from exc
        except razorpay.errors.BadRequestError as exc:
            if "authentication" in str(exc).lower():
                # Our keys are wrong: an operator's problem, not the customer's.
                raise GatewayUnavailable(retry_after=RETRY_AFTER_SECONDS) from exc
            raise GatewayRefused(f"The payment service refused the request: {exc}") from exc
        except ValueError as exc:  # a non-JSON answer (a proxy's error page)
            raise GatewayUnavailable(retry_after=RETRY_AFTER_SECONDS) from exc
        return answer

    def create_order(
        self, *, amount_paise: int, currency: str, receipt: str, notes: dict[str, str]
    ) -> GatewayOrder:
        data = {"amount": amount_paise, "currency": currency, "receipt": receipt, "notes": notes}
        raw = self._call(self._client.order.create, dict(data))
        return GatewayOrder(
            id=str(raw["id"]), amount_paise=int(raw["amount"]), currency=raw["currency"], raw=raw
        )

    def order_payments(self, order_id: str) -> list[GatewayPayment]:
        raw = self._call(self._client.order.payments, order_id)
        return [parse_payment(item) for item in raw.get("items", [])]

    def payment_for_order(self, order_id: str, payment_id: str) -> GatewayPayment | None:
        try:
            payment = parse_payment(self._call(self._client.payment.fetch, payment_id))
        except GatewayRefused:
            return None  # no such payment
        return payment if payment.order_id == order_id else None

    def refund(self, *, payment_id: str, amount_paise: int, notes: dict[str, str]) -> GatewayRefund:
        data = {"amount": amount_paise, "speed": "normal", "notes": notes}
        return parse_refund(self._call(self._once.payment.refund, payment_id, dict(data)))

    def payment_refunds(self, payment_id: str) -> list[GatewayRefund]:
        raw = self._call(self._client.payment.fetch_multiple_refund, payment_id)
        return [parse_refund(item) for item in raw.get("items", [])]

    def checkout_signature_valid(self, order_id: str, payment_id: str, signature: str) -> bool:
        expected = _hmac_hex(self._secret, f"{order_id}|{payment_id}".encode())
        return _same(expected, signature)

    def webhook_signature_valid(self, body: bytes, signature: str) -> bool:
        secret = settings.RAZORPAY_WEBHOOK_SECRET
        return bool(secret) and _same(_hmac_hex(secret, body), signature)


class LocalGateway:
    """Development stand-in: orders get local ids, nothing is charged, nothing leaves the
    machine. A payment "succeeds" when the checkout posts a signature made with
    RAZORPAY_KEY_SECRET (or the development secret), as a test or a script can."""

    name = "local"
    key_id = "rzp_local"
    # Not a secret: the local gateway moves no money. A configured key secret replaces it.
    DEVELOPMENT_SECRET = "local-development-secret"  # noqa: S105

    def __init__(self) -> None:
        self._secret = settings.RAZORPAY_KEY_SECRET or self.DEVELOPMENT_SECRET

    def create_order(
        self, *, amount_paise: int, currency: str, receipt: str, notes: dict[str, str]
    ) -> GatewayOrder:
        order_id = f"order_local{secrets.token_hex(7)}"
        raw = {"id": order_id, "amount": amount_paise, "currency": currency, "receipt": receipt}
        return GatewayOrder(id=order_id, amount_paise=amount_paise, currency=currency, raw=raw)

    def order_payments(self, order_id: str) -> list[GatewayPayment]:
        return []

    def payment_for_order(self, order_id: str, payment_id: str) -> GatewayPayment | None:
        """A correctly signed checkout paid the whole order: the order's amount is in our
        own payments table (the local gateway has no other books)."""
        from payments.models import Payment

        amount = Payment.objects.filter(order_id=order_id).values_list("amount_paise", flat=True)
        paise = amount.first()
        if paise is None:
            return None
        return GatewayPayment(
            id=payment_id, order_id=order_id, amount_paise=paise, status="captured", method="local"
        )

    def refund(self, *, payment_id: str, amount_paise: int, notes: dict[str, str]) -> GatewayRefund:
        refund_id = f"rfnd_local{secrets.token_hex(7)}"
        raw = {
            "id": refund_id,
            "payment_id": payment_id,
            "amount": amount_paise,
            "status": "processed",
        }
        return GatewayRefund(
            id=refund_id,
            payment_id=payment_id,
            amount_paise=amount_paise,
            status="processed",
            raw=raw,
        )

    def payment_refunds(self, payment_id: str) -> list[GatewayRefund]:
        return []

    def checkout_signature_valid(self, order_id: str, payment_id: str, signature: str) -> bool:
        return _same(_hmac_hex(self._secret, f"{order_id}|{payment_id}".encode()), signature)

    def webhook_signature_valid(self, body: bytes, signature: str) -> bool:
        return _same(_hmac_hex(self._secret, body), signature)


GATEWAYS: dict[str, type[RazorpayGateway] | type[LocalGateway]] = {
    "razorpay": RazorpayGateway,
    "local": LocalGateway,
}


def payment_gateway() -> PaymentGateway:
    try:
        gateway_class = GATEWAYS[settings.PAYMENT_GATEWAY]
    except KeyError:
        raise ImproperlyConfigured(
            f"PAYMENT_GATEWAY must be one of {', '.join(GATEWAYS)}, not "
            f"{settings.PAYMENT_GATEWAY!r}."
        ) from None
    return gateway_class()
