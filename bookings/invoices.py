"""Booking invoices: figures computed here, HTML from a Django template, PDF by WeasyPrint.

A PDF is rendered at most once per booking version, by the `invoice_render` task
(bookings/tasks.py) in the task worker (`manage.py db_worker`), written to INVOICE_DIR and
served from disk by the ranged file response. The web workers never import WeasyPrint: a
render left ~80 MB in the worker that did it (docs/BENCHMARKS.md). A request whose PDF is
missing enqueues its render and waits up to INVOICE_WAIT_SECONDS for the file.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.tasks import TaskResultStatus
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bookings import pricing
from bookings.choices import BookingStatus
from bookings.models import Booking
from bookings.tasks import invoice_render
from lebrq.db import release_database_connections
from lebrq.errors import Unavailable
from lebrq.file_responses import file_response

# How often a waiting request looks for the file: soon (a render takes ~0.3 s once the worker
# has it), then every 0.1 s, which adds at most that to the wait and costs a stat each.
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


class InvoiceNotReady(Unavailable):
    default_message = "The invoice is still being prepared; please retry shortly."
    default_code = "invoice_not_ready"


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


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
    subtotal: Decimal
    gst_rate: Decimal
    cgst: Decimal
    sgst: Decimal
    grand_total: Decimal
    paid: Decimal
    balance_due: Decimal

    @property
    def half_gst_rate(self) -> Decimal:
        return self.gst_rate / 2

    @property
    def gst_total(self) -> Decimal:
        return self.cgst + self.sgst


def invoice_for(booking: Booking) -> Invoice:
    """The invoice of a booking loaded with its user, space, venue and items (with item)."""
    starts_at = timezone.localtime(booking.start_datetime)
    ends_at = timezone.localtime(booking.end_datetime)
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
            )
        )
    subtotal = sum((line.amount for line in lines), Decimal("0"))
    gst_rate = settings.GST_RATE_PERCENT
    # CGST and SGST are each half the rate, each rounded once; the total is their sum.
    half = pricing.money(pricing.percentage_of(subtotal, gst_rate / 2))
    grand_total = subtotal + half + half
    user = booking.user
    return Invoice(
        platform_name=settings.PLATFORM_NAME,
        title=TITLES.get(booking.status, "Invoice"),
        number=f"INV-{booking.pk:08d}",
        issued_on=timezone.localdate(booking.updated_at),
        booking_reference=booking.booking_reference,
        booked_on=timezone.localdate(booking.created_at),
        customer_name=user.display_name,
        customer_email=user.email or "",
        customer_mobile=user.mobile,
        venue_name=booking.venue.name,
        space_name=booking.space.name,
        starts_at=starts_at,
        ends_at=ends_at,
        lines=tuple(lines),
        subtotal=subtotal,
        gst_rate=gst_rate,
        cgst=half,
        sgst=half,
        grand_total=grand_total,
        paid=booking.paid_amount,
        balance_due=max(grand_total - booking.paid_amount, Decimal("0")),
    )


@dataclass(frozen=True)
class InvoiceDocument:
    """A booking's invoice as HTML, and the PDF file its current version is stored in.

    The file name is a version: it changes whenever the booking, one of its items, or
    anything printed (template, GST rate) changes, so a stored file is never stale.
    """

    html: str
    path: Path

    @property
    def version(self) -> str:
        return self.path.stem


def invoice_document(booking: Booking) -> InvoiceDocument:
    """The booking's invoice now; `booking` as booking_list_with_items() loads it."""
    html = render_to_string("bookings/invoice.html", {"invoice": invoice_for(booking)})
    item_stamps = [(line.pk, line.updated_at.isoformat()) for line in booking.items.all()]
    version_source = f"{booking.updated_at.isoformat()}|{item_stamps}|{html}"
    version = hashlib.sha256(version_source.encode()).hexdigest()[:24]
    return InvoiceDocument(html=html, path=invoice_path(booking.pk, version))


def invoice_path(booking_id: int, version: str) -> Path:
    """Where that version of the booking's invoice PDF is stored (by the task worker)."""
    return Path(settings.INVOICE_DIR) / str(booking_id) / f"{version}.pdf"


def invoice_response(request: HttpRequest, booking: Booking) -> HttpResponseBase:
    """The booking's invoice PDF as a ranged, conditional download (API and admin).

    Raises InvoiceNotReady (503 + Retry-After) when the task worker has not written the
    current version's file within INVOICE_WAIT_SECONDS; its render carries on.
    """
    document = invoice_document(booking)
    path = document.path
    if not path.exists():
        enqueue_render_unless_pending(booking.pk, document.version)
        # The worker needs nothing from this request: don't hold a connection while waiting.
        release_database_connections()
        if not wait_for_file(path, timeout=settings.INVOICE_WAIT_SECONDS):
            raise InvoiceNotReady()
    response = file_response(
        request,
        path=path,
        content_type="application/pdf",
        filename=f"invoice_{booking.booking_reference}.pdf",
        attachment=True,
        x_accel_redirect=settings.INVOICE_X_ACCEL_PREFIX + f"{path.parent.name}/{path.name}",
    )
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


def enqueue_render_unless_pending(booking_id: int, version: str) -> None:
    """Queue the render of this version unless a task for it is waiting or running.

    Without the check, every retry of a waiting client (and every request while the worker
    is down) would add a task. Two requests racing may both enqueue; the task is idempotent,
    so the second one renders nothing.
    """
    pending = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(
            status=TaskResultStatus.RUNNING,
            started_at__gte=timezone.now() - RENDER_PRESUMED_LOST_AFTER,
        ),
        task_path=invoice_render.module_path,
        args_kwargs__kwargs__booking_id=booking_id,
        args_kwargs__kwargs__version=version,
    )
    # The task writes the file before it is marked finished: a render that finished since the
    # caller looked left its file, so look again rather than queue it twice.
    if not pending.exists() and not invoice_path(booking_id, version).exists():
        invoice_render.enqueue(booking_id=booking_id, version=version)


def wait_for_file(path: Path, *, timeout: float) -> bool:
    """Whether `path` exists, looking again until `timeout` seconds have passed.

    The task writes the file under a temporary name and renames it, so once it exists it is
    whole.
    """
    deadline = time.monotonic() + timeout
    pause = FIRST_POLL_SECONDS
    while not path.exists():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, LONGEST_POLL_SECONDS)
    return True
