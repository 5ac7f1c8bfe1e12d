"""A line's whole fulfilment, replayed as the screens make their calls, through the full
Django stack with the real task worker and Razorpay's fake on loopback:

staff assign a vendor (vendor-items.tsx) -> the vendor's bell and list show it -> the vendor
accepts -> staff are told -> the vendor marks it supplied and downloads the order sheet PDF
-> staff verify the supply -> the settlement summary owes it -> staff pay it through Razorpay
(prepare, checkout, verify) -> it is settled once, the vendor is told, and the payment
invoice PDF lists it."""

import io
import time
from collections.abc import Callable
from decimal import Decimal

import pytest
from pypdf import PdfReader

from notify.models import Notification
from tests.conftest import bearer_client
from tests.factories import BookingItemFactory, ItemFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def eventually[T](read: Callable[[], T], timeout: float = 30) -> T:
    """What `read` returns once it is truthy (the worker has done its part)."""
    deadline = time.monotonic() + timeout
    while not (value := read()):
        if time.monotonic() > deadline:
            pytest.fail("the task worker did not get there in time")
        time.sleep(0.05)
    return value


def pdf_text(response) -> str:
    assert response.status_code == 200, getattr(response, "content", b"")[:300]
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_assign_accept_supply_verify_settle(task_worker, razorpay, settings):
    settings.INVOICE_WAIT_SECONDS = 60
    staff_user = UserFactory(staff=True)
    staff = bearer_client(staff_user)
    vendor = VendorFactory(company_name="Spice Route Caterers", contact_phone="+919800000001")
    seller = bearer_client(vendor.user)
    item = ItemFactory(vendor=None, name="Chicken biryani", vendor_price=Decimal("200.00"))
    line = BookingItemFactory(item=item, vendor=None, quantity=3)

    candidates = staff.get(f"/api/admin/vendors/candidates?booking_item_id={line.pk}").json()
    assert [c["id"] for c in candidates] == [vendor.pk]
    assigned = staff.post(
        f"/api/admin/booking-items/{line.pk}/assign-vendor", {"vendor_id": vendor.pk}, format="json"
    )
    assert assigned.status_code == 200

    eventually(lambda: seller.get("/api/vendor/notifications/unread-count").json()["count"])
    notices = seller.get("/api/vendor/notifications?limit=100").json()["items"]
    assert [n["type"] for n in notices] == ["assigned"]
    orders = seller.get("/api/vendor/orders").json()
    assert [(o["id"], o["status"]) for o in orders] == [(line.pk, "pending")]

    assert seller.post(f"/api/vendor/orders/{line.pk}/accept").status_code == 200
    eventually(lambda: Notification.objects.filter(user=staff_user).exists())
    assert seller.post(f"/api/vendor/orders/{line.pk}/supplied").status_code == 200

    sheet = pdf_text(seller.post("/api/vendor/orders/pdf", {"orders": orders}, format="json"))
    assert "Chicken biryani" in sheet
    assert line.booking.booking_reference in sheet

    # Supplied but not verified: not owed yet.
    summary_url = f"/api/vendor/payments/summary?period=monthly&vendor_id={vendor.pk}"
    assert staff.get(summary_url).json()["total_items"] == 0
    assert staff.post(f"/api/admin/booking-items/{line.pk}/verify-supply").status_code == 200
    summary = staff.get(summary_url).json()
    assert (summary["total_items"], summary["total_amount"]) == (1, 600.0)

    unsettled = [i["booking_item_id"] for i in summary["items"] if not i["payment_settled"]]
    prepared = staff.post(
        "/api/vendor/payments/prepare-payment", {"booking_item_ids": unsettled}, format="json"
    ).json()
    assert prepared["amount"] == 600.0
    payment_id = razorpay.pay(prepared["order_id"])
    verified = staff.post(
        "/api/vendor/payments/verify-payment",
        {
            "booking_item_ids": unsettled,
            "payment_data": {
                "razorpay_payment_id": payment_id,
                "razorpay_order_id": prepared["order_id"],
                "razorpay_signature": razorpay.signature(prepared["order_id"], payment_id),
            },
        },
        format="json",
    )
    assert verified.status_code == 200, verified.json()
    assert verified.json()["settled_count"] == 1

    settled = staff.get(summary_url).json()
    assert settled["items"][0]["payment_settled"] is True
    assert settled["unsettled_amount"] == 0
    # Paying again by hand is refused: settled once.
    again = staff.post(
        "/api/vendor/payments/settle", {"booking_item_ids": unsettled}, format="json"
    )
    assert again.status_code == 409

    eventually(
        lambda: (
            "payment_settled"
            in [n["type"] for n in seller.get("/api/vendor/notifications").json()["items"]]
        )
    )
    invoice = pdf_text(
        staff.get(
            f"/api/vendor/payments/invoice?vendor_id={vendor.pk}&format=pdf&settled_only=true"
        )
    )
    assert "TAX INVOICE" in invoice
    assert "600.00" in invoice
    own = pdf_text(seller.get("/api/vendor/payments/invoice?format=pdf"))
    assert "Spice Route Caterers" in own
