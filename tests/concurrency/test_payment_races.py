"""One payment reported at once by the checkout's verify (twice), Razorpay's webhook (twice,
as two deliveries) and reconciliation (twice), in real concurrent transactions: it is
recorded once and pays its booking once."""

import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from bookings.models import Booking, BookingEvent
from payments import services
from payments.choices import PaymentStatus
from payments.gateways import parse_payment
from payments.models import Payment, PaymentEvent
from tests.concurrency.gate import all_at_once
from tests.conftest import bearer_client
from tests.factories import SpaceFactory, UserFactory
from tests.payments.conftest import booking_body, wednesday

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hall():
    return SpaceFactory(price_per_hour=Decimal("1000.00"), capacity=100)


def _slow(name: str, seconds: float):
    """Widen the window between reading a payment and writing it, so a missing lock shows."""
    real = getattr(services, name)

    def slowed(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    return mock.patch.object(services, name, slowed)


def test_verify_webhook_and_reconciliation_at_once_pay_the_booking_once(razorpay, hall):
    customer = UserFactory()
    client = bearer_client(customer)
    order = client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000}, format="json"
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    booking = client.post("/api/bookings", booking_body(hall, wednesday(10)), format="json").json()
    Payment.objects.update(created_at=timezone.now() - timedelta(minutes=30))  # reconcilable
    verify_body = {
        "razorpay_order_id": order["order_id"],
        "razorpay_payment_id": payment_id,
        "razorpay_signature": razorpay.signature(order["order_id"], payment_id),
        "booking_id": booking["id"],
    }

    def verify() -> int:
        return (
            bearer_client(customer)
            .post("/api/payments/razorpay/verify", verify_body, format="json")
            .status_code
        )

    def webhook(event_id: str) -> Callable[[], int]:
        def deliver() -> int:
            body, signature = razorpay.webhook("payment.captured", payment_id)
            return (
                bearer_client(customer)
                .generic(
                    "POST",
                    "/api/payments/razorpay/webhook",
                    body,
                    content_type="application/json",
                    HTTP_X_RAZORPAY_SIGNATURE=signature,
                    HTTP_X_RAZORPAY_EVENT_ID=event_id,
                )
                .status_code
            )

        return deliver

    with _slow("_record_capture", 0.05), _slow("_pay_booking", 0.05):
        results = all_at_once(
            [
                verify,
                verify,
                webhook("evt_race_1"),
                webhook("evt_race_2"),
                services.reconcile_payments,
                services.reconcile_payments,
            ]
        )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r for r in results if isinstance(r, int)) == [200, 200, 200, 200]
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCESS
    assert PaymentEvent.objects.filter(payment=payment, to_status="success").count() == 1
    stored = Booking.objects.get(pk=booking["id"])
    assert (stored.status, stored.paid_amount) == ("pending", Decimal("3000.00"))
    assert BookingEvent.objects.filter(booking=stored, note__startswith="Payment ").count() == 1


def test_control_without_the_payment_lock_the_same_race_counts_twice(razorpay, hall):
    """Shows the test above can fail: read the payment without locking it and two reports
    both see it pending, and the booking is paid twice."""
    customer = UserFactory()
    client = bearer_client(customer)
    order = client.post(
        "/api/payments/create-razorpay-order", {"amount": 150000}, format="json"
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    booking = client.post("/api/bookings", booking_body(hall, wednesday(10)), format="json").json()
    paid = razorpay.payments[payment_id]
    unlocked = mock.patch.object(
        Payment.objects, "select_for_update", side_effect=Payment.objects.all
    )

    def report() -> object:
        return services.payment_captured(
            order_id=order["order_id"],
            paid=parse_payment(paid),
            source="webhook",
            booking_id=booking["id"],
        )

    with unlocked, _slow("_record_capture", 0.2):
        all_at_once([report, report])

    assert Booking.objects.get(pk=booking["id"]).paid_amount == Decimal("3000.00")
