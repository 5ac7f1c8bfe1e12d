"""Payments another app owns (payouts to vendors and brokers, rack orders) are handed to the
handler that app registered, once, however many times the gateway's word arrives."""

from decimal import Decimal

import pytest

from payments import hooks, services
from payments.choices import PaymentPurpose, PaymentSource, PaymentStatus, RefundType
from payments.gateways import payment_gateway
from payments.models import Payment, Refund
from tests.payments.test_webhooks_and_reconcile import deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken(monkeypatch):
    """A handler for rack orders that records what it was given and answers `answer[0]`."""
    calls: list[int] = []
    answer: list[str | None] = [None]

    def handler(payment: Payment) -> str | None:
        calls.append(payment.pk)
        return answer[0]

    monkeypatch.setattr(hooks, "_capture_handlers", {})
    hooks.register_capture_handler(PaymentPurpose.RACK_ORDER, handler)
    return calls, answer


def rack_order(customer, lines: list[str]) -> Payment:
    return services.purpose_order_create(
        user=customer,
        amount=Decimal("250.00"),
        purpose=PaymentPurpose.RACK_ORDER,
        notes={"rack_order": "7"},
        on_created=lambda payment: lines.append(payment.order_id),
    )


def test_the_handler_takes_the_payment_once_whoever_reports_it(
    api_client, customer, razorpay, taken
):
    calls, _ = taken
    recorded: list[str] = []
    payment = rack_order(customer, recorded)
    payment_id = razorpay.pay(payment.order_id)
    paid = payment_gateway().payment_for_order(payment.order_id, payment_id)
    assert paid is not None

    services.payment_captured(order_id=payment.order_id, paid=paid, source=PaymentSource.VERIFY)
    hook = deliver(api_client, razorpay, "payment.captured", payment_id, event_id="evt_rack")
    services.payment_captured(order_id=payment.order_id, paid=paid, source=PaymentSource.RECONCILE)

    assert hook.status_code == 200
    assert recorded == [payment.order_id]
    assert calls == [payment.pk]
    payment.refresh_from_db()
    assert (payment.status, payment.purpose) == (PaymentStatus.SUCCESS, PaymentPurpose.RACK_ORDER)
    assert payment.amount_paise == 25000
    assert payment.settled_at is not None
    assert razorpay.orders[payment.order_id]["notes"]["purpose"] == "rack_order"
    # Taken: reconciliation's look for paid money nobody claimed does not return it.
    assert services.reconcile_payments()["returned"] == 0
    assert not Refund.objects.exists()


def test_a_payment_the_handler_cannot_take_goes_back(customer, razorpay, taken):
    calls, answer = taken
    answer[0] = "The rack sold out of that product."
    payment = rack_order(customer, [])
    payment_id = razorpay.pay(payment.order_id)
    paid = payment_gateway().payment_for_order(payment.order_id, payment_id)
    assert paid is not None

    settled = services.payment_captured(
        order_id=payment.order_id, paid=paid, source=PaymentSource.VERIFY
    )

    assert settled.refund is not None
    refund = Refund.objects.get()
    assert (refund.amount, refund.refund_type) == (Decimal("250.00"), RefundType.AUTOMATIC)
    assert "sold out" in refund.reason
    assert calls == [payment.pk]


def test_a_purpose_cannot_have_two_handlers(monkeypatch):
    monkeypatch.setattr(hooks, "_capture_handlers", {})
    hooks.register_capture_handler("rack_order", lambda payment: None)
    with pytest.raises(ValueError, match="already registered"):
        hooks.register_capture_handler("rack_order", lambda payment: None)


def test_an_amount_under_a_rupee_makes_no_order(customer, razorpay):
    from lebrq.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.purpose_order_create(
            user=customer, amount=Decimal("0.50"), purpose=PaymentPurpose.RACK_ORDER, notes={}
        )
    assert not Payment.objects.exists()
    assert razorpay.requests_to("POST", "/v1/orders") == []
