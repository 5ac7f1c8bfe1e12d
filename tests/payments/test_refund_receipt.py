"""GET /admin/refunds/{id}/invoice: a completed refund's receipt PDF (app/admin/refunds.tsx
offers it for completed refunds only and checks for application/pdf).

Rendered by the real task worker in a thread, like invoices: those tests commit their rows.
"""

import io
from datetime import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from bookings import tasks as booking_tasks
from payments import receipts, tasks
from payments.choices import RefundStatus
from tests.conftest import bearer_client
from tests.factories import BookingFactory, PaymentFactory, RefundFactory, UserFactory

pytestmark = pytest.mark.django_db
with_worker = pytest.mark.django_db(transaction=True)


def pdf_text(response) -> str:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def refund():
    customer = UserFactory(first_name="Ravi", last_name="Kumar", mobile="9123456789")
    booking = BookingFactory(user=customer, space__name="Jockey Lounge")
    processed = datetime(2026, 3, 14, 16, 45, tzinfo=timezone.get_current_timezone())
    return RefundFactory(
        payment=PaymentFactory(booking=booking),
        amount=Decimal("12345.60"),
        reason="Cancelled two weeks ahead",
        status=RefundStatus.COMPLETED,
        refund_reference="rfnd_Receipt0000001",
        processed_at=processed,
    )


def url(refund) -> str:
    return f"/api/admin/refunds/{refund.pk}/invoice"


@with_worker
@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("customer", 403), ("staff", 200)]
)
def test_authorization_matrix(refund, api_client, persona, expected, task_worker):
    client = {
        "anonymous": api_client,
        "customer": bearer_client(refund.booking.user),  # even the refunded customer
        "staff": bearer_client(UserFactory(staff=True)),
    }[persona]

    response = client.get(url(refund))

    assert response.status_code == expected
    if expected == 200:
        assert pdf_text(response)
    else:
        assert response.json()["detail"]
        assert not DBTaskResult.objects.exists()  # refused requests render nothing


@with_worker
def test_the_receipt_shows_the_customer_the_refund_and_its_total(staff_client, refund, task_worker):
    response = staff_client.get(url(refund))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    today = timezone.localdate().strftime("%Y%m%d")
    assert response["Content-Disposition"] == (
        f'attachment; filename="refund_receipt_{refund.pk}_{today}.pdf"'
    )
    text = pdf_text(response)
    for expected in (
        "REFUND RECEIPT",
        f"REF-{refund.pk}-20260314",
        "Ravi Kumar",
        refund.booking.user.email,
        "9123456789",
        f"#{refund.pk}",
        refund.booking.booking_reference,
        "Jockey Lounge",
        "12,345.60",
        "14 Mar 2026, 16:45",
        "rfnd_Receipt0000001",
        "Cancelled two weeks ahead",
        "Total refund amount",
    ):
        assert expected in text, expected


@with_worker
def test_the_worker_renders_it_once_and_the_request_serves_the_file(
    staff_client, refund, settings, task_worker
):
    with mock.patch.object(booking_tasks, "_render_pdf", wraps=booking_tasks._render_pdf) as render:
        first = staff_client.get(url(refund))
        pdf_text(first)
        second = staff_client.get(f"{url(refund)}/")  # with the trailing slash too

    assert second.status_code == 200
    assert second["ETag"] == first["ETag"]
    assert pdf_text(second)
    assert render.call_count == 1
    result = DBTaskResult.objects.get()
    assert result.task_path == "payments.tasks.refund_receipt_render"
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.worker_ids == ["test"]
    stored = list((settings.INVOICE_DIR / "refunds" / str(refund.pk)).glob("*.pdf"))
    assert [path.name for path in stored] == [result.return_value]


@with_worker
def test_a_change_to_the_refund_makes_a_new_receipt(staff_client, refund, settings, task_worker):
    first = staff_client.get(url(refund))
    pdf_text(first)
    refund.refund_reference = "rfnd_Corrected00001"
    refund.save()

    second = staff_client.get(url(refund))

    assert second["ETag"] != first["ETag"]
    assert "rfnd_Corrected00001" in pdf_text(second)
    assert len(list((settings.INVOICE_DIR / "refunds" / str(refund.pk)).glob("*.pdf"))) == 1


@pytest.mark.parametrize(
    "status", [RefundStatus.PENDING, RefundStatus.PROCESSING, RefundStatus.FAILED]
)
def test_only_a_completed_refund_has_a_receipt(staff_client, refund, status):
    refund.status = status
    refund.save()

    response = staff_client.get(url(refund))

    assert response.status_code == 400
    assert response.json() == {
        "detail": (
            f"Invoice can only be downloaded for completed refunds. Current status: {status}"
        ),
        "message": (
            f"Invoice can only be downloaded for completed refunds. Current status: {status}"
        ),
        "code": "refund_not_completed",
    }
    assert not DBTaskResult.objects.exists()


def test_an_unknown_refund_is_a_404(staff_client):
    response = staff_client.get("/api/admin/refunds/999999/invoice")

    assert response.status_code == 404
    assert response.json()["detail"] == "Refund not found"


@with_worker
def test_without_a_worker_the_request_answers_503_and_queues_one_render(
    staff_client, refund, settings
):
    settings.INVOICE_WAIT_SECONDS = 0.2

    waiting = staff_client.get(url(refund))
    retried = staff_client.get(url(refund))

    for response in (waiting, retried):
        assert response.status_code == 503
        assert response["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
        assert response.json()["code"] == "invoice_not_ready"
    queued = DBTaskResult.objects.get()
    assert queued.args_kwargs["kwargs"]["refund_id"] == refund.pk


def test_a_refund_without_a_booking_names_the_payer(refund):
    refund.booking = None
    refund.save()

    receipt = receipts.receipt_for(receipts.refund_for_receipt(refund.pk))

    assert receipt.customer_name == "Ravi Kumar"
    assert receipt.booking_reference == "N/A"


def test_the_render_task_is_idempotent_and_skips_what_has_no_receipt(refund, settings):
    document = receipts.receipt_document(refund)

    with mock.patch.object(booking_tasks, "_render_pdf", wraps=booking_tasks._render_pdf) as render:
        first = tasks.refund_receipt_render.call(refund_id=refund.pk, version=document.version)
        second = tasks.refund_receipt_render.call(refund_id=refund.pk, version=document.version)
        refund.status = RefundStatus.FAILED
        refund.save()
        failed = tasks.refund_receipt_render.call(refund_id=refund.pk, version="0" * 24)
        gone = tasks.refund_receipt_render.call(refund_id=999999, version="0" * 24)

    assert first == second == document.path.name
    assert render.call_count == 1
    assert failed is None
    assert gone is None
