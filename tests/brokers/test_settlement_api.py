"""Brokerage: computed on the server when a broker books, summed per broker, settled once by
hand or through Razorpay (app/admin/vendor-settlements.tsx, app/(tabs)/brokerage.tsx)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import BrokerProfile
from bookings.models import Booking
from brokers.choices import PayoutStatus
from brokers.models import BrokerPayout
from payments.choices import PaymentPurpose, PaymentStatus
from payments.models import Payment, Refund
from tests.brokers.factories import BrokerFactory, brokered_booking
from tests.conftest import bearer_client
from tests.factories import BookingFactory, SpaceFactory
from tests.payments.conftest import booking_body, wednesday

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall():
    """3 hours on a Wednesday cost 3000."""
    return SpaceFactory(price_per_hour=Decimal("1000.00"), capacity=100)


def naive_utc(moment) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


# --- Brokerage on booking ------------------------------------------------------------------------


def test_a_brokers_booking_carries_the_brokerage_computed_on_the_server(hall):
    broker = BrokerFactory(brokerage_percentage=Decimal("7.25"))
    client = bearer_client(broker.user)

    # The browser's word on brokerage is not asked for, and not taken.
    body = booking_body(hall, wednesday(10), brokerage_amount=99999, broker_id=12345)
    response = client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.content
    booking = Booking.objects.get(pk=response.json()["id"])
    assert booking.total_amount == Decimal("3000.00")
    assert (booking.broker_id, booking.brokerage_amount) == (broker.pk, Decimal("217.50"))
    assert not booking.broker_settled
    # The bookings screen shows it on the card and in the detail (app/(tabs)/bookings.tsx).
    assert response.json()["brokerage_amount"] == 217.5
    listed = client.get("/api/bookings").json()["items"]
    assert [row["brokerage_amount"] for row in listed] == [217.5]
    assert client.get(f"/api/bookings/{booking.pk}").json()["brokerage_amount"] == 217.5


def test_a_customers_booking_has_no_broker(hall, customer_client):
    response = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(10)), format="json"
    )
    booking = Booking.objects.get(pk=response.json()["id"])
    assert (booking.broker_id, booking.brokerage_amount) == (None, Decimal("0.00"))


@pytest.mark.parametrize(
    ("total", "percentage", "brokerage"),
    [
        ("5.00", "2.50", "0.13"),  # 0.125: half up, not to even
        ("3000.00", "3.33", "99.90"),
        ("1234.70", "2.50", "30.87"),
        ("999.99", "0", "0.00"),
        ("2000.00", "100", "2000.00"),
    ],
)
def test_brokerage_is_the_percentage_of_the_total_to_the_paisa_half_up(
    total, percentage, brokerage
):
    broker = BrokerProfile(brokerage_percentage=Decimal(percentage))
    assert broker.brokerage_on(Decimal(total)) == Decimal(brokerage)


# --- Summary -----------------------------------------------------------------------------------


def test_the_staff_summary_whole_body(staff_client):
    broker = BrokerFactory(brokerage_percentage=Decimal("5"))
    older = brokered_booking(broker, "2000.00")
    newer = brokered_booking(broker, "3000.00")
    Booking.objects.filter(pk=older.pk).update(
        created_at=timezone.now() - timedelta(days=3),
        broker_settled=True,
        broker_settled_at=timezone.now() - timedelta(days=1),
    )
    stale = brokered_booking(broker, "9000.00")
    Booking.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=40))
    brokered_booking(BrokerFactory(), "5000.00")  # someone else's
    older.refresh_from_db()
    newer.refresh_from_db()

    response = staff_client.get(
        f"/api/broker/payments/summary?period=monthly&broker_id={broker.pk}"
    )

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "period": "Monthly",
        "start_date": body["start_date"],
        "end_date": body["end_date"],
        "total_bookings": 2,
        "total_brokerage": 250.0,
        "settled_brokerage": 100.0,
        "pending_brokerage": 150.0,
        "items": [
            {
                "booking_id": newer.pk,
                "booking_reference": newer.booking_reference,
                "total_amount": 3000.0,
                "brokerage_amount": 150.0,
                "brokerage_percentage": 5.0,
                "booking_date": naive_utc(newer.created_at),
                "payment_settled": False,
                "payment_settled_at": None,
            },
            {
                "booking_id": older.pk,
                "booking_reference": older.booking_reference,
                "total_amount": 2000.0,
                "brokerage_amount": 100.0,
                "brokerage_percentage": 5.0,
                "booking_date": naive_utc(older.created_at),
                "payment_settled": True,
                "payment_settled_at": naive_utc(older.broker_settled_at),
            },
        ],
    }
    end = datetime.fromisoformat(body["end_date"])
    start = datetime.fromisoformat(body["start_date"])
    assert end - start == timedelta(days=30)
    yearly = staff_client.get(f"/api/broker/payments/summary/?period=yearly&broker_id={broker.pk}")
    assert (yearly.json()["period"], yearly.json()["total_bookings"]) == ("Yearly", 3)
    unsettled = staff_client.get(
        f"/api/broker/payments/summary?broker_id={broker.pk}&include_settled=false"
    ).json()
    assert [row["booking_id"] for row in unsettled["items"]] == [newer.pk]


def test_a_broker_reads_only_their_own_summary():
    broker, other = BrokerFactory(), BrokerFactory()
    own = brokered_booking(broker)
    brokered_booking(other)

    body = (
        bearer_client(broker.user)
        .get(f"/api/broker/payments/summary?period=weekly&broker_id={other.pk}")
        .json()
    )

    assert [row["booking_id"] for row in body["items"]] == [own.pk]
    assert body["period"] == "Weekly"


def test_summary_refusals(staff_client, customer_client):
    broker = BrokerFactory()
    assert customer_client.get("/api/broker/payments/summary").status_code == 403
    assert staff_client.get("/api/broker/payments/summary").status_code == 400
    assert staff_client.get("/api/broker/payments/summary?broker_id=999999").status_code == 404
    bad = staff_client.get(f"/api/broker/payments/summary?period=daily&broker_id={broker.pk}")
    assert bad.status_code == 400
    assert "weekly, monthly, or yearly" in bad.json()["detail"]


def test_the_summary_costs_the_same_queries_for_one_booking_or_many(
    staff_client, django_assert_num_queries
):
    broker = BrokerFactory()
    brokered_booking(broker)
    url = f"/api/broker/payments/summary?broker_id={broker.pk}"
    # The token's user, the broker, the totals (one aggregate), the listed bookings.
    with django_assert_num_queries(4) as one:
        staff_client.get(url)
    for _ in range(15):
        brokered_booking(broker)
    with django_assert_num_queries(len(one.captured_queries)):
        assert staff_client.get(url).json()["total_bookings"] == 16


# --- Settlement by hand --------------------------------------------------------------------------


def test_settle_by_hand_whole_body_counts_only_what_was_unpaid(staff_client, staff_user):
    broker = BrokerFactory()
    first, second = brokered_booking(broker), brokered_booking(broker)
    plain = BookingFactory()
    Booking.objects.filter(pk=second.pk).update(broker_settled=True)

    response = staff_client.post(
        "/api/broker/payments/settle",
        {"booking_ids": [first.pk, second.pk, plain.pk, 999999]},
        format="json",
    )

    assert response.json() == {
        "ok": True,
        "message": "Marked 1 booking(s) as settled",
        "settled_count": 1,
    }
    first.refresh_from_db()
    assert (first.broker_settled, first.broker_settled_by_id) == (True, staff_user.pk)
    assert first.broker_settled_at is not None
    plain.refresh_from_db()
    assert not plain.broker_settled
    again = staff_client.post(
        "/api/broker/payments/settle", {"booking_ids": [first.pk]}, format="json"
    )
    assert again.json()["settled_count"] == 0
    empty = staff_client.post("/api/broker/payments/settle", {"booking_ids": []}, format="json")
    assert empty.status_code == 400


# --- Through Razorpay ----------------------------------------------------------------------------


def _pay(razorpay, order_id: str) -> dict[str, str]:
    payment_id = razorpay.pay(order_id)
    return {
        "razorpay_payment_id": payment_id,
        "razorpay_order_id": order_id,
        "razorpay_signature": razorpay.signature(order_id, payment_id),
    }


def test_pay_one_bookings_brokerage_whole_bodies(staff_client, staff_user, razorpay):
    broker = BrokerFactory(brokerage_percentage=Decimal("5"))
    booking = brokered_booking(broker, "2500.00")

    prepared = staff_client.post(
        "/api/broker/payments/prepare-payment", {"booking_id": booking.pk}, format="json"
    )

    assert prepared.status_code == 200, prepared.content
    order_id = prepared.json()["order_id"]
    assert prepared.json() == {
        "ok": True,
        "order_id": order_id,
        "amount": 125.0,
        "currency": "INR",
        "booking_id": booking.pk,
        "booking_reference": booking.booking_reference,
    }
    assert razorpay.orders[order_id]["amount"] == 12500
    booking.refresh_from_db()
    assert not booking.broker_settled  # nothing is settled until the money moved

    body = {"booking_id": booking.pk, "payment_data": _pay(razorpay, order_id)}
    verified = staff_client.post("/api/broker/payments/verify-payment", body, format="json")

    payment = Payment.objects.get(order_id=order_id)
    assert verified.json() == {
        "ok": True,
        "message": "Broker payment verified and settled successfully",
        "payment_id": payment.pk,
        "booking_id": booking.pk,
    }
    assert (payment.purpose, payment.status) == (
        PaymentPurpose.BROKER_SETTLEMENT,
        PaymentStatus.SUCCESS,
    )
    booking.refresh_from_db()
    assert (booking.broker_settled, booking.broker_settled_by_id) == (True, staff_user.pk)
    assert BrokerPayout.objects.get().status == PayoutStatus.SETTLED
    # The checkout's retry is answered the same, and settles nothing more.
    replay = staff_client.post("/api/broker/payments/verify-payment", body, format="json")
    assert replay.status_code == 200
    assert not Refund.objects.exists()


def test_prepare_refusals_make_no_order(staff_client, razorpay):
    broker = BrokerFactory()
    settled = brokered_booking(broker, broker_settled=True)
    nothing = brokered_booking(BrokerFactory(brokerage_percentage=Decimal("0")))
    plain = BookingFactory()
    url = "/api/broker/payments/prepare-payment"

    assert staff_client.post(url, {"booking_id": settled.pk}, format="json").status_code == 409
    assert staff_client.post(url, {"booking_id": nothing.pk}, format="json").status_code == 400
    assert staff_client.post(url, {"booking_id": plain.pk}, format="json").status_code == 400
    assert staff_client.post(url, {"booking_id": 999999}, format="json").status_code == 404
    assert staff_client.post(url, {}, format="json").status_code == 400
    assert not Payment.objects.exists()
    assert razorpay.requests_to("POST", "/v1/orders") == []


def test_verify_refuses_a_payment_named_for_another_booking_or_forged(staff_client, razorpay):
    broker = BrokerFactory()
    booking, other = brokered_booking(broker), brokered_booking(broker)
    order_id = staff_client.post(
        "/api/broker/payments/prepare-payment", {"booking_id": booking.pk}, format="json"
    ).json()["order_id"]
    paid = _pay(razorpay, order_id)
    url = "/api/broker/payments/verify-payment"

    wrong = staff_client.post(url, {"booking_id": other.pk, "payment_data": paid}, format="json")
    forged = staff_client.post(
        url,
        {"booking_id": booking.pk, "payment_data": {**paid, "razorpay_signature": "0" * 64}},
        format="json",
    )
    missing = staff_client.post(url, {"booking_id": booking.pk, "payment_data": {}}, format="json")
    unknown = staff_client.post(
        url,
        {"booking_id": booking.pk, "payment_data": {**paid, "razorpay_order_id": "order_nope"}},
        format="json",
    )

    assert (wrong.status_code, wrong.json()["code"]) == (409, "payout_mismatch")
    assert (forged.status_code, forged.json()["code"]) == (400, "signature_invalid")
    assert missing.status_code == 400
    assert unknown.status_code == 404
    assert not Booking.objects.filter(broker_settled=True).exists()
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_brokerage_settled_by_hand_meanwhile_is_not_paid_again(staff_client, razorpay):
    booking = brokered_booking(BrokerFactory())
    order_id = staff_client.post(
        "/api/broker/payments/prepare-payment", {"booking_id": booking.pk}, format="json"
    ).json()["order_id"]
    staff_client.post("/api/broker/payments/settle", {"booking_ids": [booking.pk]}, format="json")
    settled_at = Booking.objects.get(pk=booking.pk).broker_settled_at

    response = staff_client.post(
        "/api/broker/payments/verify-payment",
        {"booking_id": booking.pk, "payment_data": _pay(razorpay, order_id)},
        format="json",
    )

    assert (response.status_code, response.json()["code"]) == (409, "payout_refused")
    refund = Refund.objects.get()
    assert refund.amount == booking.brokerage_amount
    assert Booking.objects.get(pk=booking.pk).broker_settled_at == settled_at
    assert BrokerPayout.objects.get().status == PayoutStatus.REFUSED


def test_bulk_payment_settles_exactly_the_bookings_it_was_prepared_for(staff_client, razorpay):
    broker = BrokerFactory(brokerage_percentage=Decimal("10"))
    first = brokered_booking(broker, "1000.00")
    second = brokered_booking(broker, "2500.00")
    brokered_booking(broker, "700.00", broker_settled=True)
    old = brokered_booking(broker, "800.00")
    Booking.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))

    prepared = staff_client.post(
        "/api/broker/payments/prepare-bulk-payment",
        {"broker_id": broker.pk, "period": "monthly"},
        format="json",
    )

    order_id = prepared.json()["order_id"]
    assert prepared.json() == {
        "ok": True,
        "order_id": order_id,
        "amount": 350.0,
        "currency": "INR",
        "broker_id": broker.pk,
        "booking_ids": [first.pk, second.pk],
        "booking_count": 2,
    }
    late = brokered_booking(broker, "4000.00")  # booked after the order was made

    verified = staff_client.post(
        "/api/broker/payments/verify-bulk-payment",
        {
            "broker_id": broker.pk,
            "booking_ids": prepared.json()["booking_ids"],
            "payment_data": _pay(razorpay, order_id),
        },
        format="json",
    )

    assert verified.json() == {
        "ok": True,
        "message": "Bulk broker payment verified and 2 booking(s) marked as settled",
        "payment_id": Payment.objects.get(order_id=order_id).pk,
        "broker_id": broker.pk,
        "settled_count": 2,
    }
    settled = set(Booking.objects.filter(broker_settled=True).values_list("pk", flat=True))
    assert {first.pk, second.pk} <= settled
    assert late.pk not in settled
    assert old.pk not in settled


def test_a_bulk_payment_with_one_booking_taken_meanwhile_settles_none_and_goes_back(
    staff_client, razorpay
):
    broker = BrokerFactory()
    first, second = brokered_booking(broker), brokered_booking(broker)
    prepared = staff_client.post(
        "/api/broker/payments/prepare-bulk-payment", {"broker_id": broker.pk}, format="json"
    ).json()
    staff_client.post("/api/broker/payments/settle", {"booking_ids": [second.pk]}, format="json")

    response = staff_client.post(
        "/api/broker/payments/verify-bulk-payment",
        {
            "broker_id": broker.pk,
            "booking_ids": prepared["booking_ids"],
            "payment_data": _pay(razorpay, prepared["order_id"]),
        },
        format="json",
    )

    assert response.status_code == 409
    first.refresh_from_db()
    assert not first.broker_settled  # all or none
    assert Refund.objects.get().amount == Decimal(str(prepared["amount"]))


def test_bulk_refusals(staff_client, razorpay):
    broker = BrokerFactory()
    booking = brokered_booking(broker)
    url = "/api/broker/payments/prepare-bulk-payment"
    assert staff_client.post(url, {"broker_id": 999999}, format="json").status_code == 404
    assert (
        staff_client.post(url, {"broker_id": broker.pk, "period": "x"}, format="json").status_code
        == 400
    )
    empty = BrokerFactory()
    assert staff_client.post(url, {"broker_id": empty.pk}, format="json").status_code == 409
    prepared = staff_client.post(url, {"broker_id": broker.pk}, format="json").json()
    paid = _pay(razorpay, prepared["order_id"])
    verify = "/api/broker/payments/verify-bulk-payment"
    other_ids = {"broker_id": broker.pk, "booking_ids": [booking.pk, 999999], "payment_data": paid}
    other_broker = {"broker_id": empty.pk, "booking_ids": [booking.pk], "payment_data": paid}
    assert staff_client.post(verify, other_ids, format="json").status_code == 409
    assert staff_client.post(verify, other_broker, format="json").status_code == 409
    assert staff_client.post(verify, {"broker_id": broker.pk}, format="json").status_code == 400
    booking.refresh_from_db()
    assert not booking.broker_settled


def test_the_webhook_settles_a_payout_the_checkout_never_verified(
    api_client, staff_client, razorpay
):
    """Staff closed the tab after paying: Razorpay's webhook settles the bookings, once, and
    the checkout's late verify is answered as a success."""
    from tests.payments.test_webhooks_and_reconcile import deliver

    booking = brokered_booking(BrokerFactory())
    order_id = staff_client.post(
        "/api/broker/payments/prepare-payment", {"booking_id": booking.pk}, format="json"
    ).json()["order_id"]
    paid = _pay(razorpay, order_id)

    hook = deliver(
        api_client, razorpay, "payment.captured", paid["razorpay_payment_id"], event_id="evt_b1"
    )

    assert hook.status_code == 200
    booking.refresh_from_db()
    assert booking.broker_settled
    late = staff_client.post(
        "/api/broker/payments/verify-payment",
        {"booking_id": booking.pk, "payment_data": paid},
        format="json",
    )
    assert late.status_code == 200
    assert BrokerPayout.objects.get().status == PayoutStatus.SETTLED


def test_a_payout_paid_short_settles_nothing_and_goes_back(staff_client, razorpay):
    booking = brokered_booking(BrokerFactory(), "2000.00")  # 100.00 brokerage
    order_id = staff_client.post(
        "/api/broker/payments/prepare-payment", {"booking_id": booking.pk}, format="json"
    ).json()["order_id"]
    payment_id = razorpay.pay(order_id, amount=5000)  # 50.00 of 100.00

    response = staff_client.post(
        "/api/broker/payments/verify-payment",
        {
            "booking_id": booking.pk,
            "payment_data": {
                "razorpay_payment_id": payment_id,
                "razorpay_order_id": order_id,
                "razorpay_signature": razorpay.signature(order_id, payment_id),
            },
        },
        format="json",
    )

    assert response.status_code == 409
    booking.refresh_from_db()
    assert not booking.broker_settled
    assert Refund.objects.get().amount == Decimal("50.00")
