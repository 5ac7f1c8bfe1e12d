import io
import threading
from datetime import datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from bookings import invoices
from bookings.services import BookingRequest, ItemRequest, booking_create
from tests.factories import ItemFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def local(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def booking(customer):
    customer.first_name, customer.last_name = "Asha", "Menon"
    customer.save()
    space = SpaceFactory(name="Grant Hall", price_per_hour=Decimal("1000.00"))
    cake = ItemFactory(name="Birthday cake", price=Decimal("1200.50"))
    band = ItemFactory(
        name="Live band",
        price=Decimal("15000.00"),
        base_hours_included=3,
        rate_per_extra_hour=Decimal("2500.00"),
    )
    booking, _ = booking_create(
        user=customer,
        request=BookingRequest(
            space_id=space.pk,
            start=local(9, 18),
            end=local(9, 21),
            items=(
                ItemRequest(cake.pk, quantity=2),
                ItemRequest(band.pk, hours_used=Decimal("4.5")),
            ),
        ),
    )
    booking.paid_amount = Decimal("5000.00")
    booking.save()
    return booking


def pdf_text(response) -> str:
    # Consuming the stream closes the response (and its file); closing it again would fire
    # request_finished and drop the test's database connection.
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_invoice_figures_are_decimal_and_rounded_once(booking):
    booking = invoices.Booking.objects.select_related("user", "space", "venue").get(pk=booking.pk)

    invoice = invoices.invoice_for(booking)

    assert [line.amount for line in invoice.lines] == [
        Decimal("3000.00"),  # 3 h x 1000
        Decimal("2401.00"),  # 2 x 1200.50
        Decimal("18750.00"),  # 15000 + 1.5 extra h x 2500
    ]
    assert invoice.subtotal == Decimal("24151.00")
    assert invoice.cgst == invoice.sgst == Decimal("2173.59")  # 24151 x 9 % = 2173.59
    assert invoice.grand_total == Decimal("28498.18")
    assert invoice.paid == Decimal("5000.00")
    assert invoice.balance_due == Decimal("23498.18")


def test_the_pdf_shows_the_parties_the_lines_and_the_totals(customer_client, booking):
    response = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="invoice_{booking.booking_reference}.pdf"'
    )
    text = pdf_text(response)
    for expected in (
        "LeBRQ",
        "PROFORMA INVOICE",
        f"INV-{booking.pk:08d}",
        booking.booking_reference,
        "Asha Menon",
        booking.user.email,
        "Grant Hall",
        "Birthday cake",
        "1,200.50",
        "2,401.00",
        "Live band (4.5 h)",
        "18,750.00",
        "Subtotal",
        "24,151.00",
        "CGST @ 9%",
        "SGST @ 9%",
        "2,173.59",
        "28,498.18",
        "Advance paid",
        "5,000.00",
        "Balance due",
        "23,498.18",
    ):
        assert expected in text, expected


def test_the_gst_rate_is_a_setting(customer_client, booking, settings):
    settings.GST_RATE_PERCENT = Decimal("12")

    text = pdf_text(customer_client.get(f"/api/bookings/{booking.pk}/invoice"))

    assert "CGST @ 6%" in text
    assert "1,449.06" in text  # 24151 x 6 %
    assert "27,049.12" in text


def test_a_repeat_request_serves_the_cached_file_without_rendering(customer_client, booking):
    with mock.patch.object(invoices, "_render", wraps=invoices._render) as render:
        first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
        second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert render.call_count == 1
    assert first["ETag"] == second["ETag"]
    assert pdf_text(first) == pdf_text(second)


def test_a_change_to_the_booking_makes_a_new_invoice(customer_client, booking, settings):
    first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    first_text = pdf_text(first)

    booking.paid_amount = Decimal("10000.00")
    booking.save()
    second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert second["ETag"] != first["ETag"]
    second_text = pdf_text(second)
    assert "23,498.18" in first_text
    assert "18,498.18" in second_text
    stored = list((settings.INVOICE_DIR / str(booking.pk)).glob("*.pdf"))
    assert len(stored) == 1  # the old version is removed


def test_a_change_to_an_item_makes_a_new_invoice(customer_client, booking):
    first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    pdf_text(first)
    line = booking.items.get(item__name="Birthday cake")
    line.quantity, line.total_price = 3, Decimal("3601.50")
    line.save()

    second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert second["ETag"] != first["ETag"]
    assert "3,601.50" in pdf_text(second)


def test_the_invoice_supports_ranges(customer_client, booking):
    response = customer_client.get(f"/api/bookings/{booking.pk}/invoice", HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    body = b"".join(response.streaming_content)
    assert len(body) == 100
    assert body.startswith(b"%PDF-")


def test_a_browser_accept_header_still_gets_the_pdf(customer_client, booking):
    response = customer_client.get(
        f"/api/bookings/{booking.pk}/invoice", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert pdf_text(response)


@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other", 403), ("staff", 200)])
def test_only_the_owner_and_staff_get_the_invoice(booking, api_client, who, expected):
    from tests.conftest import bearer_client

    client = api_client if who == "anonymous" else bearer_client(UserFactory(staff=who == "staff"))

    response = client.get(f"/api/bookings/{booking.pk}/invoice")

    assert response.status_code == expected
    if response.streaming:
        assert pdf_text(response)


def test_an_unknown_booking_has_no_invoice(customer_client):
    assert customer_client.get("/api/bookings/999999/invoice").status_code == 404


def test_a_slow_render_answers_503_with_retry_after_and_finishes_in_the_background(
    customer_client, booking, settings
):
    settings.INVOICE_RENDER_TIMEOUT_SECONDS = 0.2
    release = threading.Event()
    real_render = invoices._render

    def slow_render(html, path):
        release.wait(10)
        real_render(html, path)

    with mock.patch.object(invoices, "_render", slow_render):
        waiting = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
        release.set()
        invoices._render_pool().submit(lambda: None).result(timeout=30)  # let it finish

    assert waiting.status_code == 503
    assert waiting["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    assert waiting.json()["code"] == "invoice_not_ready"
    ready = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    assert ready.status_code == 200
    assert pdf_text(ready)


def test_staff_open_the_invoice_from_the_admin(booking):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)

    change_page = client.get(f"/admin/bookings/booking/{booking.pk}/change/")
    invoice = client.get(f"/admin/bookings/booking/{booking.pk}/invoice/")

    assert f"/admin/bookings/booking/{booking.pk}/invoice/".encode() in change_page.content
    assert invoice.status_code == 200
    assert invoice["Content-Type"] == "application/pdf"
    assert "PROFORMA INVOICE" in pdf_text(invoice)


def test_inr_groups_digits_the_indian_way():
    from bookings.templatetags.money import inr

    assert inr(Decimal("0")) == "0.00"
    assert inr(Decimal("999.5")) == "999.50"
    assert inr(Decimal("1234.56")) == "1,234.56"
    assert inr(Decimal("123456.78")) == "1,23,456.78"
    assert inr(Decimal("12345678.9")) == "1,23,45,678.90"
    assert inr(Decimal("-1500")) == "-1,500.00"
    assert inr(Decimal("0.125")) == "0.13", "half a paisa rounds up, as invoice totals do"
