"""Invoice PDFs with a bucket (lebrq.object_storage): the task worker writes them there, older
versions go, and the download is a redirect, after the access check, to a presigned URL whose
answer carries the range asked for. The same writer and response serve refund receipts,
salary slips and the vendors' sheets.

The bucket is moto's S3 server on loopback (tests/fake_s3.py); the task worker a real
db_worker loop in a thread (tests/task_worker.py), so rows are committed.
"""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone
from pypdf import PdfReader

from bookings import invoice_edits, invoices, tasks
from bookings.services import BookingRequest, booking_create
from tests.conftest import bearer_client
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def booking(customer):
    space = SpaceFactory(name="Grant Hall", price_per_hour=Decimal("1000.00"))
    day = timezone.localdate() + timedelta(days=9)
    start = timezone.make_aware(datetime.combine(day, time(18)))
    booking, _ = booking_create(
        user=customer,
        request=BookingRequest(space_id=space.pk, start=start, end=start + timedelta(hours=3)),
    )
    return booking


def invoice_keys(bucket, booking) -> list[str]:
    return [key for key in bucket.keys(f"invoices/{booking.pk}/") if key.count("/") == 2]


def test_the_worker_writes_the_invoice_to_the_bucket_and_the_download_is_ranged(
    bucket, booking, customer_client, task_worker, settings
):
    response = customer_client.get(f"/api/bookings/{booking.pk}/invoice", HTTP_RANGE="bytes=0-99")

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    version = invoices.invoice_document(booking).version
    assert invoice_keys(bucket, booking) == [f"invoices/{booking.pk}/{version}.pdf"]
    stored = bucket.read(f"invoices/{booking.pk}/{version}.pdf")
    assert stored.startswith(b"%PDF-")
    assert bucket.head(f"invoices/{booking.pk}/{version}.pdf")["ContentType"] == "application/pdf"
    ranged = httpx.get(response["Location"], headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert ranged.content == stored[:100]
    assert ranged.headers["Content-Type"] == "application/pdf"
    assert ranged.headers["Content-Disposition"] == (
        f'attachment; filename="invoice_{booking.booking_reference}.pdf"'
    )
    whole = httpx.get(response["Location"])
    assert whole.content == stored
    assert "PROFORMA INVOICE" in PdfReader(io.BytesIO(whole.content)).pages[0].extract_text()
    assert not settings.INVOICE_DIR.exists()


def test_a_new_version_replaces_the_old_object(bucket, booking, customer_client, task_worker):
    first = customer_client.get(f"/api/bookings/{booking.pk}/invoice")
    first_key = f"invoices/{booking.pk}/{invoices.invoice_document(booking).version}.pdf"
    assert invoice_keys(bucket, booking) == [first_key]

    booking.paid_amount = Decimal("1000.00")
    booking.save()
    second = customer_client.get(f"/api/bookings/{booking.pk}/invoice")

    second_key = f"invoices/{booking.pk}/{invoices.invoice_document(booking).version}.pdf"
    assert second_key != first_key
    assert first.status_code == second.status_code == 302
    assert invoice_keys(bucket, booking) == [second_key]
    assert httpx.get(second["Location"]).content == bucket.read(second_key)


def test_another_customer_gets_no_url(bucket, booking, task_worker):
    response = bearer_client(UserFactory()).get(f"/api/bookings/{booking.pk}/invoice")

    assert response.status_code == 403  # as from the disk (test_invoices.py)
    assert "Location" not in response


def test_drafts_are_kept_for_a_while_then_removed(bucket, booking, monkeypatch):
    def render_draft(notes: str) -> str:
        draft = invoices.InvoiceOverrides(notes=notes)
        document = invoices.invoice_document(booking, draft=draft)
        tasks.invoice_render.call(
            booking_id=booking.pk, version=document.version, draft=draft.to_json()
        )
        return f"invoices/{booking.pk}/drafts/{document.path.name}"

    first = render_draft("one")
    second = render_draft("two")
    assert bucket.keys(f"invoices/{booking.pk}/drafts/") == sorted([first, second])

    later = timezone.now() + invoices.DRAFTS_KEPT_FOR + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    third = render_draft("three")

    assert bucket.keys(f"invoices/{booking.pk}/drafts/") == [third]


def test_staff_edit_keeps_the_superseded_invoice_in_the_bucket(bucket, booking):
    document = invoices.invoice_document(booking)
    tasks.invoice_render.call(booking_id=booking.pk, version=document.version)

    kept = invoice_edits.keep_superseded(booking)

    assert kept is not None
    kept_key = f"invoices/{booking.pk}/superseded/{kept.name}"
    assert bucket.keys(f"invoices/{booking.pk}/superseded/") == [kept_key]
    assert bucket.read(kept_key) == bucket.read(f"invoices/{booking.pk}/{document.path.name}")
