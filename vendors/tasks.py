"""Vendors' work for the task worker: telling the other side of a fulfilment step, and the
vendor's PDFs. Every task is idempotent (safe to rerun)."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from accounts.models import User, VendorProfile
from bookings.tasks import write_invoice_pdf
from notify.choices import MessagePurpose
from notify.models import Notification
from notify.services import sms_queue
from vendors.choices import FulfilmentAction, NotificationPriority
from vendors.models import FulfilmentEvent, VendorNotification

# Staff told of a vendor's step (the legacy told every admin; a handful in practice).
STAFF_NOTIFIED_MAX = 50

TITLES = {
    FulfilmentAction.ASSIGNED: "New order assigned",
    FulfilmentAction.REASSIGNED: "New order assigned",
    FulfilmentAction.CANCELLED: "Order assignment cancelled",
    FulfilmentAction.ACCEPTED: "Vendor accepted an order",
    FulfilmentAction.REJECTED: "Vendor rejected an order",
    FulfilmentAction.SUPPLIED: "Order marked supplied",
    FulfilmentAction.UNSUPPLIED: "Order supply undone",
    FulfilmentAction.VERIFIED: "Supply verified",
}


def _told_to_vendor(event: FulfilmentEvent) -> bool:
    """Staff's steps are told to the vendor; the vendor's own steps to staff."""
    return event.vendor is not None and event.actor_id != event.vendor.user_id


def _describe(event: FulfilmentEvent) -> str:
    line = event.booking_item
    booking = line.booking
    text = (
        f"{line.name or 'Item'} x {line.quantity} for booking "
        f"{booking.booking_reference or booking.pk} on {line.event_date:%d %b %Y}"
    )
    if event.vendor is not None and not _told_to_vendor(event):
        text = f"{event.vendor.company_name}: {text}"
    if event.note:
        text += f". Note: {event.note}"
    return text


@task()
def fulfilment_event_notify(event_id: int) -> str:
    """Tell the other side of a fulfilment step: staff's steps to the vendor (a notification,
    and a text for a new assignment), the vendor's to staff (an in-app notification each).
    Claimed once by a conditional UPDATE, in the transaction that writes the notifications."""
    with transaction.atomic():
        claimed = FulfilmentEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        if not claimed:
            return "already notified"
        event = FulfilmentEvent.objects.select_related("booking_item__booking", "vendor__user").get(
            pk=event_id
        )
        action = FulfilmentAction(event.action)
        title, message = TITLES.get(action, action.label), _describe(event)
        booking_id = event.booking_item.booking_id
        if event.vendor is not None and _told_to_vendor(event):
            _vendor_notification(
                event.vendor,
                kind=action.value,
                title=title,
                message=message,
                booking_id=booking_id,
                booking_item_id=event.booking_item_id,
                event_key=f"fulfilment-{event.pk}",
                priority=NotificationPriority.HIGH
                if action in (FulfilmentAction.ASSIGNED, FulfilmentAction.REASSIGNED)
                else NotificationPriority.NORMAL,
            )
            if action in (FulfilmentAction.ASSIGNED, FulfilmentAction.REASSIGNED):
                phone = event.vendor.contact_phone or event.vendor.user.mobile
                if phone:
                    sms_queue(
                        to=phone,
                        body=f"{title}: {message}. Please confirm in the vendor portal.",
                        purpose=MessagePurpose.NOTIFICATION,
                    )
            return "vendor told"
        staff = User.objects.filter(is_staff=True, is_active=True).order_by("id")
        Notification.objects.bulk_create(
            Notification(user_id=user_id, title=title, message=message, booking_id=booking_id)
            for user_id in staff.values_list("id", flat=True)[:STAFF_NOTIFIED_MAX]
        )
        return "staff told"


@task()
def vendor_settlement_notify(vendor_id: int, item_count: int, amount: str, event_key: str) -> str:
    """Tell a vendor that lines of theirs were paid (once per settlement)."""
    vendor = VendorProfile.objects.filter(pk=vendor_id).first()
    if vendor is None:
        return "vendor gone"
    _vendor_notification(
        vendor,
        kind="payment_settled",
        title="Payment settled",
        message=f"₹{Decimal(amount):.2f} for {item_count} supplied item(s) has been settled.",
        booking_id=None,
        booking_item_id=None,
        event_key=event_key,
        priority=NotificationPriority.NORMAL,
    )
    return "vendor told"


def _vendor_notification(
    vendor: VendorProfile,
    *,
    kind: str,
    title: str,
    message: str,
    booking_id: int | None,
    booking_item_id: int | None,
    event_key: str,
    priority: str,
) -> None:
    if VendorNotification.objects.filter(event_key=event_key).exists():
        return
    try:
        with transaction.atomic():
            VendorNotification.objects.create(
                vendor_user_id=vendor.user_id,
                type=kind,
                title=title[:255],
                message=message,
                booking_id=booking_id,
                booking_item_id=booking_item_id,
                link="/vendor/orders",
                priority=priority,
                event_key=event_key,
            )
    except IntegrityError:
        # A second run of the same task wrote it between our look and our write.
        if not VendorNotification.objects.filter(event_key=event_key).exists():
            raise


@task()
def vendor_order_sheet_render(vendor_id: int, item_ids: str, version: str) -> str | None:
    """Write the vendor's order sheet for these lines if it is missing (like invoice_render:
    the current version is rendered; a changed line is a new version the next request asks
    for)."""
    # Imported here, not at the top: vendors.documents enqueues this task.
    from vendors.documents import order_sheet

    vendor = VendorProfile.objects.filter(pk=vendor_id).first()
    if vendor is None:
        return None
    document = order_sheet(vendor, [int(part) for part in item_ids.split(",") if part])
    if document is None:
        return None
    write_invoice_pdf(document.html, document.path)
    return document.path.name


@task()
def vendor_invoice_render(
    vendor_id: int,
    period: str,
    include_unverified: bool,
    settled_only: bool,
    booking_id: int | None,
    day: str,
    version: str,
) -> str | None:
    """Write the vendor payment invoice for this selection if it is missing."""
    from datetime import date

    from vendors.documents import InvoiceRequest, invoice_document

    document = invoice_document(
        InvoiceRequest(
            vendor_id=vendor_id,
            period=period,
            include_unverified=include_unverified,
            settled_only=settled_only,
            booking_id=booking_id,
            day=date.fromisoformat(day),
        )
    )
    if document is None:
        return None
    write_invoice_pdf(document.html, document.path)
    return document.path.name
