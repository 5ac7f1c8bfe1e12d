"""The staff invoice screen (app/admin/invoices.tsx): list, data, save, preview, download.

Bodies are the ones the screen sends (saveInvoice, previewInvoice, downloadInvoice); answers are
pinned whole. PDFs come from the real task worker in a thread, so those tests commit their rows
(`django_db(transaction=True)`).
"""

import io
import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from bookings import invoice_edits, invoices
from bookings.choices import BookingStatus
from bookings.models import Booking, InvoiceEdit
from bookings.services import BookingRequest, ItemRequest, booking_create
from tests.conftest import bearer_client
from tests.factories import BookingFactory, ItemFactory, SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db
with_worker = pytest.mark.django_db(transaction=True)


def local(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def naive_local(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


def naive_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


def pdf_text(response) -> str:
    return pdf_text_of(b"".join(response.streaming_content))


def pdf_text_of(body: bytes) -> str:
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def booking(customer):
    """3 h of a 1000/h hall and two cakes at 1200.50: lines 3000 + 2401, subtotal 5401."""
    customer.first_name, customer.last_name = "Asha", "Menon"
    customer.mobile = "9876543210"
    customer.save()
    space = SpaceFactory(name="Grant Hall", price_per_hour=Decimal("1000.00"))
    cake = ItemFactory(name="Birthday cake", price=Decimal("1200.50"))
    booking, _ = booking_create(
        user=customer,
        request=BookingRequest(
            space_id=space.pk,
            start=local(9, 18),
            end=local(9, 21),
            event_type="Birthday Party",
            items=(ItemRequest(cake.pk, quantity=2),),
        ),
    )
    booking.paid_amount = Decimal("1000.00")
    booking.status = BookingStatus.PENDING  # paid in part, awaiting staff
    booking.save()
    return booking


# What the screen sends from its edit form (saveInvoice / previewInvoice / downloadInvoice).
EDITED = {
    "items": [
        {
            "id": None,
            "item_id": None,
            "name": "Hall hire",
            "quantity": 1,
            "unit_price": 4000,
            "total_price": 4000,
        },
        {"name": "Decoration", "quantity": 3, "unit_price": 333.33, "total_price": 999.99},
        {"name": "Loyalty discount", "quantity": 1, "unit_price": -500},
    ],
    "customer_name": "Asha M. Enterprises",
    "invoice_number": "BRQ/2026/0042",
    "invoice_date": "January 05, 2026",
    "gst_rate": 12,
    "brokerage_amount": 250.5,
    "notes": "Paid by cheque",
}


# --- Who may call what ----------------------------------------------------------------------

PERSONAS = ("anonymous", "customer", "staff")
MATRIX: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int]]] = [
    ("get", "/api/admin/invoices", None, (401, 403, 200)),
    ("get", "/api/admin/invoices/{booking}/data", None, (401, 403, 200)),
    ("post", "/api/admin/invoices/{booking}/save", EDITED, (401, 403, 200)),
    ("post", "/api/admin/invoices/{booking}/preview", EDITED, (401, 403, 200)),
    ("get", "/api/admin/invoices/{booking}/download", None, (401, 403, 200)),
    ("post", "/api/admin/invoices/{booking}/download", EDITED, (401, 403, 200)),
]


@with_worker
@pytest.mark.parametrize(
    ("method", "path", "body", "persona", "expected"),
    [
        pytest.param(m, p, b, persona, e[i], id=f"{m} {p} as {persona}")
        for m, p, b, e in MATRIX
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_authorization_matrix(
    booking, api_client, method, path, body, persona, expected, task_worker
):
    client = {
        "anonymous": api_client,
        "customer": bearer_client(booking.user),
        "staff": bearer_client(UserFactory(staff=True)),
    }[persona]

    response = getattr(client, method)(path.format(booking=booking.pk), body, format="json")

    assert response.status_code == expected
    if expected >= 400:
        assert response.json()["detail"]
        assert not InvoiceEdit.objects.exists()
        assert not DBTaskResult.objects.exists()  # refused requests render nothing
    elif response.streaming:
        assert pdf_text(response)


# --- GET /admin/invoices ----------------------------------------------------------------------


def test_the_list_answers_what_the_screen_reads(staff_client, booking):
    other = BookingFactory(status=BookingStatus.APPROVED, total_amount=Decimal("2500.50"))
    InvoiceEdit.objects.create(booking=other, invoice_number="BRQ-7", customer_name="Acme")
    booking.refresh_from_db()

    response = staff_client.get("/api/admin/invoices")

    assert response.status_code == 200
    assert response.json() == {
        "invoices": [
            {
                "booking_id": other.pk,
                "booking_reference": other.booking_reference,
                "invoice_number": "BRQ-7",
                "customer_name": "Acme",
                "customer_email": other.user.email,
                "status": "approved",
                "invoice_type": "TAX INVOICE",
                "total_amount": 2500.5,
                "start_datetime": naive_local(other.start_datetime),
                "created_at": naive_utc(other.created_at),
            },
            {
                "booking_id": booking.pk,
                "booking_reference": booking.booking_reference,
                "invoice_number": f"INV-{booking.pk:08d}",
                "customer_name": "Asha Menon",
                "customer_email": booking.user.email,
                "status": "pending",
                "invoice_type": "PROFORMA INVOICE",
                "total_amount": 5401.0,
                "start_datetime": naive_local(booking.start_datetime),
                "created_at": naive_utc(booking.created_at),
            },
        ],
        "count": 2,
    }


def test_the_list_filters_by_status_and_by_the_local_day_of_the_start(staff_client, booking):
    late = BookingFactory(
        status=BookingStatus.APPROVED, start_datetime=local(20, 23), end_datetime=local(21, 1)
    )
    BookingFactory(
        status=BookingStatus.APPROVED, start_datetime=local(22, 0), end_datetime=local(22, 2)
    )
    day = timezone.localdate() + timedelta(days=20)

    by_status = staff_client.get("/api/admin/invoices/", {"status": "pending"})
    by_day = staff_client.get(
        "/api/admin/invoices", {"from_date": day.isoformat(), "to_date": day.isoformat()}
    )
    no_bound = staff_client.get("/api/admin/invoices", {"status": "", "from_date": ""})

    assert [row["booking_id"] for row in by_status.json()["invoices"]] == [booking.pk]
    assert [row["booking_id"] for row in by_day.json()["invoices"]] == [late.pk]
    assert no_bound.json()["count"] == 3


@pytest.mark.parametrize(
    "query", [{"status": "confirmed-ish"}, {"from_date": "05/01/2026"}, {"to_date": "x"}]
)
def test_a_bad_list_filter_is_a_400(staff_client, query):
    response = staff_client.get("/api/admin/invoices", query)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_list_is_capped(staff_client, monkeypatch):
    monkeypatch.setattr(invoice_edits, "INVOICE_LIST_CAP", 3)
    newest = [BookingFactory() for _ in range(5)][-3:]

    body = staff_client.get("/api/admin/invoices").json()

    assert body["count"] == 3
    assert [row["booking_id"] for row in body["invoices"]] == [b.pk for b in reversed(newest)]


def test_the_list_costs_the_same_queries_for_2_and_40_bookings(
    staff_client, django_assert_max_num_queries
):
    def make(count: int) -> None:
        for booking in BookingFactory.create_batch(count):
            InvoiceEdit.objects.create(booking=booking, invoice_number=f"E-{booking.pk}")
            BookingFactory(user=booking.user)

    make(1)
    with django_assert_max_num_queries(3) as few:
        assert staff_client.get("/api/admin/invoices").json()["count"] == 2
    make(19)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert staff_client.get("/api/admin/invoices").json()["count"] == 40


# --- GET /admin/invoices/{id}/data -----------------------------------------------------------


def expected_data(booking: Booking, **changes: Any) -> dict[str, Any]:
    cake = booking.items.get()
    start = timezone.localtime(booking.start_datetime)
    body = {
        "booking_id": booking.pk,
        "booking_reference": booking.booking_reference,
        "invoice_number": f"INV-{booking.pk:08d}",
        "invoice_date": timezone.localdate(booking.updated_at).strftime("%B %d, %Y"),
        "booking_date": start.strftime("%B %d, %Y"),
        "is_tax_invoice": False,
        "is_proforma_invoice": True,
        "invoice_title": "PROFORMA INVOICE",
        "customer": {"name": "Asha Menon", "email": booking.user.email, "phone": "9876543210"},
        "booking": {
            "venue": booking.venue.name,
            "space": "Grant Hall",
            "event_type": "Birthday Party",
            "status": "PENDING",
            "start_datetime": naive_local(booking.start_datetime),
            "end_datetime": naive_local(booking.end_datetime),
        },
        "items": [
            {
                "id": None,
                "item_id": None,
                "name": f"Hire of Grant Hall, {start:%d %b %Y} 18:00-21:00 (3 h)",
                "quantity": 1,
                "unit_price": 3000.0,
                "total_price": 3000.0,
            },
            {
                "id": cake.pk,
                "item_id": cake.item_id,
                "name": "Birthday cake",
                "quantity": 2,
                "unit_price": 1200.5,
                "total_price": 2401.0,
            },
        ],
        "subtotal": 5401.0,
        "brokerage_amount": 0.0,
        "gst_rate": 18.0,
        "gst_amount": 972.18,  # 2 x 486.09 (9 % of 5401)
        "total_amount": 6373.18,
        "paid_amount": 1000.0,
        "balance_due": 5373.18,
        "notes": "",
    }
    body.update(changes)
    return body


def test_data_answers_what_the_edit_form_reads(staff_client, booking):
    response = staff_client.get(f"/api/admin/invoices/{booking.pk}/data")

    assert response.status_code == 200
    assert response.json() == expected_data(booking)


def test_data_of_an_unknown_booking_is_a_404(staff_client):
    response = staff_client.get("/api/admin/invoices/999999/data")

    assert response.status_code == 404
    assert response.json()["detail"] == "Booking not found"


# What EDITED makes of the invoice: lines 4000 + 999.99 - 500 = 4499.99, + 250.50 brokerage
# = 4750.49; GST 12 % as two halves of 6 % = 285.03 each.
EDITED_FIGURES = {
    "invoice_number": "BRQ/2026/0042",
    "invoice_date": "January 05, 2026",
    "items": [
        {
            "id": None,
            "item_id": None,
            "name": "Hall hire",
            "quantity": 1,
            "unit_price": 4000.0,
            "total_price": 4000.0,
        },
        {
            "id": None,
            "item_id": None,
            "name": "Decoration",
            "quantity": 3,
            "unit_price": 333.33,
            "total_price": 999.99,
        },
        {
            "id": None,
            "item_id": None,
            "name": "Loyalty discount",
            "quantity": 1,
            "unit_price": -500.0,
            "total_price": -500.0,
        },
    ],
    "subtotal": 4750.49,
    "brokerage_amount": 250.5,
    "gst_rate": 12.0,
    "gst_amount": 570.06,
    "total_amount": 5320.55,
    "balance_due": 4320.55,
    "notes": "Paid by cheque",
}


# --- POST /admin/invoices/{id}/save ----------------------------------------------------------


def test_save_keeps_the_edit_and_data_shows_it(staff_client, staff_user, booking):
    response = staff_client.post(f"/api/admin/invoices/{booking.pk}/save", EDITED, format="json")

    assert response.status_code == 200
    edit = InvoiceEdit.objects.get(booking=booking)
    assert response.json() == {
        "message": "Invoice edit saved successfully",
        "booking_id": booking.pk,
        "saved_at": naive_utc(edit.updated_at),
    }
    assert edit.edited_by == staff_user
    assert edit.gst_rate == Decimal("12.00")
    assert edit.brokerage_amount == Decimal("250.50")
    assert edit.items[1] == {"name": "Decoration", "quantity": 3, "unit_price": "333.33"}
    data = staff_client.get(f"/api/admin/invoices/{booking.pk}/data").json()
    customer = {"name": "Asha M. Enterprises", "email": booking.user.email, "phone": "9876543210"}
    assert data == expected_data(booking, customer=customer, **EDITED_FIGURES)


def test_a_second_save_replaces_the_first(staff_client, booking):
    url = f"/api/admin/invoices/{booking.pk}/save"
    staff_client.post(url, EDITED, format="json")

    staff_client.post(url, {**EDITED, "items": [], "gst_rate": 0, "notes": ""}, format="json")

    edit = InvoiceEdit.objects.get(booking=booking)
    assert edit.items == []
    assert edit.gst_rate == 0
    data = staff_client.get(f"/api/admin/invoices/{booking.pk}/data").json()
    assert [item["name"] for item in data["items"]][1:] == ["Birthday cake"]  # own lines back
    assert data["gst_amount"] == 0.0


def test_blank_values_keep_the_computed_ones(staff_client, booking):
    blank: dict[str, Any] = {
        "items": [],
        "customer_name": "",
        "invoice_number": "",
        "invoice_date": "",
        "gst_rate": None,
        "brokerage_amount": 0,
        "notes": "",
    }

    response = staff_client.post(f"/api/admin/invoices/{booking.pk}/save", blank, format="json")

    assert response.status_code == 200
    data = staff_client.get(f"/api/admin/invoices/{booking.pk}/data").json()
    assert data == expected_data(booking)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"gst_rate": 29}, "gst_rate"),
        ({"gst_rate": -1}, "gst_rate"),
        ({"gst_rate": "eighteen"}, "gst_rate"),
        ({"gst_rate": 12.345}, "gst_rate"),
        ({"brokerage_amount": -5}, "brokerage_amount"),
        ({"brokerage_amount": 1e15}, "brokerage_amount"),
        ({"invoice_date": "the fifth"}, "invoice_date"),
        ({"invoice_number": "N" * 51}, "invoice_number"),
        ({"customer_name": "C" * 201}, "customer_name"),
        ({"notes": "n" * 2001}, "notes"),
        ({"items": [{"name": "x", "quantity": 1, "unit_price": 1}] * 101}, "items"),
        ({"items": [{"name": "", "quantity": 1, "unit_price": 1}]}, "items"),
        ({"items": [{"name": "x", "quantity": 0, "unit_price": 1}]}, "items"),
        ({"items": [{"name": "x", "quantity": 1, "unit_price": 1.005}]}, "items"),
        ({"items": [{"name": "x", "quantity": 1, "unit_price": "NaN"}]}, "items"),
        ({"items": [{"name": "x", "quantity": 1}]}, "items"),
        ({"items": "all of them"}, "items"),
    ],
)
def test_bad_values_are_a_400_and_nothing_is_saved(staff_client, booking, change, field):
    staff_client.post(f"/api/admin/invoices/{booking.pk}/save", EDITED, format="json")
    before = list(InvoiceEdit.objects.values())

    response = staff_client.post(
        f"/api/admin/invoices/{booking.pk}/save", {**EDITED, **change}, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["detail"]
    assert body["code"]
    assert field in body["errors"]
    assert list(InvoiceEdit.objects.values()) == before


def test_an_invoice_below_zero_is_refused(staff_client, booking):
    below = {
        "items": [{"name": "Refund", "quantity": 1, "unit_price": -100}],
        "brokerage_amount": 50,
    }

    response = staff_client.post(f"/api/admin/invoices/{booking.pk}/save", below, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invoice_total_negative"
    assert not InvoiceEdit.objects.exists()


@pytest.mark.parametrize("body", [[EDITED], "text"])
def test_a_body_that_is_not_an_object_is_a_400(staff_client, booking, body):
    response = staff_client.post(f"/api/admin/invoices/{booking.pk}/save", body, format="json")

    assert response.status_code == 400
    assert not InvoiceEdit.objects.exists()


def test_saving_for_an_unknown_booking_is_a_404_and_saves_nothing(staff_client):
    response = staff_client.post("/api/admin/invoices/999999/save", EDITED, format="json")

    assert response.status_code == 404
    assert not InvoiceEdit.objects.exists()


def test_a_save_queues_the_render_of_the_new_version(
    staff_client, booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/api/admin/invoices/{booking.pk}/save", EDITED, format="json")

    queued = DBTaskResult.objects.get()
    assert queued.task_path == "bookings.tasks.invoice_render"
    booking = Booking.objects.get(pk=booking.pk)
    assert queued.args_kwargs["kwargs"] == {
        "booking_id": booking.pk,
        "version": invoices.invoice_document(booking).version,
    }


# --- POST /admin/invoices/{id}/preview -------------------------------------------------------


def test_preview_shows_the_values_without_saving_or_rendering(staff_client, booking, settings):
    response = staff_client.post(f"/api/admin/invoices/{booking.pk}/preview", EDITED, format="json")

    assert response.status_code == 200
    customer = {"name": "Asha M. Enterprises", "email": booking.user.email, "phone": "9876543210"}
    assert response.json() == expected_data(booking, customer=customer, **EDITED_FIGURES)
    assert not InvoiceEdit.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert not settings.INVOICE_DIR.exists()


def test_preview_ignores_the_saved_edit_like_the_legacy(staff_client, booking):
    staff_client.post(f"/api/admin/invoices/{booking.pk}/save", EDITED, format="json")

    preview = staff_client.post(
        f"/api/admin/invoices/{booking.pk}/preview", {"notes": "Draft"}, format="json"
    ).json()

    assert preview == expected_data(booking, notes="Draft")


def test_a_bad_preview_is_a_400(staff_client, booking):
    response = staff_client.post(
        f"/api/admin/invoices/{booking.pk}/preview", {"gst_rate": 99}, format="json"
    )

    assert response.status_code == 400
    assert "gst_rate" in response.json()["errors"]


# --- Downloads --------------------------------------------------------------------------------


@with_worker
def test_download_serves_the_saved_edit_and_so_does_the_customer_invoice(
    staff_client, customer_client, booking, task_worker, settings
):
    before = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    assert "Asha Menon" in pdf_text(before)
    staff_client.post(f"/api/admin/invoices/{booking.pk}/save", EDITED, format="json")

    download = staff_client.get(f"/api/admin/invoices/{booking.pk}/download")
    customer_copy = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    today = timezone.localdate().strftime("%Y%m%d")
    # Unquoted, as the legacy sent it: the screen's /filename="?(.+)"?/ keeps a closing quote.
    assert download["Content-Disposition"] == (
        f"attachment; filename=proforma_invoice_{booking.booking_reference}_{today}.pdf"
    )
    text = pdf_text(download)
    for expected in (
        "BRQ/2026/0042",
        "05 Jan 2026",
        "Asha M. Enterprises",
        "Hall hire",
        "Decoration",
        "999.99",
        "-500.00",
        "Brokerage",
        "250.50",
        "CGST @ 6%",
        "285.03",
        "5,320.55",
        "Paid by cheque",
    ):
        assert expected in text, expected
    assert "Birthday cake" not in text
    assert customer_copy["ETag"] != before["ETag"]  # the edit is a new version
    assert "BRQ/2026/0042" in pdf_text(customer_copy)
    # The version the customer downloaded before the edit is kept, as it was sent, apart from
    # the current one (which alone is served).
    folder = Path(settings.INVOICE_DIR, str(booking.pk))
    assert len(list(folder.glob("*.pdf"))) == 1
    kept = list((folder / invoice_edits.SUPERSEDED_FOLDER).glob("*.pdf"))
    assert len(kept) == 1
    text_before = pdf_text_of(kept[0].read_bytes())
    assert "Asha Menon" in text_before
    assert "BRQ/2026/0042" not in text_before


@with_worker
def test_a_post_download_renders_the_unsaved_values_apart(
    staff_client, customer_client, booking, settings, task_worker
):
    saved = staff_client.get(f"/api/admin/invoices/{booking.pk}/download")
    saved_text = pdf_text(saved)

    draft = staff_client.post(f"/api/admin/invoices/{booking.pk}/download", EDITED, format="json")

    assert draft.status_code == 200
    assert "BRQ/2026/0042" in pdf_text(draft)
    assert "BRQ/2026/0042" not in saved_text
    assert not InvoiceEdit.objects.exists()
    result = DBTaskResult.objects.order_by("enqueued_at").last()
    assert result is not None
    assert result.args_kwargs["kwargs"]["draft"]["invoice_number"] == "BRQ/2026/0042"
    folder = settings.INVOICE_DIR / str(booking.pk)
    assert len(list(folder.glob("*.pdf"))) == 1  # the current version stays
    assert len(list((folder / "drafts").glob("*.pdf"))) == 1
    again = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    assert again["ETag"] == saved["ETag"]  # the draft did not replace the customer's copy
    assert pdf_text(again) == saved_text


@with_worker
def test_a_get_download_takes_unsaved_values_as_custom_data(staff_client, booking, task_worker):
    response = staff_client.get(
        f"/api/admin/invoices/{booking.pk}/download/",
        {"custom_data": json.dumps({"customer_name": "Query Person"})},
    )

    assert response.status_code == 200
    assert "Query Person" in pdf_text(response)


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("get", {"data": {"custom_data": "{not json"}}),
        ("get", {"data": {"custom_data": json.dumps({"gst_rate": 50})}}),
        ("post", {"data": {"gst_rate": 50}, "format": "json"}),
    ],
)
def test_a_bad_download_is_a_400_and_renders_nothing(staff_client, booking, method, kwargs):
    response = getattr(staff_client, method)(f"/api/admin/invoices/{booking.pk}/download", **kwargs)

    assert response.status_code == 400
    assert response.json()["detail"]
    assert not DBTaskResult.objects.exists()


def test_a_download_of_an_unknown_booking_is_a_404(staff_client):
    assert staff_client.get("/api/admin/invoices/999999/download").status_code == 404


@with_worker
def test_without_a_worker_a_download_answers_503_with_retry_after(staff_client, booking, settings):
    settings.INVOICE_WAIT_SECONDS = 0.2

    response = staff_client.post(
        f"/api/admin/invoices/{booking.pk}/download", EDITED, format="json"
    )

    assert response.status_code == 503
    assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    assert response.json()["code"] == "invoice_not_ready"


def test_old_drafts_are_removed_when_a_new_one_is_written(booking, settings):
    from bookings import tasks

    first = invoices.invoice_document(booking, draft=invoices.InvoiceOverrides(notes="one"))
    tasks.invoice_render.call(
        booking_id=booking.pk,
        version=first.version,
        draft=invoices.InvoiceOverrides(notes="one").to_json(),
    )
    hour_ago = (timezone.now() - invoices.DRAFTS_KEPT_FOR - timedelta(minutes=1)).timestamp()
    import os

    os.utime(first.path, (hour_ago, hour_ago))
    recent = invoices.invoice_document(booking, draft=invoices.InvoiceOverrides(notes="two"))
    tasks.invoice_render.call(
        booking_id=booking.pk,
        version=recent.version,
        draft=invoices.InvoiceOverrides(notes="two").to_json(),
    )
    newest = invoices.invoice_document(booking, draft=invoices.InvoiceOverrides(notes="three"))
    tasks.invoice_render.call(
        booking_id=booking.pk,
        version=newest.version,
        draft=invoices.InvoiceOverrides(notes="three").to_json(),
    )

    assert not first.path.exists()  # older than DRAFTS_KEPT_FOR
    assert recent.path.exists()
    assert newest.path.exists()


# --- The admin --------------------------------------------------------------------------------


def test_staff_see_saved_edits_in_the_admin_read_only(booking):
    edit = InvoiceEdit.objects.create(booking=booking, invoice_number="BRQ-1", items=[])
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get("/admin/bookings/invoiceedit/")
    page = client.get(f"/admin/bookings/invoiceedit/{edit.pk}/change/")

    assert listing.status_code == page.status_code == 200
    assert b"BRQ-1" in listing.content
    assert b'name="_save"' not in page.content
