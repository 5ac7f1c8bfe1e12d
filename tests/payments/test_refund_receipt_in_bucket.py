"""A refund receipt with a bucket (lebrq.object_storage): written there by the task worker and
downloaded through a redirect to a presigned URL after the staff check; the customer gets no
URL. The bucket is moto's S3 server on loopback (tests/fake_s3.py)."""

from datetime import datetime
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone

from payments.choices import RefundStatus
from tests.conftest import bearer_client
from tests.factories import BookingFactory, PaymentFactory, RefundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def refund():
    processed = datetime(2026, 3, 14, 16, 45, tzinfo=timezone.get_current_timezone())
    return RefundFactory(
        payment=PaymentFactory(booking=BookingFactory()),
        amount=Decimal("12345.60"),
        status=RefundStatus.COMPLETED,
        processed_at=processed,
    )


def test_the_receipt_is_written_to_the_bucket_and_served_by_a_redirect(
    bucket, refund, task_worker, settings
):
    response = bearer_client(UserFactory(staff=True)).get(f"/api/admin/refunds/{refund.pk}/invoice")

    assert response.status_code == 302
    [key] = bucket.keys(f"invoices/refunds/{refund.pk}/")
    assert key.endswith(".pdf")
    served = httpx.get(response["Location"], headers={"Range": "bytes=0-4"})
    assert served.status_code == 206
    assert served.content == b"%PDF-"
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith(
        f'attachment; filename="refund_receipt_{refund.pk}_'
    )
    assert not settings.INVOICE_DIR.exists()


def test_the_refunded_customer_gets_no_url(bucket, refund, task_worker):
    response = bearer_client(refund.booking.user).get(f"/api/admin/refunds/{refund.pk}/invoice")

    assert response.status_code == 403
    assert "Location" not in response
    assert bucket.keys() == []
