"""A new customer's journey, replayed as the frontend makes its calls, against the real server.

sign-up (OTP by SMS -> verify -> register) -> login -> the hall's price tables -> free time
slots -> the price the venue screen shows -> pay (prepare, Razorpay order, the checkout) ->
book (payment-main.tsx's body) -> verify the payment -> my bookings -> the booking -> its
public page. gunicorn + uvicorn workers and the task worker on MariaDB; the SMS goes out
through the bulk-SMS backend to a fake gateway on loopback, where the test reads the code as
the customer's phone would; Razorpay is a fake of its REST API on loopback, reached by the
server through the official client, and paid by the test as the checkout would.

Run with `make e2e` (database lebrq_journey_e2e, dropped and recreated).
"""

import io
import os
import time
from datetime import date, timedelta

import httpx
import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.e2e.stack import DEFAULT_DATABASE_URL, Gunicorn, app_environment, prepare_database
from tests.notify.fakes import FakeGateway, fake_sms_gateway
from tests.payments.fake_razorpay import FakeRazorpay, fake_razorpay_server

pytestmark = pytest.mark.e2e

PORT = 19111
MOBILE = "9812345678"
PASSWORD = "a-journey-passphrase-42"


@pytest.fixture(scope="module")
def gateway():
    with fake_sms_gateway() as fake:
        yield fake


@pytest.fixture(scope="module")
def razorpay():
    with fake_razorpay_server() as fake:
        yield fake


@pytest.fixture(scope="module")
def api(tmp_path_factory, gateway, razorpay):
    workdir = tmp_path_factory.mktemp("journey")
    stack_url = os.environ.get("E2E_DATABASE_URL", DEFAULT_DATABASE_URL)
    database_url = stack_url.removesuffix("_e2e") + "_journey_e2e"
    env = app_environment(
        workdir,
        database_url,
        FILE_SERVE_MODE="django",
        SMS_BACKEND="bulksms",
        SMS_GATEWAY_URL=gateway.url,
        SMS_GATEWAY_USERNAME="lebrq",
        SMS_GATEWAY_PASSWORD="gateway-secret",
        SMS_SENDER_ID="LEBRQS",
        SMS_OTP_TEMPLATE_ID="1607000000000000003",
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
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}/api", timeout=30) as client:
            yield client
    finally:
        server.stop()


def code_texted_to(gateway: FakeGateway, mobile: str, timeout: float = 30) -> str:
    """The six digits of the newest SMS to `mobile`, once the task worker has sent it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        messages = gateway.messages_to(mobile) or gateway.messages_to("91" + mobile)
        if messages:
            return "".join(ch for ch in messages[-1] if ch.isdigit())[:6]
        time.sleep(0.2)
    raise AssertionError(f"no SMS reached the gateway; received {gateway.received}")


def next_wednesday() -> date:
    """A weekday well ahead (no weekend surcharge), clear of the demo bookings."""
    day = timezone.localdate() + timedelta(days=21)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def test_sign_up_pay_book_and_see_the_booking_as_the_frontend_does(
    api, gateway, razorpay: FakeRazorpay
):
    username = f"journey{int(time.time())}@example.com"

    # lib/api.ts sendOTP, verifyOTP, register (mobile_verified is sent, and not trusted)
    sent = api.post("/users/otp/send", json={"mobile": MOBILE})
    assert sent.status_code == 200, sent.text
    verified = api.post(
        "/users/otp/verify", json={"mobile": MOBILE, "otp": code_texted_to(gateway, MOBILE)}
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["success"] is True
    registered = api.post(
        "/users/register",
        json={
            "username": username,
            "password": PASSWORD,
            "first_name": "Anu",
            "last_name": None,
            "mobile": MOBILE,
            "role": "customer",
            "mobile_verified": True,
        },
    )
    assert registered.status_code == 201, registered.text
    assert registered.json()["access_token"]

    # AuthAPI.login, then /auth/me as the header does
    login = api.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    me = api.get("/auth/me", headers=auth).json()
    assert (me["username"], me["mobile"]) == (username, "+91" + MOBILE)  # stored as E.164

    # The venue screen loads the hall and its price tables, then the day's free slots.
    halls = [s for s in api.get("/venues/spaces").json() if s["name"] == "LeBRQ Grant Hall"]
    assert len(halls) == 1
    hall = api.get(f"/venues/spaces/{halls[0]['id']}").json()
    day = next_wednesday()
    slots = api.get(
        f"/time-slots/available/{hall['id']}",
        params={"selected_date": day.isoformat(), "duration_hours": 3},
    )
    assert slots.status_code == 200, slots.text
    assert "10:00 AM" in slots.json()["available_slots"]
    start, end = f"{day.isoformat()}T10:00:00", f"{day.isoformat()}T13:00:00"
    check = api.post(
        "/time-slots/validate",
        json={"space_id": hall["id"], "start_datetime": start, "end_datetime": end},
    )
    assert check.json()["is_available"] is True

    # The price grant-hall.tsx shows: 3 h x rate, the royal stage, the banner, 40 extra chairs.
    stage = next(s for s in hall["stage_options"] if s["id"] == "stage-royal")
    banner = hall["banner_sizes"][0]
    chairs = next(f for f in hall["features"]["hall_features"] if f["id"] == "chairs")
    shown_total = round(
        3 * float(hall["price_per_hour"])
        + stage["price"]
        + banner["price"]
        + 40 * chairs["item_price"]
    )
    body = {
        "space_id": hall["id"],
        "start_datetime": start,
        "end_datetime": end,
        "attendees": 60,
        "items": [],
        "custom_items": [
            {
                "name": "Extra chairs",
                "quantity": 40,
                "unit_price": 25,
                "code": "paid-feature-chairs",
            },
            {
                "name": "Stage: Royal stage",
                "quantity": 1,
                "unit_price": 6000,
                "code": "stage-royal",
            },
            {"name": "Banner: 6 x 4 ft", "quantity": 1, "unit_price": 900, "code": "banner-6x4"},
        ],
        "customer_note": "Guests: 60, Event: Corporate Meeting",
        "event_type": "Corporate Meeting",
        "booking_type": "one_day",
        "banner_image_url": None,
        "guest_list": None,
        "default_pickup_location": None,
        "transport_locations": None,
    }

    # A browser that shows another figure is told both, and nothing is booked.
    tampered = api.post("/bookings", json={**body, "total_amount": 1}, headers=auth)
    assert tampered.status_code == 409, tampered.text
    assert tampered.json()["server_total"] == f"{shown_total}.00"

    # payment-main.tsx: prepare, make the order (paise), pay at Razorpay's checkout...
    prepared = api.post(
        "/payments/prepare",
        json={"amount": shown_total, "currency": "INR", "language": "EN"},
        headers=auth,
    )
    assert prepared.status_code == 200, prepared.text
    assert prepared.json()["billing_email"] == username
    order = api.post(
        "/payments/create-razorpay-order",
        json={"amount": shown_total * 100, "currency": "INR"},
        headers=auth,
    )
    assert order.status_code == 200, order.text
    order_id = order.json()["order_id"]
    payment_id = razorpay.pay(order_id)
    # ...then book, then have the payment verified against the booking.
    booked = api.post("/bookings", json={**body, "total_amount": shown_total}, headers=auth)
    assert booked.status_code == 201, booked.text
    booking = booked.json()
    assert booking["total_amount"] == shown_total
    assert booking["status"] == "pending_payment"
    assert booking["start_datetime"] == start  # venue-local wall time, as sent
    assert {line["kind"] for line in booking["items"]} == {"feature", "stage", "banner"}
    verified = api.post(
        "/payments/razorpay/verify",
        json={
            "razorpay_order_id": order_id,
            "razorpay_payment_id": payment_id,
            "razorpay_signature": razorpay.signature(order_id, payment_id),
            "booking_id": booking["id"],
            "total_amount": shown_total,
        },
        headers=auth,
    )
    assert verified.status_code == 200, verified.text
    assert (verified.json()["status"], verified.json()["booking_status"]) == ("success", "pending")
    history = api.get(f"/bookings/{booking['id']}/payment-history", headers=auth).json()
    assert history["total_paid"] == shown_total

    # The slot is taken now, for everyone.
    again = api.get(
        f"/time-slots/available/{hall['id']}",
        params={"selected_date": day.isoformat(), "duration_hours": 3},
    )
    assert "10:00 AM" not in again.json()["available_slots"]

    # My bookings, the booking, and its public page (no login, no personal data).
    mine = api.get("/bookings", headers=auth).json()
    assert [entry["id"] for entry in mine["items"]] == [booking["id"]]
    detail = api.get(f"/bookings/{booking['id']}", headers=auth).json()
    assert detail["items"] == booking["items"]
    assert (detail["status"], detail["paid_amount"], detail["balance_amount"]) == (
        "pending",
        shown_total,
        0,
    )
    public = api.get(f"/bookings/public/{booking['id']}")
    assert public.status_code == 200, public.text
    assert public.json()["booking_reference"] == booking["booking_reference"]
    assert username not in public.text
    assert MOBILE not in public.text


def login(api: httpx.Client, username: str, password: str) -> dict[str, str]:
    response = api.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_live_show_tickets_paid_registered_and_scanned_at_the_door(api, razorpay: FakeRazorpay):
    """Staff put on a show (live-show.tsx's admin booking); a customer pays for two tickets
    (payment-main.tsx: order, checkout, verify against the show, participants/add); the door
    scans the ticket's QR code: two entries, the third refused."""
    staff = login(api, "staff", "staff-pass-123")
    halls = [s for s in api.get("/venues/spaces").json() if s["name"] == "LeBRQ Grant Hall"]
    day = next_wednesday() + timedelta(days=7)
    show = api.post(
        "/bookings",
        json={
            "space_id": halls[0]["id"],
            "start_datetime": f"{day.isoformat()}T19:00:00",
            "end_datetime": f"{day.isoformat()}T22:00:00",
            "attendees": 2,
            "items": [],
            "custom_items": [],
            "customer_note": "Tickets: 2 @ ₹250 | Coordinator: Anu",
            "event_type": "Rock Night",
            "booking_type": "live-",
            "is_admin_booking": True,
            "admin_note": "Booked by admin without payment",
        },
        headers=staff,
    )
    assert show.status_code == 201, show.text
    show_id = show.json()["id"]

    customer = login(api, "demo", "demo-pass-123")
    order = api.post(
        "/payments/create-razorpay-order",
        json={"amount": 50000, "currency": "INR"},
        headers=customer,
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    verified = api.post(
        "/payments/razorpay/verify",
        json={
            "razorpay_order_id": order["order_id"],
            "razorpay_payment_id": payment_id,
            "razorpay_signature": razorpay.signature(order["order_id"], payment_id),
            "booking_id": show_id,
        },
        headers=customer,
    )
    assert verified.status_code == 200, verified.text
    added = api.post(
        "/program_participants/add",
        json={
            "user_id": None,
            "name": "Demo Customer",
            "mobile": "9800000002",
            "program_type": "live",
            "subscription_type": "live-",
            "ticket_quantity": 2,
            "start_date": f"{day.isoformat()}T13:30:00.000Z",
            "end_date": f"{day.isoformat()}T16:30:00.000Z",
            "amount_paid": 500,
            "booking_id": show_id,
        },
        headers=customer,
    )
    assert added.status_code == 200, added.text
    participant_id = added.json()["id"]
    assert added.json()["amount_paid"] == 500

    qr = api.get(f"/program_participants/{participant_id}/ticket.svg", headers=customer)
    assert qr.status_code == 200
    assert qr.headers["content-type"] == "image/svg+xml"
    code = next(
        row["ticket_code"]
        for row in api.get("/program_participants/list/live", headers=customer).json()
        if row["id"] == participant_id
    )

    # The door page (no login) with the code its QR carries: two entries, then no more.
    scans = [
        api.patch(
            f"/program_participants/{participant_id}/verify?code={code}",
            json={"is_verified": True},
        )
        for _ in range(3)
    ]
    assert [s.status_code for s in scans] == [200, 200, 409]
    assert scans[1].json()["is_verified"] is True
    assert scans[2].json()["code"] == "ticket_used"
    # A guess without the code opens nothing.
    assert api.patch(f"/program_participants/{participant_id}/verify", json={}).status_code == 403
    counts = api.get(f"/program_participants/counts/by-bookings?ids={show_id}").json()
    assert counts == {str(show_id): {"total": 1, "verified": 1}}


def test_staff_edit_a_halls_prices_and_the_next_booking_is_priced_by_them(api):
    """The staff space editor (app/admin/spaces/[id].tsx) sets a 2-hour price; the next
    customer's booking of two hours costs exactly that, and the old figure is refused."""
    staff = login(api, "staff", "staff-pass-123")
    hall = next(s for s in api.get("/venues/spaces").json() if s["name"] == "LeBRQ Meeting Room")
    edited = api.patch(
        f"/venues/spaces/{hall['id']}",
        json={"pricing_overrides": {"duration": {"2h": 999}}},
        headers=staff,
    )
    assert edited.status_code == 200, edited.text
    assert api.get(f"/venues/spaces/{hall['id']}").json()["pricing_overrides"]["duration"] == {
        "2h": 999
    }

    customer = login(api, "demo", "demo-pass-123")
    day = next_wednesday() + timedelta(days=14)
    body = {
        "space_id": hall["id"],
        "start_datetime": f"{day.isoformat()}T09:00:00",
        "end_datetime": f"{day.isoformat()}T11:00:00",
        "attendees": 6,
        "event_type": "Corporate Meeting",
    }
    old_price = api.post("/bookings", json={**body, "total_amount": 1200}, headers=customer)
    booked = api.post("/bookings", json={**body, "total_amount": 999}, headers=customer)

    assert old_price.status_code == 409
    assert old_price.json()["server_total"] == "999.00"
    assert booked.status_code == 201, booked.text
    assert booked.json()["total_amount"] == 999


def test_a_checkout_with_a_coupon_pays_and_invoices_the_discounted_amount(
    api, razorpay: FakeRazorpay
):
    """payment-main.tsx with a coupon: check it, apply it (a quote), pay the discounted total,
    book with it, verify. The payment, the booking's lines and its invoice all show it."""
    staff = login(api, "staff", "staff-pass-123")
    coupon = api.post(
        "/admin/coupons",
        json={
            "code": "JOURNEY150",
            "title": "Journey",
            "discount_type": "flat",
            "discount_value": 150,
        },
        headers=staff,
    )
    assert coupon.status_code == 201, coupon.text
    customer = login(api, "demo", "demo-pass-123")
    hall = next(s for s in api.get("/venues/spaces").json() if s["name"] == "LeBRQ Meeting Room")
    day = next_wednesday() + timedelta(days=21)
    plain = 3 * 600  # the meeting room's hourly rate, three hours
    checked = api.get(
        "/offers/check",
        params={"coupon_code": "journey150", "purchase_amount": plain},
        headers=customer,
    ).json()
    assert checked["best_offer"]["code"] == "JOURNEY150"
    applied = api.post(
        "/offers/apply",
        json={"coupon_code": "JOURNEY150", "offer_type": "coupon", "purchase_amount": plain},
        headers=customer,
    ).json()
    discounted = plain - 150
    assert applied["final_amount"] == discounted

    order = api.post(
        "/payments/create-razorpay-order", json={"amount": discounted * 100}, headers=customer
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    booked = api.post(
        "/bookings",
        json={
            "space_id": hall["id"],
            "start_datetime": f"{day.isoformat()}T14:00:00",
            "end_datetime": f"{day.isoformat()}T17:00:00",
            "attendees": 8,
            "event_type": "Corporate Meeting",
            "total_amount": discounted,
        },
        headers=customer,
    )
    assert booked.status_code == 201, booked.text
    booking = booked.json()
    assert booking["total_amount"] == discounted
    assert [(line["kind"], line["total_price"]) for line in booking["items"]] == [
        ("coupon", -150.0)
    ]
    verified = api.post(
        "/payments/razorpay/verify",
        json={
            "razorpay_order_id": order["order_id"],
            "razorpay_payment_id": payment_id,
            "razorpay_signature": razorpay.signature(order["order_id"], payment_id),
            "booking_id": booking["id"],
        },
        headers=customer,
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["amount"] == discounted
    assert razorpay.payments[payment_id]["amount"] == discounted * 100

    deadline = time.monotonic() + 60
    while True:
        invoice = api.get(f"/bookings/{booking['id']}/invoice", headers=customer)
        if invoice.status_code != 503 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert invoice.status_code == 200, invoice.text
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(invoice.content)).pages)
    assert "Coupon JOURNEY150" in text
