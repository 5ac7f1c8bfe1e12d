"""What vendors are owed and how they are paid (app/admin/vendor-settlements.tsx): the
summary, settling by hand, and Razorpay payouts (prepare, then verify; single and bulk).
Amounts are the server's (vendor price x quantity, Decimal); a line is never settled twice,
and a payout settles exactly the lines it was prepared for."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.choices import PaymentPurpose, PaymentStatus
from payments.models import Payment, Refund
from tests.conftest import bearer_client
from tests.factories import BookingItemFactory, ItemFactory, VendorFactory
from tests.vendors.conftest import naive, supplied
from vendors.choices import FulfilmentAction
from vendors.models import FulfilmentEvent, VendorSettlement

pytestmark = pytest.mark.django_db


def summary_line(line, **changes):
    return {
        "booking_item_id": line.pk,
        "booking_id": line.booking_id,
        "booking_reference": line.booking.booking_reference,
        "item_name": line.name,
        "item_image_url": None,
        "quantity": line.quantity,
        "unit_price": 200.0,
        "total_price": 200.0 * line.quantity,
        "customer_unit_price": 250.0,
        "customer_total_price": 250.0 * line.quantity,
        "supplied_at": naive(line.supplied_at),
        "verified_at": naive(line.verified_at) if line.verified_at else None,
        "is_supplied": True,
        "supply_verified": line.supply_verified,
        "payment_settled": False,
        "payment_settled_at": None,
        "event_date": line.event_date.isoformat(),
        **changes,
    }


@pytest.fixture
def lines(biryani):
    """Three supplied lines of the vendor: two verified (2 and 1 biryanis), one not (4)."""
    verified = supplied(BookingItemFactory(item=biryani, quantity=2))
    verified_too = supplied(BookingItemFactory(item=biryani, quantity=1))
    unverified = supplied(BookingItemFactory(item=biryani, quantity=4), verified=False)
    return verified, verified_too, unverified


def test_summary_lists_verified_supplied_lines_at_the_vendors_price(staff_client, vendor, lines):
    verified, verified_too, _ = lines
    BookingItemFactory(item=verified.item)  # not supplied: not owed yet
    response = staff_client.get(
        f"/api/vendor/payments/summary?period=monthly&vendor_id={vendor.pk}"
    )

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "period": "Monthly",
        "start_date": body["start_date"],
        "end_date": body["end_date"],
        "total_items": 2,
        "total_amount": 600.0,
        "unsettled_amount": 600.0,
        "items": [summary_line(verified_too), summary_line(verified)],
    }
    assert body["end_date"] > body["start_date"]


def test_summary_with_unverified_lines_and_for_the_vendor_themself(
    staff_client, vendor_client, vendor, lines
):
    url = f"/api/vendor/payments/summary?include_unverified=true&vendor_id={vendor.pk}"
    staff_view = staff_client.get(url).json()
    # The vendor sees their own, whatever vendor_id they send.
    own_view = vendor_client.get(
        "/api/vendor/payments/summary?include_unverified=true&vendor_id=999"
    ).json()
    assert staff_view["total_amount"] == own_view["total_amount"] == 1400.0
    assert staff_view["items"] == own_view["items"]
    assert len(own_view["items"]) == 3


def test_summary_reads_a_constant_number_of_queries(
    staff_client, vendor, biryani, django_assert_num_queries
):
    supplied(BookingItemFactory(item=biryani))
    url = f"/api/vendor/payments/summary?vendor_id={vendor.pk}"
    with django_assert_num_queries(4):  # user, vendor, totals (one aggregate), lines
        staff_client.get(url)
    for _ in range(5):
        supplied(BookingItemFactory(item=biryani))
    with django_assert_num_queries(4):
        assert staff_client.get(url).json()["total_items"] == 6


@pytest.mark.parametrize(
    ("query", "status"), [("period=daily", 400), ("", 400), ("vendor_id=999999", 404)]
)
def test_summary_refuses_a_bad_query(staff_client, query, status):
    assert staff_client.get(f"/api/vendor/payments/summary?{query}").status_code == status


def test_settle_by_hand_marks_each_line_once(staff_client, staff_user, lines, vendor):
    verified, verified_too, _ = lines
    ids = [verified.pk, verified_too.pk]
    response = staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": ids}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "settled_count": 2,
        "total_items": 2,
        "message": "Marked 2 item(s) as payment settled",
    }
    verified.refresh_from_db()
    assert verified.payment_settled
    assert verified.payment_settled_by_id == staff_user.pk
    settled_at = verified.payment_settled_at

    again = staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": ids}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_settled"
    assert again.json()["booking_item_ids"] == sorted(ids)
    verified.refresh_from_db()
    assert verified.payment_settled_at == settled_at
    assert FulfilmentEvent.objects.filter(action=FulfilmentAction.SETTLED).count() == 2
    summary = staff_client.get(f"/api/vendor/payments/summary?vendor_id={vendor.pk}").json()
    assert summary["unsettled_amount"] == 0
    assert summary["items"][0]["payment_settled"] is True


def test_settle_is_all_or_nothing(staff_client, lines, line):
    verified, _, _ = lines
    # `line` is not supplied: the request fails and settles nothing.
    response = staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": [verified.pk, line.pk]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "item_not_supplied"
    verified.refresh_from_db()
    assert not verified.payment_settled


@pytest.mark.parametrize(("ids", "status"), [([], 400), ([999999], 404), (["x"], 400)])
def test_settle_refuses_bad_ids(staff_client, ids, status):
    response = staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": ids}, format="json"
    )
    assert response.status_code == status


def test_prepare_a_payout_for_the_amount_the_server_computes(
    staff_client, staff_user, lines, razorpay
):
    verified, verified_too, _ = lines
    ids = [verified_too.pk, verified.pk]
    response = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": ids}, format="json"
    )
    assert response.status_code == 200, response.json()
    payment = Payment.objects.get()
    assert response.json() == {
        "ok": True,
        "order_id": payment.order_id,
        "amount": 600.0,
        "currency": "INR",
        "booking_item_ids": sorted(ids),
        "item_count": 2,
    }
    assert (payment.purpose, payment.amount_paise, payment.user_id) == (
        PaymentPurpose.VENDOR_SETTLEMENT,
        60000,
        staff_user.pk,
    )
    settlement = VendorSettlement.objects.get()
    assert sorted(settlement.lines.values_list("booking_item_id", flat=True)) == sorted(ids)
    assert razorpay.orders[payment.order_id]["amount"] == 60000


def test_prepare_refuses_lines_of_two_vendors_or_settled_ones(staff_client, lines, razorpay):
    verified, _, _ = lines
    foreign = supplied(BookingItemFactory(item=ItemFactory(vendor_price=Decimal("10"))))
    two = staff_client.post(
        "/api/vendor/payments/prepare-payment",
        {"booking_item_ids": [verified.pk, foreign.pk]},
        format="json",
    )
    assert two.status_code == 400
    assert two.json()["code"] == "several_vendors"
    staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": [verified.pk]}, format="json"
    )
    settled = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [verified.pk]}, format="json"
    )
    assert settled.status_code == 409
    assert not Payment.objects.exists()
    assert razorpay.requests_to("POST", "/v1/orders") == []


def test_a_second_payout_for_lines_at_the_checkout_is_refused_until_the_hold_ends(
    staff_client, lines, razorpay, settings
):
    verified, verified_too, _ = lines
    url = "/api/vendor/payments/prepare-payment"
    first = staff_client.post(url, {"booking_item_ids": [verified.pk]}, format="json")
    assert first.status_code == 200
    second = staff_client.post(
        url, {"booking_item_ids": [verified.pk, verified_too.pk]}, format="json"
    )
    assert second.status_code == 409
    assert second.json()["booking_item_ids"] == [verified.pk]
    assert Payment.objects.count() == 1
    # An abandoned checkout does not block the lines for ever.
    settings.PAYMENT_HOLD_MINUTES = 0
    again = staff_client.post(url, {"booking_item_ids": [verified.pk]}, format="json")
    assert again.status_code == 200


def test_a_payout_refuses_lines_without_a_vendor_price(staff_client, vendor, razorpay):
    unpriced = supplied(BookingItemFactory(item=ItemFactory(vendor=vendor, vendor_price=None)))
    response = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [unpriced.pk]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "vendor_price_missing"
    assert not Payment.objects.exists()


def pay(staff_client, razorpay, prepared, *, path="verify-payment", **extra):
    order_id = prepared["order_id"]
    payment_id = razorpay.pay(order_id)
    return staff_client.post(
        f"/api/vendor/payments/{path}",
        {
            "booking_item_ids": prepared["booking_item_ids"],
            "payment_data": {
                "razorpay_payment_id": payment_id,
                "razorpay_order_id": order_id,
                "razorpay_signature": razorpay.signature(order_id, payment_id),
            },
            **extra,
        },
        format="json",
    )


def test_a_paid_payout_settles_its_lines(
    staff_client, staff_user, lines, razorpay, django_capture_on_commit_callbacks
):
    verified, _, _ = lines
    prepared = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [verified.pk]}, format="json"
    ).json()
    with django_capture_on_commit_callbacks(execute=True):
        response = pay(staff_client, razorpay, prepared)

    assert response.status_code == 200, response.json()
    payment = Payment.objects.get()
    assert response.json() == {
        "ok": True,
        "message": "Vendor payment verified and 1 item(s) marked as settled",
        "payment_id": payment.pk,
        "settled_count": 1,
    }
    assert payment.status == PaymentStatus.SUCCESS
    verified.refresh_from_db()
    assert verified.payment_settled
    assert verified.payment_settled_by_id == staff_user.pk
    assert VendorSettlement.objects.get().settled_at is not None
    assert not Refund.objects.exists()


def test_verify_refuses_other_lines_than_prepared_and_changes_nothing(
    staff_client, lines, razorpay
):
    verified, verified_too, _ = lines
    prepared = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [verified.pk]}, format="json"
    ).json()
    prepared["booking_item_ids"] = [verified.pk, verified_too.pk]
    response = pay(staff_client, razorpay, prepared)
    assert response.status_code == 400
    assert response.json()["code"] == "settlement_mismatch"
    verified_too.refresh_from_db()
    assert not verified_too.payment_settled


def test_a_forged_signature_settles_nothing(staff_client, lines, razorpay):
    verified, _, _ = lines
    prepared = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [verified.pk]}, format="json"
    ).json()
    payment_id = razorpay.pay(prepared["order_id"])
    response = staff_client.post(
        "/api/vendor/payments/verify-payment",
        {
            "booking_item_ids": [verified.pk],
            "payment_data": {
                "razorpay_payment_id": payment_id,
                "razorpay_order_id": prepared["order_id"],
                "razorpay_signature": "0" * 64,
            },
        },
        format="json",
    )
    assert response.status_code == 400
    verified.refresh_from_db()
    assert not verified.payment_settled


def test_a_payout_for_lines_settled_meanwhile_is_refunded(staff_client, lines, razorpay):
    verified, _, _ = lines
    prepared = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [verified.pk]}, format="json"
    ).json()
    staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": [verified.pk]}, format="json"
    )

    response = pay(staff_client, razorpay, prepared)

    assert response.status_code == 409
    assert response.json()["code"] == "payment_refunded"
    refund = Refund.objects.get()
    assert refund.amount == Decimal("400.00")
    assert "settled meanwhile" in refund.reason
    assert FulfilmentEvent.objects.filter(action=FulfilmentAction.SETTLED).count() == 1


def test_a_bulk_payout_settles_exactly_the_lines_it_was_prepared_for(
    staff_client, vendor, lines, biryani, razorpay
):
    verified, verified_too, unverified = lines
    response = staff_client.post(
        "/api/vendor/payments/prepare-bulk-payment",
        {"vendor_id": vendor.pk, "period": "monthly", "include_unverified": False},
        format="json",
    )
    assert response.status_code == 200, response.json()
    prepared = response.json()
    assert prepared == {
        "ok": True,
        "order_id": Payment.objects.get().order_id,
        "amount": 600.0,
        "currency": "INR",
        "booking_item_ids": sorted([verified.pk, verified_too.pk]),
        "item_count": 2,
        "vendor_id": vendor.pk,
    }
    # Verified after the payout was prepared: not in it.
    unverified.supply_verified = True
    unverified.save()
    late = supplied(BookingItemFactory(item=biryani))

    paid = pay(staff_client, razorpay, prepared, path="verify-bulk-payment", vendor_id=vendor.pk)

    assert paid.status_code == 200, paid.json()
    assert paid.json() == {
        "ok": True,
        "message": "Bulk vendor payment verified and 2 item(s) marked as settled",
        "payment_id": Payment.objects.get().pk,
        "vendor_id": vendor.pk,
        "settled_count": 2,
    }
    for line, settled in (
        (verified, True),
        (verified_too, True),
        (unverified, False),
        (late, False),
    ):
        line.refresh_from_db()
        assert line.payment_settled is settled


def test_bulk_verify_needs_the_vendor(staff_client):
    response = staff_client.post(
        "/api/vendor/payments/verify-bulk-payment",
        {
            "booking_item_ids": [1],
            "payment_data": {"order_id": "o", "payment_id": "p", "signature": "s"},
        },
        format="json",
    )
    assert response.status_code == 400


def test_bulk_prepare_with_nothing_owed(staff_client, vendor, razorpay):
    response = staff_client.post(
        "/api/vendor/payments/prepare-bulk-payment", {"vendor_id": vendor.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "No unsettled items found"


def test_invoice_as_json_lists_settled_lines(staff_client, vendor, lines):
    verified, _, _ = lines
    staff_client.post(
        "/api/vendor/payments/settle", {"booking_item_ids": [verified.pk]}, format="json"
    )
    verified.refresh_from_db()
    response = staff_client.get(f"/api/vendor/payments/invoice?vendor_id={vendor.pk}&format=json")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "invoice_number": body["invoice_number"],
        "issue_date": timezone.localdate().isoformat(),
        "invoice_type": "TAX INVOICE",
        "vendor": {
            "company_name": "Spice Route Caterers",
            "contact_email": "spice@example.com",
            "contact_phone": "+919800000001",
        },
        "period": "Monthly",
        "start_date": (timezone.now() - timedelta(days=30)).date().isoformat(),
        "end_date": timezone.now().date().isoformat(),
        "items": [
            summary_line(
                verified,
                payment_settled=True,
                payment_settled_at=naive(verified.payment_settled_at),
            )
        ],
        "total_amount": 400.0,
        "total_items": 1,
    }
    assert body["invoice_number"].startswith(f"INV-{vendor.pk}-")


def test_invoice_with_nothing_settled(staff_client, vendor, lines):
    response = staff_client.get(f"/api/vendor/payments/invoice?vendor_id={vendor.pk}&format=pdf")
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "No settled items available for invoice generation. Please settle items first."
    )


def test_a_customer_cannot_see_a_summary(customer_client, vendor):
    response = customer_client.get(f"/api/vendor/payments/summary?vendor_id={vendor.pk}")
    assert response.status_code == 403
    other_vendor_client = bearer_client(VendorFactory().user)
    own = other_vendor_client.get(f"/api/vendor/payments/summary?vendor_id={vendor.pk}")
    assert own.json()["total_items"] == 0


def test_a_payout_reported_by_the_webhook_first_is_settled_once(
    api_client, staff_client, lines, razorpay
):
    from tests.payments.test_webhooks_and_reconcile import deliver

    verified, _, _ = lines
    prepared = staff_client.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": [verified.pk]}, format="json"
    ).json()
    payment_id = razorpay.pay(prepared["order_id"])

    hook = deliver(api_client, razorpay, "payment.captured", payment_id, event_id="evt_vendor")
    verified.refresh_from_db()
    assert hook.status_code == 200
    assert verified.payment_settled
    # The screen's verify, arriving after, answers the same and settles nothing more.
    response = staff_client.post(
        "/api/vendor/payments/verify-payment",
        {
            "booking_item_ids": [verified.pk],
            "payment_data": {
                "razorpay_payment_id": payment_id,
                "razorpay_order_id": prepared["order_id"],
                "razorpay_signature": razorpay.signature(prepared["order_id"], payment_id),
            },
        },
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["settled_count"] == 1
    assert FulfilmentEvent.objects.filter(action=FulfilmentAction.SETTLED).count() == 1
    assert not Refund.objects.exists()


def test_trailing_slashes_are_served_too(staff_client, vendor_client, line):
    assert staff_client.get("/api/admin/vendors/").status_code == 200
    assert vendor_client.post(f"/api/vendor/orders/{line.pk}/accept/").status_code == 200
