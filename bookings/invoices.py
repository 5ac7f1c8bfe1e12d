"""Booking invoices: figures computed here, HTML from a Django template, PDF by WeasyPrint.

A PDF is rendered at most once per booking version, in a small per-process thread pool (so a
burst of requests cannot run many 80 MB renders at once), written to INVOICE_DIR, and served
from disk by the ranged file response.
"""

import fcntl
import hashlib
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import weasyprint
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException

from bookings import pricing
from bookings.choices import BookingStatus
from bookings.models import Booking
from lebrq.db import release_database_connections
from lebrq.file_responses import file_response

TITLES = {
    BookingStatus.PENDING: "Proforma invoice",
    BookingStatus.APPROVED: "Tax invoice",
    BookingStatus.COMPLETED: "Tax invoice",
    BookingStatus.CANCELLED: "Invoice (booking cancelled)",
    BookingStatus.REJECTED: "Invoice (booking rejected)",
}


class InvoiceNotReady(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The invoice is still being prepared; please retry shortly."
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
        description = line.item.name
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


def invoice_pdf(booking: Booking) -> Path:
    """The path of the booking's current invoice PDF, rendering it first if needed.

    The file name is a version: it changes whenever the booking, one of its items, or
    anything printed (template, GST rate) changes, so a cached file is never stale.
    """
    html = render_to_string("bookings/invoice.html", {"invoice": invoice_for(booking)})
    item_stamps = [(line.pk, line.updated_at.isoformat()) for line in booking.items.all()]
    version_source = f"{booking.updated_at.isoformat()}|{item_stamps}|{html}"
    version = hashlib.sha256(version_source.encode()).hexdigest()[:24]
    path = Path(settings.INVOICE_DIR) / str(booking.pk) / f"{version}.pdf"
    if path.exists():
        return path
    # The render needs no database; don't keep a connection open while waiting for it.
    release_database_connections()
    future = _render_pool().submit(_render, html, path)
    try:
        future.result(timeout=settings.INVOICE_RENDER_TIMEOUT_SECONDS)
    except FutureTimeout:
        # The render goes on; the next request finds the file.
        raise InvoiceNotReady() from None
    return path


def invoice_response(request: HttpRequest, booking: Booking) -> HttpResponseBase:
    """The booking's invoice PDF as a ranged, conditional download (API and admin)."""
    path = invoice_pdf(booking)
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


_pool: ThreadPoolExecutor | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def _render_pool() -> ThreadPoolExecutor:
    """One pool per process, made lazily: threads do not survive gunicorn's fork."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = ThreadPoolExecutor(
                max_workers=settings.INVOICE_RENDER_WORKERS, thread_name_prefix="invoice-render"
            )
            _pool_pid = os.getpid()
        return _pool


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """A lock shared by every worker process, so one version is rendered once."""
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _render(html: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(path.parent / ".lock"):
        if path.exists():
            return
        partial = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.part")
        try:
            weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(partial)
            # Readers see the old version or the whole new one, never half a file.
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        for old in path.parent.glob("*.pdf"):
            if old != path:
                # A download of the old version that is under way keeps its open file.
                old.unlink(missing_ok=True)
