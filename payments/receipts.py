"""Refund receipts: the PDF staff download for a completed refund (GET
/admin/refunds/{id}/invoice, app/admin/refunds.tsx).

Rendered like invoices (docs/DESIGN.md, Background tasks): by the `refund_receipt_render` task
in the task worker, with bookings.tasks' writer, into INVOICE_DIR/refunds/<id>/<version>.pdf,
and served from the file by bookings.invoices' pdf_response (503 + Retry-After past
INVOICE_WAIT_SECONDS). No web worker holds the PDF.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone

from bookings.invoices import enqueue_unless_pending, pdf_response
from lebrq.errors import InvalidInput, NotFound
from payments.choices import RefundStatus
from payments.models import Refund
from payments.tasks import refund_receipt_render

RECEIPTS_FOLDER = "refunds"


class RefundNotFound(NotFound):
    default_message = "Refund not found"
    default_code = "refund_not_found"


class RefundNotCompleted(InvalidInput):
    """The legacy's 400: only a refund the gateway completed has a receipt."""

    default_message = "Invoice can only be downloaded for completed refunds."
    default_code = "refund_not_completed"


@dataclass(frozen=True)
class RefundReceipt:
    """Everything printed on a refund receipt."""

    platform_name: str
    number: str
    refund_id: int
    amount: Decimal
    processed_at: datetime | None
    refund_reference: str
    refund_method: str
    reason: str
    booking_reference: str
    venue_name: str
    space_name: str
    customer_name: str
    customer_email: str
    customer_mobile: str


@dataclass(frozen=True)
class ReceiptDocument:
    html: str
    path: Path

    @property
    def version(self) -> str:
        return self.path.stem


def refund_for_receipt(refund_id: int) -> Refund:
    """The refund with its booking (space, venue, customer) and payment; RefundNotFound."""
    refund = (
        Refund.objects.select_related(
            "booking__user", "booking__space", "booking__venue", "payment__user"
        )
        .defer(
            "gateway_response",
            "booking__user__password",
            "payment__user__password",
            "payment__gateway_response",
        )
        .filter(pk=refund_id)
        .first()
    )
    if refund is None:
        raise RefundNotFound()
    return refund


def receipt_for(refund: Refund) -> RefundReceipt:
    booking = refund.booking
    user = booking.user if booking is not None else None
    if user is None and refund.payment is not None:
        user = refund.payment.user
    processed_at = timezone.localtime(refund.processed_at) if refund.processed_at else None
    stamp = processed_at or timezone.localtime(refund.created_at)
    return RefundReceipt(
        platform_name=settings.PLATFORM_NAME,
        number=f"REF-{refund.pk}-{stamp:%Y%m%d}",
        refund_id=refund.pk,
        amount=refund.amount,
        processed_at=processed_at,
        refund_reference=refund.refund_reference or "N/A",
        refund_method=refund.refund_method or "Original payment method",
        reason=refund.reason or "N/A",
        booking_reference=booking.booking_reference if booking is not None else "N/A",
        venue_name=booking.venue.name if booking is not None else "",
        space_name=booking.space.name if booking is not None else "",
        customer_name=user.display_name if user is not None else "",
        customer_email=(user.email or user.username) if user is not None else "",
        customer_mobile=(user.mobile if user is not None else "") or "N/A",
    )


def receipt_document(refund: Refund) -> ReceiptDocument:
    """The receipt's HTML and the file of its current version (the name changes with the
    refund's row and with anything printed)."""
    html = render_to_string("payments/refund_receipt.html", {"receipt": receipt_for(refund)})
    source = f"{refund.updated_at.isoformat()}|{html}"
    version = hashlib.sha256(source.encode()).hexdigest()[:24]
    path = Path(settings.INVOICE_DIR) / RECEIPTS_FOLDER / str(refund.pk) / f"{version}.pdf"
    return ReceiptDocument(html=html, path=path)


def refund_receipt_response(request: HttpRequest, refund_id: int) -> HttpResponseBase:
    """The completed refund's receipt PDF, as a ranged download; RefundNotFound,
    RefundNotCompleted, or InvoiceNotReady (503) while the worker has not written it."""
    refund = refund_for_receipt(refund_id)
    if refund.status != RefundStatus.COMPLETED:
        raise RefundNotCompleted(
            f"Invoice can only be downloaded for completed refunds. Current status: {refund.status}"
        )
    document = receipt_document(refund)
    return pdf_response(
        request,
        path=document.path,
        filename=f"refund_receipt_{refund.pk}_{timezone.localdate():%Y%m%d}.pdf",
        enqueue=lambda: enqueue_unless_pending(
            refund_receipt_render,
            document.path,
            identity={"refund_id": refund.pk, "version": document.version},
        ),
    )
