"""Cancellation refunds, refund requests after an edit, staff processing; the staff lists and
settings, and the customer's payment history, with the shapes their screens read."""

from decimal import Decimal

import pytest

from bookings.models import AdminSetting, Booking
from payments.choices import PaymentStatus, RefundStatus
from payments.gateways import RazorpayGateway
from payments.models import Payment, Refund
from tests import factories
from tests.payments.conftest import booking_body, wednesday
from tests.payments.test_checkout import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_booking(customer_client, razorpay, hall):
    """3000 booked and paid in full through the checkout."""
    order = customer_client.post(
        "/api/payments/create-razorpay-order", {"amount": 300000}, format="json"
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    booking = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(10, weeks=1)), format="json"
    ).json()
    assert (
        verify(customer_client, razorpay, order["order_id"], payment_id, booking["id"]).status_code
        == 200
    )
    return Booking.objects.get(pk=booking["id"])


def test_cancelling_requests_the_refund_percentage_of_what_was_paid(customer_client, paid_booking):
    AdminSetting.objects.create(setting_key="refund_percentage", value="40")

    response = customer_client.post(f"/api/bookings/{paid_booking.pk}/cancel", {}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "cancelled"
    assert (body["refund_amount"], body["refund_created"], body["booking_total"]) == (
        1200.0,
        True,
        3000.0,
    )
    refund = Refund.objects.get(pk=body["refund_id"])
    assert (refund.amount, refund.status, refund.refund_type) == (
        Decimal("1200.00"),
        RefundStatus.PENDING,
        "cancellation",
    )


def test_cancelling_an_unpaid_booking_promises_nothing(customer_client, hall):
    booking = customer_client.post(
        "/api/bookings", booking_body(hall, wednesday(10, weeks=1)), format="json"
    ).json()

    response = customer_client.post(f"/api/bookings/{booking['id']}/cancel")

    assert response.status_code == 200, response.json()
    assert (response.json()["refund_created"], response.json()["refund_id"]) == (False, None)
    assert not Refund.objects.exists()


def test_staff_process_a_refund_once_through_razorpay(
    staff_client, customer_client, paid_booking, razorpay
):
    customer_client.post(f"/api/bookings/{paid_booking.pk}/cancel")
    refund = Refund.objects.get()

    first = staff_client.post(f"/api/admin/refunds/{refund.pk}/process")
    second = staff_client.post(f"/api/admin/refunds/{refund.pk}/process")

    assert first.status_code == 200, first.json()
    assert first.json() == {
        "ok": True,
        "message": "Refund processed successfully",
        "refund_id": refund.pk,
        "razorpay_refund_id": first.json()["razorpay_refund_id"],
        "status": "completed",
        "amount": 1200.0,
    }
    assert first.json()["razorpay_refund_id"].startswith("rfnd_")
    assert second.json()["razorpay_refund_id"] == first.json()["razorpay_refund_id"]
    assert (
        len(
            razorpay.requests_to(
                "POST", f"/v1/payments/{Payment.objects.get().provider_payment_id}/refund"
            )
        )
        == 1
    )
    payment = Payment.objects.get()
    assert (payment.refunded_amount, payment.status) == (Decimal("1200.00"), PaymentStatus.SUCCESS)
    assert Booking.objects.get(pk=paid_booking.pk).paid_amount == Decimal("1800.00")


def test_a_refund_whose_answer_was_lost_is_not_made_twice(
    staff_client, customer_client, paid_booking, razorpay, settings, monkeypatch
):
    """Razorpay made the refund but its answer never came: the retry finds it by our id in
    its notes instead of refunding again."""
    customer_client.post(f"/api/bookings/{paid_booking.pk}/cancel")
    refund = Refund.objects.get()
    settings.RAZORPAY_TIMEOUT_SECONDS = 0.3
    lookup = RazorpayGateway.payment_refunds

    def lookup_then_lose_the_next_answer(self, payment_id):
        found = lookup(self, payment_id)
        razorpay.slow_next(1, seconds=1.0)  # the refund call that follows: made, answer lost
        return found

    monkeypatch.setattr(RazorpayGateway, "payment_refunds", lookup_then_lose_the_next_answer)
    lost = staff_client.post(f"/api/admin/refunds/{refund.pk}/process")

    assert lost.status_code == 503
    assert len(razorpay.refunds) == 1  # made by the lost call
    assert Refund.objects.get().status == RefundStatus.PROCESSING
    monkeypatch.setattr(RazorpayGateway, "payment_refunds", lookup)
    settings.RAZORPAY_TIMEOUT_SECONDS = 5
    retried = staff_client.post(f"/api/admin/refunds/{refund.pk}/process")
    assert retried.status_code == 200, retried.json()
    assert len(razorpay.refunds) == 1  # found, not made again
    assert Refund.objects.get().refund_reference == next(iter(razorpay.refunds))
    assert Refund.objects.get().status == RefundStatus.COMPLETED


def test_an_edit_refund_is_at_most_what_was_overpaid(customer_client, paid_booking):
    """grant-hall.tsx asks for the difference after an edit lowered the price; the legacy
    accepted anything up to everything paid."""
    Booking.objects.filter(pk=paid_booking.pk).update(total_amount=Decimal("2000.00"))

    too_much = customer_client.post(
        f"/api/bookings/{paid_booking.pk}/refund", {"refund_amount": 3000}, format="json"
    )
    right = customer_client.post(
        f"/api/bookings/{paid_booking.pk}/refund",
        {"refund_amount": 1000, "reason": "Booking edited - price decreased"},
        format="json",
    )
    again = customer_client.post(
        f"/api/bookings/{paid_booking.pk}/refund", {"refund_amount": 1000}, format="json"
    )

    assert too_much.status_code == 400
    assert too_much.json()["code"] == "refund_too_large"
    assert right.status_code == 200, right.json()
    assert right.json() == {
        "ok": True,
        "message": "Refund request recorded",
        "booking_id": paid_booking.pk,
        "refund_amount": 1000.0,
        "refund_note": "Refund Request: ₹1000.00 - Booking edited - price decreased. "
        "Will be processed within 3 working days.",
    }
    assert again.status_code == 400  # already promised
    assert Refund.objects.count() == 1


def test_payment_history_shape(customer_client, paid_booking):
    customer_client.post(f"/api/bookings/{paid_booking.pk}/cancel")

    response = customer_client.get(f"/api/bookings/{paid_booking.pk}/payment-history")

    assert response.status_code == 200
    body = response.json()
    payment = Payment.objects.get()
    assert body["payments"] == [
        {
            "id": payment.pk,
            "amount": 3000.0,
            "currency": "INR",
            "provider": "razorpay",
            "provider_payment_id": payment.provider_payment_id,
            "order_id": payment.order_id,
            "status": "success",
            "paid_at": body["payments"][0]["paid_at"],
            "created_at": body["payments"][0]["created_at"],
            "details": {"method": "card", "refunded_amount": 0.0},
        }
    ]
    assert [(r["amount"], r["status"], r["refund_type"]) for r in body["refunds"]] == [
        (1200.0, "pending", "cancellation")
    ]
    assert (body["total_paid"], body["total_refunded"], body["pending_refunds"]) == (
        3000.0,
        0.0,
        1200.0,
    )


def test_payment_status_for_the_success_page(customer_client, paid_booking):
    payment = Payment.objects.get()

    response = customer_client.get(f"/api/payments/status/{payment.provider_payment_id}")

    assert response.status_code == 200
    assert response.json() == {
        "payment_id": payment.provider_payment_id,
        "order_id": payment.order_id,
        "booking_id": paid_booking.pk,
        "amount": 3000.0,
        "currency": "INR",
        "payment_status": "success",
        "transaction_id": payment.provider_payment_id,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }


def test_staff_payment_list_shape_and_filter(staff_client, paid_booking, customer):
    Payment.objects.create(
        user=customer, amount=Decimal("5"), amount_paise=500, order_id="order_Unpaid0000001"
    )

    everything = staff_client.get("/api/payments/admin/payments?page=1&per_page=50")
    paid = staff_client.get("/api/payments/admin/payments?page=1&per_page=50&status_filter=success")

    assert everything.json()["total"] == 2
    assert paid.json()["success"] is True
    assert paid.json()["total"] == 1
    row = paid.json()["payments"][0]
    assert set(row) == {
        "id",
        "booking_id",
        "booking_reference",
        "amount",
        "currency",
        "status",
        "provider",
        "provider_payment_id",
        "order_id",
        "paid_at",
        "created_at",
        "user_name",
        "user_email",
    }
    assert (row["booking_reference"], row["user_email"]) == (
        paid_booking.booking_reference,
        customer.email,
    )


def test_staff_refund_list_shape(staff_client, customer_client, paid_booking, customer):
    customer_client.post(f"/api/bookings/{paid_booking.pk}/cancel")

    response = staff_client.get("/api/admin/refunds?page=1&per_page=20&status=pending")

    body = response.json()
    assert body["pagination"] == {"page": 1, "per_page": 20, "total": 1, "pages": 1}
    refund = body["refunds"][0]
    assert refund["user"] == {
        "id": customer.pk,
        "name": customer.display_name,
        "username": customer.username,
        "mobile": customer.mobile,
    }
    assert refund["booking"]["booking_reference"] == paid_booking.booking_reference
    assert (refund["amount"], refund["space_name"]) == (1200.0, paid_booking.space.name)


def test_advance_payment_settings_round_trip(staff_client):
    default = staff_client.get("/api/payments/admin/settings/advance-payment")
    saved = staff_client.post(
        "/api/payments/admin/settings/advance-payment",
        {"enabled": True, "percentage": None, "fixed_amount": 5000, "type": "fixed"},
        format="json",
    )
    bad = staff_client.post(
        "/api/payments/admin/settings/advance-payment",
        {"enabled": True, "percentage": 120, "type": "percentage"},
        format="json",
    )

    assert default.json() == {
        "enabled": True,
        "percentage": 50.0,
        "fixed_amount": None,
        "type": "percentage",
    }
    assert saved.status_code == 200, saved.json()
    assert saved.json()["settings"] == {
        "enabled": True,
        "percentage": 50.0,
        "fixed_amount": 5000.0,
        "type": "fixed",
    }
    assert bad.status_code == 400
    assert (
        staff_client.get("/api/payments/admin/settings/advance-payment").json()["type"] == "fixed"
    )


def test_refund_percentage_setting_round_trip(staff_client, api_client):
    saved = staff_client.post(
        "/api/admin/settings/refund-percentage", {"percentage": 25}, format="json"
    )
    bad = staff_client.post(
        "/api/admin/settings/refund-percentage", {"percentage": -1}, format="json"
    )

    assert saved.json() == {
        "success": True,
        "message": "Refund percentage saved",
        "percentage": 25.0,
    }
    assert bad.status_code == 400
    assert staff_client.get("/api/admin/settings/refund-percentage").json() == {"percentage": 25.0}
    # The public read the customer's screen uses agrees.
    assert api_client.get("/api/settings/refund-percentage").json()["percentage"] == 25.0


@pytest.mark.parametrize(
    ("url", "factory"),
    [
        ("/api/payments/admin/payments?per_page=50", factories.PaymentFactory),
        ("/api/admin/refunds?per_page=50", factories.RefundFactory),
    ],
)
def test_staff_lists_run_the_same_queries_for_1_and_30_rows(
    staff_client, django_assert_max_num_queries, url, factory
):
    factory()
    with django_assert_max_num_queries(20) as one:
        assert staff_client.get(url).status_code == 200
    factory.create_batch(29)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert staff_client.get(url).status_code == 200
