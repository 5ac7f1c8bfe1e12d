"""The vendor's PDFs: the order sheet (POST /vendor/orders/pdf) and the payment invoice
(GET /vendor/payments/invoice?format=pdf).

Rendered like invoices and salary slips (docs/DESIGN.md, Background tasks): the task worker
writes them with bookings.tasks' writer under INVOICE_DIR, named by a hash of the printed
page, and bookings.invoices' pdf_response streams the file (503 + Retry-After past
INVOICE_WAIT_SECONDS). The page is built from our rows, never from what the browser sent:
the order sheet takes only the ids of the lines the screen shows, and only the vendor's own.
"""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import groupby
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import VendorProfile
from bookings.invoices import enqueue_unless_pending, pdf_response
from bookings.models import BookingItem
from vendors import selectors

# lebrq.api.fields.NAIVE_FORMAT, which this module may not import (no DRF below the API).
NAIVE_FORMAT = "%Y-%m-%dT%H:%M:%S"
ORDERS_FOLDER = "vendor-orders"
INVOICES_FOLDER = "vendor-invoices"
# The order sheet prints at most this many lines (the orders list's own cap).
ORDER_SHEET_MAX_LINES = selectors.VENDOR_ORDERS_MAX


@dataclass(frozen=True)
class Document:
    html: str
    path: Path
    filename: str
    # What the document covers, as its render task is given it (the order sheet's line ids).
    selection: str

    @property
    def version(self) -> str:
        return self.path.stem


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _document(folder: str, owner: int, selection: str, html: str, filename: str) -> Document:
    # One folder per vendor and selection: the writer removes the older versions of a
    # document in its folder, and two selections must not remove each other's.
    path = (
        Path(settings.INVOICE_DIR) / folder / str(owner) / _hash(selection) / f"{_hash(html)}.pdf"
    )
    return Document(html=html, path=path, filename=filename, selection=selection)


def customer_name(line: BookingItem) -> str:
    return line.booking.user.display_name


def venue_address(line: BookingItem) -> str:
    venue = line.booking.venue
    return ", ".join(part for part in (venue.address, venue.city) if part)


def order_sheet(vendor: VendorProfile, ids: Iterable[int]) -> Document | None:
    """The vendor's lines among `ids`, grouped by booking; None when none of them is theirs."""
    wanted = sorted(set(ids))[:ORDER_SHEET_MAX_LINES]
    lines = list(selectors.vendor_orders_by_ids(vendor, wanted))
    if not lines:
        return None
    groups = []
    for _, rows in groupby(lines, key=lambda line: line.booking_id):
        booked = list(rows)
        first = booked[0]
        groups.append(
            {
                "reference": first.booking.booking_reference or f"#{first.booking_id}",
                "event_date": first.event_date,
                "event_type": first.booking.event_type,
                "venue": first.booking.venue.name,
                "address": venue_address(first),
                "customer": customer_name(first),
                "lines": booked,
                "total": sum((line.total_price for line in booked), Decimal("0")),
            }
        )
    html = render_to_string(
        "vendors/order_sheet.html",
        {
            "platform_name": settings.PLATFORM_NAME,
            "vendor": vendor,
            "groups": groups,
            "count": len(lines),
        },
    )
    selection = ",".join(str(line.pk) for line in lines)
    filename = f"orders_{timezone.localdate():%Y%m%d}.pdf"
    return _document(ORDERS_FOLDER, vendor.pk, selection, html, filename)


@dataclass(frozen=True)
class InvoiceRequest:
    """What the invoice covers: the summary's window and filters, on the day it is asked."""

    vendor_id: int
    period: str
    include_unverified: bool
    settled_only: bool
    booking_id: int | None
    day: date

    def selection(self) -> str:
        return json.dumps(self.as_kwargs(), sort_keys=True)

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "vendor_id": self.vendor_id,
            # A plain string (the query gives a SummaryPeriod, the task a str): the invoice's
            # number and folder are hashed from these, and both sides must agree.
            "period": str(self.period),
            "include_unverified": self.include_unverified,
            "settled_only": self.settled_only,
            "booking_id": self.booking_id,
            "day": self.day.isoformat(),
        }


def invoice_data(request: InvoiceRequest) -> dict[str, Any] | None:
    """The legacy's invoice (JSON form): the summary's lines, filtered to one booking and to
    settled lines as asked; None when no line is left. A TAX INVOICE when every line is
    settled, else a PROFORMA INVOICE."""
    vendor = selectors.vendor_get(request.vendor_id)
    window = selectors.summary_window(request.period)
    lines = selectors.summary_lines(
        vendor.pk, window, include_unverified=request.include_unverified
    )
    if request.booking_id is not None:
        lines = lines.filter(booking_id=request.booking_id)
    if request.settled_only:
        lines = lines.filter(payment_settled=True)
    rows = list(
        lines.select_related("booking", "item")
        .defer("item__performance_team_profile", "item__profile_info")
        .order_by("event_date", "id")[: selectors.SUMMARY_LINES_MAX]
    )
    if not rows:
        return None
    items = [summary_item(line) for line in rows]
    total = sum((line_amount(line) for line in rows), Decimal("0"))
    every_settled = all(line.payment_settled for line in rows)
    # Stable for a day and a selection, so the same request finds the same PDF.
    number = f"INV-{vendor.pk}-{request.day:%Y%m%d}-{_hash(request.selection())[:6].upper()}"
    return {
        "invoice_number": number,
        "issue_date": request.day.isoformat(),
        "invoice_type": "TAX INVOICE" if every_settled else "PROFORMA INVOICE",
        "vendor": {
            "company_name": vendor.company_name,
            "contact_email": vendor.contact_email,
            "contact_phone": vendor.contact_phone,
        },
        "period": window.period.label,
        "start_date": window.start.date().isoformat(),
        "end_date": window.end.date().isoformat(),
        "items": items,
        "total_amount": total,
        "total_items": len(items),
    }


def line_amount(line: BookingItem) -> Decimal:
    """What the vendor is paid for the line, as selectors.summary_lines annotated it."""
    amount: Decimal = line.vendor_amount  # type: ignore[attr-defined]
    return amount


def summary_item(line: BookingItem) -> dict[str, Any]:
    """One line of the settlement summary and invoice, as vendor_payments.py answered it."""
    unit = line.item.vendor_price if line.item is not None and line.item.vendor_price else None
    return {
        "booking_item_id": line.pk,
        "booking_id": line.booking_id,
        "booking_reference": line.booking.booking_reference,
        "item_name": line.name or (line.item.name if line.item is not None else ""),
        "item_image_url": line.image_url or None,
        "quantity": line.quantity,
        "unit_price": unit or Decimal("0"),
        "total_price": line_amount(line),
        "customer_unit_price": line.unit_price,
        "customer_total_price": line.total_price,
        "supplied_at": naive_utc(line.supplied_at),
        "verified_at": naive_utc(line.verified_at),
        "is_supplied": line.is_supplied,
        "supply_verified": line.supply_verified,
        "payment_settled": line.payment_settled,
        "payment_settled_at": naive_utc(line.payment_settled_at),
        "event_date": line.event_date.isoformat(),
    }


def naive_utc(value: datetime | None) -> str | None:
    """The legacy's record timestamps: naive UTC (lebrq.api.fields.NaiveUtcDateTimeField)."""
    if value is None:
        return None
    return timezone.make_naive(value, UTC).strftime(NAIVE_FORMAT)


def invoice_document(request: InvoiceRequest) -> Document | None:
    data = invoice_data(request)
    if data is None:
        return None
    html = render_to_string(
        "vendors/payment_invoice.html", {"platform_name": settings.PLATFORM_NAME, **data}
    )
    filename = f"invoice_{data['invoice_number']}.pdf"
    return _document(
        INVOICES_FOLDER,
        request.vendor_id,
        request.selection(),
        html,
        filename,
    )


def stream(
    request: HttpRequest, document: Document, enqueue: Callable[[], None]
) -> HttpResponseBase:
    return pdf_response(request, path=document.path, filename=document.filename, enqueue=enqueue)


def order_sheet_response(
    request: HttpRequest, vendor: VendorProfile, document: Document
) -> HttpResponseBase:
    from vendors.tasks import vendor_order_sheet_render

    return stream(
        request,
        document,
        lambda: enqueue_unless_pending(
            vendor_order_sheet_render,
            document.path,
            identity={
                "vendor_id": vendor.pk,
                "item_ids": document.selection,
                "version": document.version,
            },
        ),
    )


def invoice_response(
    request: HttpRequest, invoice: InvoiceRequest, document: Document
) -> HttpResponseBase:
    from vendors.tasks import vendor_invoice_render

    return stream(
        request,
        document,
        lambda: enqueue_unless_pending(
            vendor_invoice_render,
            document.path,
            identity={**invoice.as_kwargs(), "version": document.version},
        ),
    )
