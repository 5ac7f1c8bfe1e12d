"""What a customer is told when something happens to their booking or money: an in-app
notification (and, from the outbound channels, a message), once per event."""

from django.conf import settings
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking, BookingEvent
from messaging.choices import Channel, NotificationKind, NotificationPriority
from messaging.notifications import NewNotification, notification_create
from messaging.outbound import Outgoing, outbound_queue
from payments.models import Payment, Refund


def booking_decided(*, event: BookingEvent) -> None:
    """Staff (or the automatic rule) approved or rejected a booking."""
    booking = Booking.objects.select_related("user", "space").get(pk=event.booking_id)
    approved = event.to_status == BookingStatus.APPROVED
    notification_create(
        user_id=booking.user_id,
        new=NewNotification(
            kind=NotificationKind.BOOKING_APPROVED
            if approved
            else NotificationKind.BOOKING_REJECTED,
            title="Booking Approved" if approved else "Booking Rejected",
            message=(
                f"Your booking {booking.booking_reference} has been approved."
                if approved
                else f"Your booking {booking.booking_reference} was not approved."
                + (f" Reason: {event.note}" if event.note else "")
            ),
            booking_id=booking.pk,
            link=f"/book/{booking.pk}",
            priority=NotificationPriority.NORMAL if approved else NotificationPriority.WARNING,
            event_key=f"booking-event:{event.pk}",
        ),
    )
    _booking_decided_outbound(booking, event, approved=approved)


def _booking_decided_outbound(booking: Booking, event: BookingEvent, *, approved: bool) -> None:
    """The customer's WhatsApp template and e-mail (MESSAGING_BOOKING_CHANNELS), once each."""
    customer = booking.user
    name = customer.get_full_name() or customer.username
    when = timezone.localtime(booking.start_datetime).strftime("%d %b %Y, %I:%M %p")
    verdict = "approved" if approved else "not approved"
    text = (
        f"Hi {name}, your booking {booking.booking_reference} for {booking.space.name} on "
        f"{when} has been {verdict}."
        + ("" if approved or not event.note else f" Reason: {event.note}")
        + f" - Team {settings.PLATFORM_NAME}"
    )
    addresses = {
        Channel.WHATSAPP: customer.mobile,
        Channel.SMS: customer.mobile,
        Channel.EMAIL: customer.email or "",
    }
    template = (
        settings.WHATSAPP_TEMPLATE_BOOKING_APPROVED
        if approved
        else settings.WHATSAPP_TEMPLATE_BOOKING_REJECTED
    )
    for channel in settings.MESSAGING_BOOKING_CHANNELS:
        if channel not in addresses:
            continue
        outbound_queue(
            Outgoing(
                channel=Channel(channel),
                to=addresses[Channel(channel)],
                body=text,
                subject=f"Booking {booking.booking_reference} {verdict}",
                template=template if channel == Channel.WHATSAPP else "",
                params=[name, booking.booking_reference, booking.space.name, when, verdict],
                event_key=f"booking-event:{event.pk}:{channel}",
            )
        )


def payment_received(*, payment_id: int) -> None:
    payment = Payment.objects.only("id", "user_id", "booking_id", "amount").get(pk=payment_id)
    notification_create(
        user_id=payment.user_id,
        new=NewNotification(
            kind=NotificationKind.PAYMENT_SUCCESS,
            title="Payment Received",
            message=f"We received your payment of ₹{payment.amount:,.2f}.",
            booking_id=payment.booking_id,
            link=f"/book/{payment.booking_id}" if payment.booking_id else "",
            event_key=f"payment:{payment.pk}:success",
        ),
    )


def refund_processed(*, refund: Refund) -> None:
    user_id = None
    if refund.booking_id is not None:
        user_id = (
            Booking.objects.filter(pk=refund.booking_id).values_list("user_id", flat=True).first()
        )
    elif refund.payment_id is not None:
        user_id = (
            Payment.objects.filter(pk=refund.payment_id).values_list("user_id", flat=True).first()
        )
    if user_id is None:
        return
    notification_create(
        user_id=user_id,
        new=NewNotification(
            kind=NotificationKind.REFUND_PROCESSED,
            title="Refund Processed",
            message=f"Your refund of ₹{refund.amount:,.2f} has been processed.",
            booking_id=refund.booking_id,
            link=f"/book/{refund.booking_id}" if refund.booking_id else "",
            event_key=f"refund:{refund.pk}:completed",
        ),
    )
