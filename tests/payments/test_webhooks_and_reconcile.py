"""Razorpay's webhook and the reconciliation task: news of a payment from the gateway's side,
in any order with the checkout's verify, applied once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking
from payments import services
from payments.choices import PaymentStatus, RefundStatus, RefundType
from payments.models import Payment, Refund, WebhookEvent
from tests.payments.conftest import booking_body, run_queued_refunds, wednesday
from tests.payments.test_checkout import verify

pytestmark = pytest.mark.django_db


def order_for(client, rupees: int) -> str:
    response = client.post(
        "/api/payments/create-razorpay-order", {"amount": rupees * 100}, format="json"
    )
    assert response.status_code == 200, response.json()
    order_id: str = response.json()["order_id"]
    return order_id


def deliver(client, razorpay, event: str, entity_id: str, *, event_id: str, secret=None):
    body, signature = razorpay.webhook(event, entity_id, secret=secret)
    return client.generic(
        "POST",
        "/api/payments/razorpay/webhook",
        body,
        content_type="application/json",
        HTTP_X_RAZORPAY_SIGNATURE=signature,
        HTTP_X_RAZORPAY_EVENT_ID=event_id,
    )


def test_webhook_first_then_verify_pays_the_booking_once(
    api_client, customer_client, razorpay, hall
):
    order_id = order_for(customer_client, 3000)
    payment_id = razorpay.pay(order_id)
    booking = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(10), total_amount=3000), format="json"
    ).json()

    hook = deliver(api_client, razorpay, "payment.captured", payment_id, event_id="evt_1")
    again = deliver(api_client, razorpay, "payment.captured", payment_id, event_id="evt_1")
    verified = verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    assert (hook.status_code, hook.json()) == (200, {"status": "applied"})
    assert again.json() == {"status": "duplicate"}
    assert verified.status_code == 200, verified.json()
    stored = Booking.objects.get(pk=booking["id"])
    assert (stored.status, stored.paid_amount) == (BookingStatus.PENDING, Decimal("3000.00"))
    assert Payment.objects.get().status == PaymentStatus.SUCCESS
    assert WebhookEvent.objects.count() == 1


def test_verify_first_then_the_webhook_changes_nothing(api_client, customer_client, razorpay, hall):
    order_id = order_for(customer_client, 1500)
    payment_id = razorpay.pay(order_id)
    booking = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(10)), format="json"
    ).json()
    verify(customer_client, razorpay, order_id, payment_id, booking["id"])

    hook = deliver(api_client, razorpay, "payment.captured", payment_id, event_id="evt_2")

    assert hook.json() == {"status": "applied"}
    assert Booking.objects.get(pk=booking["id"]).paid_amount == Decimal("1500.00")
    assert Payment.objects.get().events.count() == 2  # order, verify: the webhook added none


def test_a_webhook_with_a_wrong_signature_is_refused(api_client, customer_client, razorpay):
    order_id = order_for(customer_client, 3000)
    payment_id = razorpay.pay(order_id)

    response = deliver(
        api_client, razorpay, "payment.captured", payment_id, event_id="evt_3", secret="guess"
    )

    assert response.status_code == 400
    assert Payment.objects.get().status == PaymentStatus.PENDING
    assert not WebhookEvent.objects.exists()


def test_a_failed_payment_is_recorded_and_a_later_success_still_counts(
    api_client, customer_client, razorpay
):
    order_id = order_for(customer_client, 3000)
    failed_id = razorpay.fail(order_id)

    deliver(api_client, razorpay, "payment.failed", failed_id, event_id="evt_4")
    assert Payment.objects.get().status == PaymentStatus.FAILED
    paid_id = razorpay.pay(order_id)  # the customer tries again on the same order
    deliver(api_client, razorpay, "payment.captured", paid_id, event_id="evt_5")

    payment = Payment.objects.get()
    assert (payment.status, payment.provider_payment_id) == (PaymentStatus.SUCCESS, paid_id)


def test_reconciliation_settles_a_payment_nobody_told_us_about(customer_client, razorpay, hall):
    order_id = order_for(customer_client, 3000)
    razorpay.pay(order_id)
    Payment.objects.update(created_at=timezone.now() - timedelta(minutes=30))

    counts = services.reconcile_payments()

    assert counts["captured"] == 1
    assert Payment.objects.get().status == PaymentStatus.SUCCESS


def test_money_no_booking_claimed_is_returned_by_reconciliation(
    customer_client, razorpay, django_capture_on_commit_callbacks
):
    """The browser paid, then closed before booking: after twice the hold, the money goes back."""
    order_id = order_for(customer_client, 3000)
    razorpay.pay(order_id)
    Payment.objects.update(created_at=timezone.now() - timedelta(minutes=30))
    services.reconcile_payments()
    Payment.objects.update(paid_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        counts = services.reconcile_payments()
        again = services.reconcile_payments()

    assert (counts["returned"], again["returned"]) == (1, 0)
    assert run_queued_refunds() == 1
    refund = Refund.objects.get()
    assert (refund.refund_type, refund.status, refund.booking_id) == (
        RefundType.AUTOMATIC,
        RefundStatus.COMPLETED,
        None,
    )
    assert Payment.objects.get().status == PaymentStatus.REFUNDED


def test_abandoned_orders_become_failed_after_a_day(customer_client, razorpay):
    order_for(customer_client, 3000)
    Payment.objects.update(created_at=timezone.now() - timedelta(hours=30))

    assert services.reconcile_payments()["failed"] == 1
    assert Payment.objects.get().status == PaymentStatus.FAILED


def test_the_sweeper_expires_only_lapsed_holds(customer_client, hall):
    lapsed = customer_client.post("/api/bookings", booking_body(hall, wednesday(9)), format="json")
    current = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(14)), format="json"
    )
    Booking.objects.filter(pk=lapsed.json()["id"]).update(
        payment_hold_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert services.payment_holds_expire() == 1
    assert services.payment_holds_expire() == 0
    assert Booking.objects.get(pk=lapsed.json()["id"]).status == BookingStatus.EXPIRED
    assert Booking.objects.get(pk=current.json()["id"]).status == BookingStatus.PENDING_PAYMENT


def _payments_counted(outcome: str) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value("lebrq_payments_total", {"outcome": outcome}) or 0.0


def test_payment_outcomes_are_counted_once_each_when_committed(
    api_client, customer_client, razorpay, django_capture_on_commit_callbacks
):
    failed_before, success_before = _payments_counted("failed"), _payments_counted("success")
    order_id = order_for(customer_client, 3000)
    failed_id = razorpay.fail(order_id)

    with django_capture_on_commit_callbacks(execute=True):
        deliver(api_client, razorpay, "payment.failed", failed_id, event_id="evt_m1")
    paid_id = razorpay.pay(order_id)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(api_client, razorpay, "payment.captured", paid_id, event_id="evt_m2")
        # The gateway tells us again under another event id: settled once, counted once.
        deliver(api_client, razorpay, "payment.captured", paid_id, event_id="evt_m3")

    assert _payments_counted("failed") == failed_before + 1
    assert _payments_counted("success") == success_before + 1
