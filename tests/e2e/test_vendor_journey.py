"""A booking line's fulfilment by its vendor, replayed as the staff and vendor screens make
their calls, against the real server: gunicorn + uvicorn workers and the task worker on
MariaDB, Razorpay a fake of its REST API on loopback (reached by the server through the
official client, paid by the test as the checkout would).

the vendor prices its catalog item (VendorAPI.updateItem) -> staff take the demo line from
the vendor and give it back (vendor-items.tsx cancel, candidates, assign) -> the vendor's bell
and list show it -> accept -> supplied -> the order sheet PDF -> staff verify the supply ->
the settlement summary owes it at the vendor's price -> staff pay it through Razorpay
(prepare, checkout, verify) -> it is settled once -> the payment invoice PDF; and a suspended
vendor cannot log in until the suspension is lifted.

Run with `make e2e` (database lebrq_vendor_journey_e2e, dropped and recreated).
"""

import io
import os
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.e2e.stack import DEFAULT_DATABASE_URL, Gunicorn, app_environment, prepare_database
from tests.payments.fake_razorpay import FakeRazorpay, fake_razorpay_server

pytestmark = pytest.mark.e2e

PORT = 19131
STAFF = ("staff", "staff-pass-123")
VENDOR = ("vendor", "vendor-pass-123")


@pytest.fixture(scope="module")
def razorpay():
    with fake_razorpay_server() as fake:
        yield fake


@pytest.fixture(scope="module")
def api(tmp_path_factory, razorpay):
    workdir = tmp_path_factory.mktemp("vendor-journey")
    stack_url = os.environ.get("E2E_DATABASE_URL", DEFAULT_DATABASE_URL)
    database_url = stack_url.removesuffix("_e2e") + "_vendor_journey_e2e"
    env = app_environment(
        workdir,
        database_url,
        FILE_SERVE_MODE="django",
        PAYMENT_GATEWAY="razorpay",
        RAZORPAY_KEY_ID=razorpay.key_id,
        RAZORPAY_KEY_SECRET=razorpay.key_secret,
        RAZORPAY_WEBHOOK_SECRET=razorpay.webhook_secret,
        RAZORPAY_BASE_URL=razorpay.base_url,
    )
    prepare_database(env)
    server = Gunicorn(env, PORT, workdir / "gunicorn.log")
    server.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}/api", timeout=60) as client:
            yield client
    finally:
        server.stop()


def login(api: httpx.Client, credentials: tuple[str, str]) -> dict[str, str]:
    username, password = credentials
    response = api.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def eventually[T](read: Callable[[], T], timeout: float = 60) -> T:
    """What `read` returns once it is truthy (the task worker has done its part)."""
    deadline = time.monotonic() + timeout
    while not (value := read()):
        if time.monotonic() > deadline:
            raise AssertionError("the task worker did not get there in time")
        time.sleep(0.2)
    return value


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_assign_accept_supply_verify_and_pay_a_vendor(api, razorpay: FakeRazorpay):
    staff, vendor = login(api, STAFF), login(api, VENDOR)

    # The vendor prices its item: its own price, not the customer's.
    catalog = api.get("/vendor/items", headers=vendor).json()["items"]
    breakfast = next(item for item in catalog if item["name"] == "Veg breakfast")
    priced = api.put(
        f"/vendor/items/{breakfast['id']}",
        content="price=180",
        headers={**vendor, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert priced.status_code == 200, priced.text

    # vendor-items.tsx: the upcoming lines, a vendor taken off one and given it again.
    today = timezone.localdate().isoformat()
    lines = api.get("/admin/booking-items", params={"from_date": today}, headers=staff).json()
    line = next(row for row in lines["items"] if row["item_name"] == "Veg breakfast")
    line_id, vendor_id = line["booking_item_id"], line["vendor_id"]
    cancelled = api.post(
        f"/admin/booking-items/{line_id}/cancel-vendor",
        json={"cancellation_note": "Menu being changed"},
        headers=staff,
    )
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["previous_vendor_id"] == vendor_id
    candidates = api.get(
        "/admin/vendors/candidates", params={"booking_item_id": line_id}, headers=staff
    ).json()
    assert [c["is_rejected"] for c in candidates if c["id"] == vendor_id] == [False]
    assigned = api.post(
        f"/admin/booking-items/{line_id}/assign-vendor",
        json={"vendor_id": vendor_id},
        headers=staff,
    )
    assert assigned.status_code == 200, assigned.text

    # The vendor's bell, then the list and the orders.
    eventually(
        lambda: api.get("/vendor/notifications/unread-count", headers=vendor).json()["count"]
    )
    notices = api.get("/vendor/notifications", params={"limit": 100}, headers=vendor).json()
    assert "assigned" in [n["type"] for n in notices["items"]]
    orders = api.get("/vendor/orders", headers=vendor).json()
    order = next(o for o in orders if o["id"] == line_id)
    assert (order["status"], order["item_name"]) == ("pending", "Veg breakfast")

    accepted = api.post(f"/vendor/orders/{line_id}/accept", headers=vendor)
    assert accepted.json() == {"ok": True, "status": "confirmed", "booking_item_id": line_id}
    supplied = api.post(f"/vendor/orders/{line_id}/supplied", headers=vendor)
    assert supplied.status_code == 200, supplied.text
    sheet = pdf_text(api.post("/vendor/orders/pdf", json={"orders": [order]}, headers=vendor))
    assert "Veg breakfast" in sheet

    assert (
        api.post(f"/admin/booking-items/{line_id}/verify-supply", headers=staff).status_code == 200
    )
    summary = api.get(
        "/vendor/payments/summary",
        params={"period": "monthly", "vendor_id": vendor_id},
        headers=staff,
    ).json()
    owed = [i for i in summary["items"] if i["booking_item_id"] == line_id]
    assert [(i["unit_price"], i["payment_settled"]) for i in owed] == [(180.0, False)]

    prepared = api.post(
        "/vendor/payments/prepare-payment", json={"booking_item_ids": [line_id]}, headers=staff
    ).json()
    assert prepared["amount"] == 180.0 * owed[0]["quantity"]
    payment_id = razorpay.pay(prepared["order_id"])
    verified = api.post(
        "/vendor/payments/verify-payment",
        json={
            "booking_item_ids": [line_id],
            "payment_data": {
                "razorpay_payment_id": payment_id,
                "razorpay_order_id": prepared["order_id"],
                "razorpay_signature": razorpay.signature(prepared["order_id"], payment_id),
            },
        },
        headers=staff,
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["settled_count"] == 1
    twice = api.post("/vendor/payments/settle", json={"booking_item_ids": [line_id]}, headers=staff)
    assert twice.status_code == 409

    invoice = pdf_text(
        api.get(
            "/vendor/payments/invoice",
            params={"vendor_id": vendor_id, "format": "pdf", "settled_only": "true"},
            headers=staff,
        )
    )
    assert "TAX INVOICE" in invoice
    assert "Veg breakfast" in invoice


def test_a_suspended_vendor_cannot_log_in_until_lifted(api):
    staff = login(api, STAFF)
    vendors = api.get("/admin/vendors", headers=staff).json()["items"]
    vendor_id = next(v["id"] for v in vendors if v["username"] == VENDOR[0])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    form = {"Content-Type": "application/x-www-form-urlencoded", **staff}

    suspended = api.post(
        f"/admin/vendors/{vendor_id}/suspend", content=f"suspended_until={tomorrow}", headers=form
    )
    assert suspended.json()["is_suspended"] is True
    refused = api.post("/auth/login", json={"username": VENDOR[0], "password": VENDOR[1]})
    assert refused.status_code == 403

    api.post(f"/admin/vendors/{vendor_id}/suspend", content="suspended_until=", headers=form)
    assert login(api, VENDOR)
