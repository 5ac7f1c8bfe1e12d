"""Staff's edits of a booking's invoice (the legacy's `invoice_edits`): checked, saved, and
what the staff invoice screens read. The PDFs are rendered by bookings.invoices' machinery.

The serializer checks each value's form and range; this module checks the invoice as a whole
and writes. Nothing here knows HTTP.
"""

import os
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from bookings import selectors
from bookings.invoices import (
    TITLES,
    Invoice,
    InvoiceOverrides,
    invoice_document,
    invoice_for,
    saved_overrides,
)
from bookings.models import Booking, InvoiceEdit
from bookings.models.invoices import MAX_EDIT_ITEMS, MAX_GST_RATE
from bookings.tasks import invoice_render
from lebrq.errors import InvalidInput, NotFound
from lebrq.object_storage import pdf_bucket, pdf_exists, pdf_name

# GET /admin/invoices was unbounded in the legacy (every booking, each with a query): it
# answers the newest this many bookings that match its filters.
INVOICE_LIST_CAP = 500


class BookingNotFound(NotFound):
    default_message = "Booking not found"
    default_code = "booking_not_found"


class InvoiceTotalNegative(InvalidInput):
    default_message = "The invoice's lines and brokerage add up to less than zero."
    default_code = "invoice_total_negative"


@dataclass(frozen=True)
class InvoiceView:
    """A booking's invoice as the staff screens show it."""

    booking: Booking
    invoice: Invoice


def invoice_booking(booking_id: int) -> Booking:
    """The booking with what its invoice prints; BookingNotFound if there is none."""
    try:
        return selectors.booking_get(booking_id)
    except Booking.DoesNotExist:
        raise BookingNotFound() from None


def invoice_view(booking_id: int, *, draft: InvoiceOverrides | None = None) -> InvoiceView:
    """The invoice as it is (with staff's saved edit), or as `draft` would make it."""
    booking = invoice_booking(booking_id)
    if draft is not None:
        check_overrides(draft)
        return InvoiceView(booking=booking, invoice=invoice_for(booking, draft))
    return InvoiceView(booking=booking, invoice=invoice_for(booking, saved_overrides(booking.pk)))


def check_overrides(overrides: InvoiceOverrides) -> None:
    """Rules over the whole edit (each value's range is the serializer's): a bounded number
    of lines, a GST rate from 0 to 28 %, and lines plus brokerage not below zero (discount
    lines are negative, but the invoice cannot be)."""
    if len(overrides.lines) > MAX_EDIT_ITEMS:
        raise InvalidInput.for_field("items", f"At most {MAX_EDIT_ITEMS} lines.")
    if overrides.gst_rate is not None and not Decimal(0) <= overrides.gst_rate <= MAX_GST_RATE:
        raise InvalidInput.for_field("gst_rate", f"A rate from 0 to {MAX_GST_RATE} %.")
    if overrides.brokerage_amount is not None and overrides.brokerage_amount < 0:
        raise InvalidInput.for_field("brokerage_amount", "Not below zero.")
    if overrides.lines:
        total = sum((line.amount for line in overrides.lines), Decimal(0))
        if total + (overrides.brokerage_amount or Decimal(0)) < 0:
            raise InvoiceTotalNegative()


def invoice_edit_save(*, booking_id: int, overrides: InvoiceOverrides, user: User) -> InvoiceEdit:
    """Save staff's values for the booking's invoice (replacing any saved before).

    Every copy of the invoice shows them from now on, the customer's too: they change the
    invoice's version, so a PDF of the old values is never served. The new version's render
    is queued once the edit is committed, so the next download finds it ready.
    """
    check_overrides(overrides)
    with transaction.atomic():
        booking = Booking.objects.filter(pk=booking_id).first()
        if booking is None:
            raise BookingNotFound()
        keep_superseded(booking)
        edit, _ = InvoiceEdit.objects.update_or_create(
            booking_id=booking_id,
            defaults={
                "invoice_number": overrides.invoice_number,
                "invoice_date": overrides.invoice_date,
                "customer_name": overrides.customer_name,
                "gst_rate": overrides.gst_rate,
                "brokerage_amount": overrides.brokerage_amount,
                "notes": overrides.notes,
                "items": overrides.lines_json(),
                "edited_by": user,
            },
        )
        transaction.on_commit(partial(_queue_render, booking_id))
    return edit


SUPERSEDED_FOLDER = "superseded"


def keep_superseded(booking: Booking) -> Path | None:
    """Keep the invoice PDF as it was before staff's edit replaces it: the renderer removes a
    document's older versions from its folder (bookings.tasks.write_invoice_pdf), so the one
    a customer may already hold is kept apart, in `superseded/`, stamped with the time it was
    replaced. None when it was never rendered (nothing was sent, nothing to keep)."""
    current = invoice_document(selectors.booking_get(booking.pk)).path
    if not pdf_exists(current):
        return None
    kept_name = f"{SUPERSEDED_FOLDER}/{timezone.now():%Y%m%dT%H%M%S%f}-{current.name}"
    bucket = pdf_bucket()
    if bucket is not None:
        kept = current.parent / kept_name
        bucket.copy(pdf_name(current), pdf_name(kept))  # copied inside the bucket
        return kept
    folder = current.parent / SUPERSEDED_FOLDER
    folder.mkdir(exist_ok=True)
    kept = current.parent / kept_name
    try:
        os.link(current, kept)  # the same bytes, no copy
    except OSError:
        shutil.copyfile(current, kept)
    return kept


def _queue_render(booking_id: int) -> None:
    try:
        booking = selectors.booking_get(booking_id)
    except Booking.DoesNotExist:
        return
    document = invoice_document(booking)
    invoice_render.enqueue(booking_id=booking_id, version=document.version)


def invoice_list_for_staff(
    *,
    status: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
) -> QuerySet[Booking]:
    """The bookings of the staff invoice list, newest first, at most INVOICE_LIST_CAP."""
    bookings = selectors.booking_list_for_staff().select_related("invoice_edit")
    bookings = bookings.defer("invoice_edit__items", "invoice_edit__notes")
    if status:
        bookings = bookings.filter(status=status)
    if starts_from is not None:
        bookings = bookings.filter(start_datetime__gte=starts_from)
    if starts_before is not None:
        bookings = bookings.filter(start_datetime__lt=starts_before)
    return bookings[:INVOICE_LIST_CAP]


def day_bounds(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """[start of `first`, start of the day after `last`), venue-local, for the list's
    from_date and to_date (days of the start, as the legacy's DATE(start_datetime))."""

    def start_of(day: date) -> datetime:
        return timezone.make_aware(datetime.combine(day, time.min))

    return (
        start_of(first) if first is not None else None,
        start_of(last + timedelta(days=1)) if last is not None else None,
    )


def listed_invoice_kind(booking: Booking) -> str:
    """The list's invoice_type: the title the booking's invoice carries now."""
    return TITLES.get(booking.status, "Invoice").upper()
