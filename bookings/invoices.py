"""Booking invoices: figures computed here, HTML from a Django template, PDF by WeasyPrint.

A PDF is rendered at most once per booking version, by the `invoice_render` task
(bookings/tasks.py) in the task worker (`manage.py db_worker`), written to INVOICE_DIR and
served from disk by the ranged file response (with a bucket: written there, and served by a
redirect to a presigned URL, lebrq.object_storage). The web workers never import WeasyPrint: a
render left ~80 MB in the worker that did it (docs/BENCHMARKS.md). A request whose PDF is
missing enqueues its render and waits up to INVOICE_WAIT_SECONDS for the file.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Self

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.tasks import Task, TaskResultStatus
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import pricing
from bookings.choices import BookingStatus
from bookings.models import Booking, InvoiceEdit
from bookings.tasks import invoice_render
from lebrq.db import release_database_connections
from lebrq.errors import Unavailable
from lebrq.file_responses import file_response
from lebrq.object_storage import bucket_redirect, pdf_bucket, pdf_exists, pdf_name

# How often a waiting request looks for the file: soon (a render takes ~0.3 s once the worker
# has it), then every 0.1 s, which adds at most that to the wait and costs a stat each (with
# a bucket, a HEAD request each: ~4 ms on loopback).
FIRST_POLL_SECONDS = 0.05
LONGEST_POLL_SECONDS = 0.1
# A render takes well under a second: a task still running after this lost its worker (killed
# mid-render) and must not stop a new one from being queued.
RENDER_PRESUMED_LOST_AFTER = timedelta(minutes=5)

TITLES: dict[str, str] = {
    BookingStatus.PENDING_PAYMENT: "Proforma invoice",
    BookingStatus.PENDING: "Proforma invoice",
    BookingStatus.APPROVED: "Tax invoice",
    BookingStatus.COMPLETED: "Tax invoice",
    BookingStatus.CANCELLED: "Invoice (booking cancelled)",
    BookingStatus.REJECTED: "Invoice (booking rejected)",
}


TAX_INVOICE_STATUSES = (BookingStatus.APPROVED, BookingStatus.COMPLETED)
PROFORMA_INVOICE_STATUSES = (BookingStatus.PENDING_PAYMENT, BookingStatus.PENDING)

# Staff's unsaved versions (POST /admin/invoices/{id}/download with a body) are rendered into
# this folder of the booking's, apart from its current version, and kept this long: a staff
# member may still be waiting for one while another renders.
DRAFTS_FOLDER = "drafts"
DRAFTS_KEPT_FOR = timedelta(hours=1)


class InvoiceNotReady(Unavailable):
    default_message = "The invoice is still being prepared; please retry shortly."
    default_code = "invoice_not_ready"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    # The booking's line (BookingItem) and catalog item it shows; None for the hire and for
    # lines staff wrote.
    booking_item_id: int | None = None
    item_id: int | None = None


@dataclass(frozen=True)
class EditedLine:
    """A line staff wrote on an invoice: its total is computed, never taken from them."""

    name: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return pricing.money(self.unit_price * self.quantity)


@dataclass(frozen=True)
class InvoiceOverrides:
    """Values staff set on an invoice, saved (InvoiceEdit) or a draft (preview, download).

    An empty or None field keeps the computed value; empty `lines` keeps the booking's lines.
    Bounds are checked before these are built (bookings.invoice_edits).
    """

    invoice_number: str = ""
    invoice_date: date | None = None
    customer_name: str = ""
    gst_rate: Decimal | None = None
    brokerage_amount: Decimal | None = None
    notes: str = ""
    lines: tuple[EditedLine, ...] = field(default_factory=tuple)

    @classmethod
    def from_edit(cls, edit: InvoiceEdit) -> Self:
        return cls(
            invoice_number=edit.invoice_number,
            invoice_date=edit.invoice_date,
            customer_name=edit.customer_name,
            gst_rate=edit.gst_rate,
            brokerage_amount=edit.brokerage_amount,
            notes=edit.notes,
            lines=cls.lines_from_json(edit.items),
        )

    @staticmethod
    def lines_from_json(items: Any) -> tuple[EditedLine, ...]:
        return tuple(
            EditedLine(
                name=str(item["name"]),
                quantity=int(item["quantity"]),
                unit_price=Decimal(str(item["unit_price"])),
            )
            for item in items or ()
        )

    def lines_json(self) -> list[dict[str, Any]]:
        """The lines as InvoiceEdit.items stores them (prices as exact decimal strings)."""
        return [
            {"name": line.name, "quantity": line.quantity, "unit_price": str(line.unit_price)}
            for line in self.lines
        ]

    def to_json(self) -> dict[str, Any]:
        """A form a task's arguments can carry (JSON); from_json reads it back."""
        return {
            "invoice_number": self.invoice_number,
            "invoice_date": self.invoice_date.isoformat() if self.invoice_date else None,
            "customer_name": self.customer_name,
            "gst_rate": None if self.gst_rate is None else str(self.gst_rate),
            "brokerage_amount": (
                None if self.brokerage_amount is None else str(self.brokerage_amount)
            ),
            "notes": self.notes,
            "items": self.lines_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        def decimal_or_none(value: Any) -> Decimal | None:
            return None if value is None else Decimal(str(value))

        invoice_date = data.get("invoice_date")
        return cls(
            invoice_number=data.get("invoice_number") or "",
            invoice_date=date.fromisoformat(invoice_date) if invoice_date else None,
            customer_name=data.get("customer_name") or "",
            gst_rate=decimal_or_none(data.get("gst_rate")),
            brokerage_amount=decimal_or_none(data.get("brokerage_amount")),
            notes=data.get("notes") or "",
            lines=cls.lines_from_json(data.get("items")),
        )


@dataclass(frozen=True)
class Invoice:
    """Everything printed on a booking's invoice. Each amount is rounded once, to paise."""

    platform_name: str
    title: str
    number: str
    issued_on: date
    booking_reference: str
    booked_on: date
    customer_name: str
    customer_email: str
    customer_mobile: str
    venue_name: str
    space_name: str
    starts_at: datetime
    ends_at: datetime
    lines: tuple[InvoiceLine, ...]
    brokerage: Decimal
    subtotal: Decimal
    gst_rate: Decimal
    cgst: Decimal
    sgst: Decimal
    grand_total: Decimal
    paid: Decimal
    balance_due: Decimal
    notes: str = ""
    is_tax_invoice: bool = False
    is_proforma_invoice: bool = False

    @property
    def kind(self) -> str:
        """The legacy's name for the kind of invoice, in its download file names."""
        if self.is_tax_invoice:
            return "tax_invoice"
        return "proforma_invoice" if self.is_proforma_invoice else "invoice"

    @property
    def half_gst_rate(self) -> Decimal:
        return self.gst_rate / 2

    @property
    def gst_total(self) -> Decimal:
        return self.cgst + self.sgst


def invoice_for(booking: Booking, overrides: InvoiceOverrides | None = None) -> Invoice:
    """The invoice of a booking loaded with its user, space, venue and items (with item), with
    staff's values where they set any."""
    edit = overrides or InvoiceOverrides()
    starts_at = timezone.localtime(booking.start_datetime)
    ends_at = timezone.localtime(booking.end_datetime)
    if edit.lines:
        lines = [
            InvoiceLine(
                description=line.name,
                quantity=Decimal(line.quantity),
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in edit.lines
        ]
    else:
        lines = _booking_lines(booking, starts_at, ends_at)
    brokerage = edit.brokerage_amount or Decimal("0")
    subtotal = sum((line.amount for line in lines), brokerage)
    gst_rate = settings.GST_RATE_PERCENT if edit.gst_rate is None else edit.gst_rate
    # CGST and SGST are each half the rate, each rounded once; the total is their sum.
    half = pricing.money(pricing.percentage_of(subtotal, gst_rate / 2))
    grand_total = subtotal + half + half
    user = booking.user
    return Invoice(
        platform_name=settings.PLATFORM_NAME,
        title=TITLES.get(booking.status, "Invoice"),
        number=edit.invoice_number or default_invoice_number(booking.pk),
        issued_on=edit.invoice_date or timezone.localdate(booking.updated_at),
        booking_reference=booking.booking_reference,
        booked_on=timezone.localdate(booking.created_at),
        customer_name=edit.customer_name or user.display_name,
        customer_email=user.email or "",
        customer_mobile=user.mobile,
        venue_name=booking.venue.name,
        space_name=booking.space.name,
        starts_at=starts_at,
        ends_at=ends_at,
        lines=tuple(lines),
        brokerage=brokerage,
        subtotal=subtotal,
        gst_rate=gst_rate,
        cgst=half,
        sgst=half,
        grand_total=grand_total,
        paid=booking.paid_amount,
        balance_due=max(grand_total - booking.paid_amount, Decimal("0")),
        notes=edit.notes,
        is_tax_invoice=booking.status in TAX_INVOICE_STATUSES,
        is_proforma_invoice=booking.status in PROFORMA_INVOICE_STATUSES,
    )


def default_invoice_number(booking_id: int) -> str:
    return f"INV-{booking_id:08d}"


def _booking_lines(booking: Booking, starts_at: datetime, ends_at: datetime) -> list[InvoiceLine]:
    hours = pricing.booked_hours(booking.start_datetime, booking.end_datetime)
    lines = [
        InvoiceLine(
            description=(
                f"Hire of {booking.space.name}, {starts_at:%d %b %Y %H:%M}-{ends_at:%H:%M}"
                f" ({hours.normalize():f} h)"
            ),
            quantity=Decimal(1),
            unit_price=booking.space_amount,
            amount=booking.space_amount,
        )
    ]
    for line in booking.items.all():
        description = line.name
        if line.hours_used:
            description += f" ({line.hours_used.normalize():f} h)"
        lines.append(
            InvoiceLine(
                description=description,
                quantity=Decimal(line.quantity),
                unit_price=line.unit_price,
                amount=line.total_price,
                booking_item_id=line.pk,
                item_id=line.item_id,
            )
        )
    return lines


@dataclass(frozen=True)
class InvoiceDocument:
    """A booking's invoice as HTML, and the PDF file its current version is stored in.

    The file name is a version: it changes whenever the booking, one of its items, staff's
    edit of the invoice, or anything printed (template, GST rate) changes, so a stored file is
    never stale.
    """

    invoice: Invoice
    html: str
    path: Path

    @property
    def version(self) -> str:
        return self.path.stem


def saved_overrides(booking_id: int) -> InvoiceOverrides | None:
    edit = InvoiceEdit.objects.filter(booking_id=booking_id).first()
    return InvoiceOverrides.from_edit(edit) if edit is not None else None


def invoice_document(booking: Booking, *, draft: InvoiceOverrides | None = None) -> InvoiceDocument:
    """The booking's invoice now, with staff's saved edit if any; or, given a `draft`, with
    those values instead (stored apart, in the drafts folder). `booking` as
    booking_list_with_items() loads it."""
    overrides = saved_overrides(booking.pk) if draft is None else draft
    invoice = invoice_for(booking, overrides)
    html = render_to_string("bookings/invoice.html", {"invoice": invoice})
    item_stamps = [(line.pk, line.updated_at.isoformat()) for line in booking.items.all()]
    edit_stamp = overrides.to_json() if overrides is not None else None
    version_source = f"{booking.updated_at.isoformat()}|{item_stamps}|{edit_stamp}|{html}"
    version = hashlib.sha256(version_source.encode()).hexdigest()[:24]
    path = invoice_path(booking.pk, version)
    if draft is not None:
        path = path.parent / DRAFTS_FOLDER / path.name
    return InvoiceDocument(invoice=invoice, html=html, path=path)


def invoice_path(booking_id: int, version: str) -> Path:
    """Where that version of the booking's invoice PDF is stored (by the task worker)."""
    return Path(settings.INVOICE_DIR) / str(booking_id) / f"{version}.pdf"


def invoice_response(
    request: HttpRequest,
    booking: Booking,
    *,
    draft: InvoiceOverrides | None = None,
    filename: str | None = None,
) -> HttpResponseBase:
    """The booking's invoice PDF (or, given a `draft`, staff's unsaved version of it) as a
    ranged, conditional download (API and admin).

    Raises InvoiceNotReady (503 + Retry-After) when the task worker has not written the
    current version's file within INVOICE_WAIT_SECONDS; its render carries on.
    """
    document = invoice_document(booking, draft=draft)

    def enqueue() -> None:
        extra = {"draft": draft.to_json()} if draft is not None else {}
        enqueue_unless_pending(
            invoice_render,
            document.path,
            identity={"booking_id": booking.pk, "version": document.version},
            **extra,
        )

    return pdf_response(
        request,
        path=document.path,
        filename=filename or f"invoice_{booking.booking_reference}.pdf",
        enqueue=enqueue,
    )


def pdf_response(
    request: HttpRequest, *, path: Path, filename: str, enqueue: Callable[[], None]
) -> HttpResponseBase:
    """A PDF under INVOICE_DIR that the task worker renders, as a ranged download.

    If the file is missing, `enqueue` queues its render (enqueue_unless_pending) and the
    request waits up to INVOICE_WAIT_SECONDS for it, holding no database connection, then
    raises InvoiceNotReady. Invoices and refund receipts (payments) are served by it.
    """
    if not pdf_exists(path):
        enqueue()
        # The worker needs nothing from this request: don't hold a connection while waiting.
        release_database_connections()
        if not wait_for_file(path, timeout=settings.INVOICE_WAIT_SECONDS):
            raise InvoiceNotReady()
    cache_control = "private, max-age=0, must-revalidate"
    bucket = pdf_bucket()
    if bucket is not None:
        return bucket_redirect(
            request,
            bucket,
            pdf_name(path),
            content_type="application/pdf",
            filename=filename,
            attachment=True,
            cache_control=cache_control,
        )
    relative = path.relative_to(Path(settings.INVOICE_DIR)).as_posix()
    response = file_response(
        request,
        path=path,
        content_type="application/pdf",
        filename=filename,
        attachment=True,
        x_accel_redirect=settings.INVOICE_X_ACCEL_PREFIX + relative,
    )
    response["Cache-Control"] = cache_control
    return response


def enqueue_render_unless_pending(booking_id: int, version: str) -> None:
    """Queue the render of this version of the booking's invoice unless one is pending."""
    enqueue_unless_pending(
        invoice_render,
        invoice_path(booking_id, version),
        identity={"booking_id": booking_id, "version": version},
    )


def enqueue_unless_pending(
    task: Task[..., Any], path: Path, *, identity: dict[str, Any], **extra: Any
) -> None:
    """Enqueue `task(**identity, **extra)`, which writes `path`, unless a task with the same
    `identity` arguments is waiting or running, or the file is there.

    Without the check, every retry of a waiting client (and every request while the worker
    is down) would add a task. Two requests racing may both enqueue; the render tasks are
    idempotent, so the second one renders nothing.
    """
    pending = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(
            status=TaskResultStatus.RUNNING,
            started_at__gte=timezone.now() - RENDER_PRESUMED_LOST_AFTER,
        ),
        task_path=task.module_path,
        **{f"args_kwargs__kwargs__{name}": value for name, value in identity.items()},
    )
    # The task writes the file before it is marked finished: a render that finished since the
    # caller looked left its file, so look again rather than queue it twice.
    if not pending.exists() and not pdf_exists(path):
        task.enqueue(**identity, **extra)


def wait_for_file(path: Path, *, timeout: float) -> bool:
    """Whether the PDF at `path` exists (on the disk or in the bucket), looking again until
    `timeout` seconds have passed.

    The task writes the file under a temporary name and renames it, so once it exists it is
    whole.
    """
    deadline = time.monotonic() + timeout
    pause = FIRST_POLL_SECONDS
    while not pdf_exists(path):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, LONGEST_POLL_SECONDS)
    return True
