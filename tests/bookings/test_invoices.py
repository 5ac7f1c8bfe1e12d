"""Invoices: the figures, the PDF the task worker renders, and how requests wait for it.

Tests that fetch a PDF run the real task worker (tests/bookings/conftest.py) in a thread, so
their rows must be committed: they are marked `django_db(transaction=True)`.
"""

import io
import json
import os
import subprocess
import sys
from datetime import datetime, time, timedelta
from decimal import Decimal
from time import monotonic, sleep
from typing import Any
from unittest import mock

import pytest
from django.tasks import TaskResultStatus
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from bookings import invoices, tasks
from bookings.models import Booking
from bookings.services import BookingRequest, ItemRequest, booking_create
from tests.factories import ItemFactory, SpaceFactory, UserFactory
from tests.task_worker import running_task_worker

pytestmark = pytest.mark.django_db
# The request and the task worker (a thread) must both see the test's rows.
with_worker = pytest.mark.django_db(transaction=True)


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


def wait_until_finished(
    result: DBTaskResult[..., Any], timeout: float = 60
) -> DBTaskResult[..., Any]:
    """The task result once the worker has finished it (a bound only against a hang)."""
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        result.refresh_from_db()
        if result.finished_at is not None:
            return result
        sleep(0.05)
    pytest.fail(f"task {result.id} still {result.status} after {timeout} s")


def test_invoice_figures_are_decimal_and_rounded_once(booking):
    booking = Booking.objects.select_related("user", "space", "venue").get(pk=booking.pk)

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


@with_worker
def test_the_pdf_shows_the_parties_the_lines_and_the_totals(customer_client, booking, task_worker):
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


@with_worker
def test_the_task_worker_renders_the_pdf_and_the_request_serves_its_file(
    customer_client, booking, task_worker, settings
):
    with mock.patch.object(tasks, "_render_pdf", wraps=tasks._render_pdf) as render:
        response = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert response.status_code == 200
    assert "PROFORMA INVOICE" in pdf_text(response)
    assert render.call_count == 1
    result = DBTaskResult.objects.get()
    assert result.task_path == "bookings.tasks.invoice_render"
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["test"]  # the worker thread, not the request, rendered it
    stored = list((settings.INVOICE_DIR / str(booking.pk)).glob("*.pdf"))
    assert [path.name for path in stored] == [result.return_value]


@with_worker
def test_the_gst_rate_is_a_setting(customer_client, booking, settings, task_worker):
    settings.GST_RATE_PERCENT = Decimal("12")

    text = pdf_text(customer_client.get(f"/api/bookings/{booking.pk}/invoice"))

    assert "CGST @ 6%" in text
    assert "1,449.06" in text  # 24151 x 6 %
    assert "27,049.12" in text


@with_worker
def test_a_repeat_request_serves_the_stored_file_without_a_task_or_a_render(
    customer_client, booking, task_worker
):
    with mock.patch.object(tasks, "_render_pdf", wraps=tasks._render_pdf) as render:
        first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
        first_text = pdf_text(first)
        second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert render.call_count == 1
    assert DBTaskResult.objects.count() == 1  # the second request enqueued nothing
    assert first["ETag"] == second["ETag"]
    assert first_text == pdf_text(second)


@with_worker
def test_a_change_to_the_booking_makes_a_new_invoice(
    customer_client, booking, settings, task_worker
):
    first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    first_text = pdf_text(first)

    booking.paid_amount = Decimal("10000.00")
    booking.save()
    second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert second["ETag"] != first["ETag"]
    second_text = pdf_text(second)
    assert "23,498.18" in first_text
    assert "18,498.18" in second_text
    assert DBTaskResult.objects.successful().count() == 2  # one render per version
    stored = list((settings.INVOICE_DIR / str(booking.pk)).glob("*.pdf"))
    assert len(stored) == 1  # the old version is removed


@with_worker
def test_a_change_to_an_item_makes_a_new_invoice(customer_client, booking, task_worker):
    first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    pdf_text(first)
    line = booking.items.get(item__name="Birthday cake")
    line.quantity, line.total_price = 3, Decimal("3601.50")
    line.save()

    second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert second["ETag"] != first["ETag"]
    assert "3,601.50" in pdf_text(second)


@with_worker
def test_the_invoice_supports_ranges(customer_client, booking, task_worker):
    response = customer_client.get(f"/api/bookings/{booking.pk}/invoice", HTTP_RANGE="bytes=0-99")

    assert response.status_code == 206
    body = b"".join(response.streaming_content)
    assert len(body) == 100
    assert body.startswith(b"%PDF-")


@with_worker
def test_a_browser_accept_header_still_gets_the_pdf(customer_client, booking, task_worker):
    response = customer_client.get(
        f"/api/bookings/{booking.pk}/invoice", HTTP_ACCEPT="application/pdf"
    )

    assert response.status_code == 200
    assert pdf_text(response)


@with_worker
@pytest.mark.parametrize(("who", "expected"), [("anonymous", 401), ("other", 403), ("staff", 200)])
def test_only_the_owner_and_staff_get_the_invoice(booking, api_client, who, expected, task_worker):
    from tests.conftest import bearer_client

    client = api_client if who == "anonymous" else bearer_client(UserFactory(staff=who == "staff"))

    response = client.get(f"/api/bookings/{booking.pk}/invoice")

    assert response.status_code == expected
    if response.streaming:
        assert pdf_text(response)
    assert DBTaskResult.objects.exists() == (expected == 200)  # refused requests render nothing


def test_an_unknown_booking_has_no_invoice(customer_client):
    assert customer_client.get("/api/bookings/999999/invoice").status_code == 404


@with_worker
def test_without_a_worker_the_request_answers_503_and_the_queued_render_serves_the_next(
    customer_client, booking, settings
):
    settings.INVOICE_WAIT_SECONDS = 0.2
    url = f"/api/bookings/{booking.pk}/invoice"

    waiting = customer_client.get(url)
    retried = customer_client.get(url)

    for response in (waiting, retried):
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
        assert response.json()["code"] == "invoice_not_ready"
    queued = DBTaskResult.objects.get()  # the retry did not queue a second render
    assert queued.status == TaskResultStatus.READY
    assert queued.args_kwargs["kwargs"]["booking_id"] == booking.pk

    with running_task_worker():
        finished = wait_until_finished(queued)
    ready = customer_client.get(url)  # with the worker stopped again

    assert finished.status == TaskResultStatus.SUCCESSFUL
    assert ready.status_code == 200
    assert pdf_text(ready)
    assert DBTaskResult.objects.count() == 1


def test_the_render_task_is_idempotent(booking, settings):
    document = invoices.invoice_document(booking)

    with mock.patch.object(tasks, "_render_pdf", wraps=tasks._render_pdf) as render:
        first = tasks.invoice_render.call(booking_id=booking.pk, version=document.version)
        second = tasks.invoice_render.call(booking_id=booking.pk, version=document.version)

    assert first == second == document.path.name
    assert render.call_count == 1
    stored = list((settings.INVOICE_DIR / str(booking.pk)).iterdir())
    assert [path.name for path in stored if not path.name.startswith(".")] == [first]
    assert not [path for path in stored if path.suffix == ".part"]


def test_a_render_task_for_a_superseded_version_renders_the_current_one(booking):
    stale = invoices.invoice_document(booking)
    booking.paid_amount = Decimal("10000.00")
    booking.save()

    written = tasks.invoice_render.call(booking_id=booking.pk, version=stale.version)

    current = invoices.invoice_document(booking)
    assert current.version != stale.version
    assert written == current.path.name
    assert current.path.exists()
    assert not stale.path.exists()


def test_a_render_task_for_a_deleted_booking_does_nothing(booking, settings):
    booking_id = booking.pk
    booking.items.all().delete()
    booking.delete()

    assert tasks.invoice_render.call(booking_id=booking_id, version="0" * 24) is None
    assert not (settings.INVOICE_DIR / str(booking_id)).exists()


@with_worker
def test_staff_open_the_invoice_from_the_admin(booking, task_worker):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)

    change_page = client.get(f"/admin/bookings/booking/{booking.pk}/change/")
    invoice = client.get(f"/admin/bookings/booking/{booking.pk}/invoice/")

    assert f"/admin/bookings/booking/{booking.pk}/invoice/".encode() in change_page.content
    assert invoice.status_code == 200
    assert invoice["Content-Type"] == "application/pdf"
    assert "PROFORMA INVOICE" in pdf_text(invoice)


def test_the_admin_answers_a_plain_503_with_retry_after_while_the_pdf_is_not_ready(
    booking, settings
):
    settings.INVOICE_WAIT_SECONDS = 0
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.get(f"/admin/bookings/booking/{booking.pk}/invoice/")

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/plain")
    assert b"still being prepared" in response.content
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 1


def test_the_web_app_never_imports_weasyprint():
    """Every URLconf and view (what lebrq.asgi preloads in gunicorn's master) and the task
    module import without WeasyPrint: only a render, in the task worker, loads it."""
    script = """
import json, sys
import django
django.setup()
from django.urls import URLResolver, get_resolver

def views(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from views(pattern.url_patterns)
        else:
            yield pattern.callback

imported = {f"{view.__module__}.{view.__qualname__}" for view in views(get_resolver().url_patterns)}
import lebrq.asgi, lebrq.wsgi, bookings.tasks
print(json.dumps({
    "views": sorted(imported),
    "weasyprint": sorted(name for name in sys.modules if name.split(".")[0] == "weasyprint"),
}))
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lebrq.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert "bookings.api.views.BookingViewSet" in loaded["views"]  # the invoice action's view
    assert any(view.endswith("BookingAdmin.invoice_view") for view in loaded["views"])
    assert loaded["weasyprint"] == []


def test_inr_groups_digits_the_indian_way():
    from bookings.templatetags.money import inr

    assert inr(Decimal("0")) == "0.00"
    assert inr(Decimal("999.5")) == "999.50"
    assert inr(Decimal("1234.56")) == "1,234.56"
    assert inr(Decimal("123456.78")) == "1,23,456.78"
    assert inr(Decimal("12345678.9")) == "1,23,45,678.90"
    assert inr(Decimal("-1500")) == "-1,500.00"
    assert inr(Decimal("0.125")) == "0.13", "half a paisa rounds up, as invoice totals do"
