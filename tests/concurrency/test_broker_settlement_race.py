"""A booking's brokerage is paid once, whatever races for it, in real concurrent transactions
on the database: two Razorpay payouts prepared for one booking and verified at once, a payout
and a settlement by hand at once, a bulk payout against a single one."""

import time
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from unittest import mock

import pytest

from bookings.models import Booking
from brokers import services as broker_services
from brokers.choices import PayoutStatus
from brokers.models import BrokerPayout
from payments import hooks
from payments.choices import PaymentPurpose
from payments.models import Refund
from tests.brokers.factories import BrokerFactory, brokered_booking
from tests.concurrency.gate import all_at_once
from tests.conftest import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _slow_capture(seconds: float):
    """Keep each capture's transaction open a while after the handler flipped its bookings,
    so the other transaction reaches the same rows before this one commits."""
    real = hooks.capture_handler(PaymentPurpose.BROKER_SETTLEMENT)
    assert real is not None

    def slowed(payment):
        outcome = real(payment)
        time.sleep(seconds)
        return outcome

    return mock.patch.dict(hooks._capture_handlers, {PaymentPurpose.BROKER_SETTLEMENT: slowed})


def _prepared_and_paid(razorpay, staff, path: str, body: dict[str, Any]) -> dict[str, Any]:
    prepared = bearer_client(staff).post(path, body, format="json").json()
    payment_id = razorpay.pay(prepared["order_id"])
    prepared["payment_data"] = {
        "razorpay_payment_id": payment_id,
        "razorpay_order_id": prepared["order_id"],
        "razorpay_signature": razorpay.signature(prepared["order_id"], payment_id),
    }
    return prepared


def _verify(staff, path: str, body: dict[str, Any]) -> Callable[[], int]:
    return lambda: bearer_client(staff).post(path, body, format="json").status_code


def _two_paid_payouts_for_one_booking(razorpay):
    staff = UserFactory(staff=True)
    booking = brokered_booking(BrokerFactory(), "4000.00")
    path = "/api/broker/payments/prepare-payment"
    first = _prepared_and_paid(razorpay, staff, path, {"booking_id": booking.pk})
    second = _prepared_and_paid(razorpay, staff, path, {"booking_id": booking.pk})
    verify = [
        _verify(
            staff,
            "/api/broker/payments/verify-payment",
            {"booking_id": booking.pk, "payment_data": prepared["payment_data"]},
        )
        for prepared in (first, second)
    ]
    return booking, verify


def test_two_payouts_of_one_booking_verified_at_once_pay_it_once(razorpay):
    booking, verify = _two_paid_payouts_for_one_booking(razorpay)

    with _slow_capture(0.3):
        results = all_at_once(verify)

    assert sorted(r for r in results if isinstance(r, int)) == [200, 409], results
    assert BrokerPayout.objects.filter(status=PayoutStatus.SETTLED).count() == 1
    assert BrokerPayout.objects.filter(status=PayoutStatus.REFUSED).count() == 1
    # The losing payment goes back in full.
    assert Refund.objects.get().amount == booking.brokerage_amount
    assert Booking.objects.get(pk=booking.pk).broker_settled


def test_control_without_the_conditional_update_both_payouts_settle(razorpay):
    """Shows the test above can fail: let the UPDATE ignore broker_settled and both payouts
    take the same booking, which is then paid twice."""
    booking, verify = _two_paid_payouts_for_one_booking(razorpay)

    def unconditional(**conditions):
        conditions.pop("broker_settled", None)
        return Booking.objects.filter(**conditions)

    bypass = mock.patch.object(
        broker_services,
        "Booking",
        SimpleNamespace(objects=SimpleNamespace(filter=unconditional)),
    )
    with bypass, _slow_capture(0.3):
        results = all_at_once(verify)

    assert results == [200, 200]
    assert BrokerPayout.objects.filter(status=PayoutStatus.SETTLED).count() == 2
    assert not Refund.objects.exists()
    assert Booking.objects.get(pk=booking.pk).broker_settled


def test_a_payout_and_a_settlement_by_hand_at_once_count_once(razorpay):
    staff = UserFactory(staff=True)
    booking = brokered_booking(BrokerFactory(), "4000.00")
    prepared = _prepared_and_paid(
        razorpay, staff, "/api/broker/payments/prepare-payment", {"booking_id": booking.pk}
    )

    def by_hand() -> int:
        response = bearer_client(staff).post(
            "/api/broker/payments/settle", {"booking_ids": [booking.pk]}, format="json"
        )
        return int(response.json()["settled_count"])

    verify = _verify(
        staff,
        "/api/broker/payments/verify-payment",
        {"booking_id": booking.pk, "payment_data": prepared["payment_data"]},
    )
    with _slow_capture(0.3):
        results = all_at_once([verify, by_hand])

    status = next(r for r in results if r in (200, 409))
    counted_by_hand = next(r for r in results if r in (0, 1))
    payout = BrokerPayout.objects.get()
    # Exactly one of the two took the booking; a payout that lost is refunded.
    assert (status == 200) + counted_by_hand == 1, results
    assert (payout.status == PayoutStatus.SETTLED) == (status == 200)
    assert Refund.objects.count() == (0 if status == 200 else 1)


def test_a_bulk_and_a_single_payout_at_once_pay_each_booking_once(razorpay):
    staff = UserFactory(staff=True)
    broker = BrokerFactory()
    shared, alone = brokered_booking(broker, "1000.00"), brokered_booking(broker, "3000.00")
    single = _prepared_and_paid(
        razorpay, staff, "/api/broker/payments/prepare-payment", {"booking_id": shared.pk}
    )
    bulk = _prepared_and_paid(
        razorpay, staff, "/api/broker/payments/prepare-bulk-payment", {"broker_id": broker.pk}
    )
    assert bulk["booking_ids"] == [shared.pk, alone.pk]

    with _slow_capture(0.3):
        results = all_at_once(
            [
                _verify(
                    staff,
                    "/api/broker/payments/verify-payment",
                    {"booking_id": shared.pk, "payment_data": single["payment_data"]},
                ),
                _verify(
                    staff,
                    "/api/broker/payments/verify-bulk-payment",
                    {
                        "broker_id": broker.pk,
                        "booking_ids": bulk["booking_ids"],
                        "payment_data": bulk["payment_data"],
                    },
                ),
            ]
        )

    assert sorted(r for r in results if isinstance(r, int)) == [200, 409], results
    settled = BrokerPayout.objects.get(status=PayoutStatus.SETTLED)
    refunded = Refund.objects.get()
    assert refunded.payment_id != settled.payment_id
    paid_total = settled.amount
    owed_total = sum(
        (b.brokerage_amount for b in Booking.objects.filter(broker_settled=True)), Decimal("0")
    )
    # What was kept pays exactly the bookings marked settled, never one of them twice.
    assert paid_total == owed_total
