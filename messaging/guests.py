"""POST /bookings/{id}/notify-guests: a booking's guests who need transport are told their
pickup is scheduled, on MESSAGING_GUEST_CHANNELS, at most once per guest per booking, never to
one who opted out."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from accounts.models import User
from bookings.models import Booking, BookingGuest
from messaging.choices import Channel
from messaging.exceptions import BookingNotFound
from messaging.outbound import Outgoing, opted_out, outbound_queue
from messaging.providers import indian_mobile


@dataclass(frozen=True)
class GuestOutcome:
    guest: BookingGuest
    mobile: str
    # queued | already_queued | opted_out | invalid_mobile
    status: str
    message: str


def pickup_text(guest: BookingGuest) -> str:
    # The legacy's words (guest_notifications.py), with the venue's name.
    return (
        f"Hi {guest.name}, your pickup for the event is scheduled. Please send your current "
        "location on WhatsApp before pickup. Pickup point: "
        f"{guest.pickup_location or 'Venue'} - Team {settings.PLATFORM_NAME}"
    )


@transaction.atomic
def guests_notify(*, actor: User, booking_id: int) -> list[GuestOutcome]:
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None or not (actor.is_staff or booking.user_id == actor.pk):
        raise BookingNotFound()
    outcomes = []
    guests = BookingGuest.objects.filter(booking=booking, needs_transportation=True).order_by("id")
    for guest in guests[: settings.MESSAGING_GUESTS_MAX]:
        mobile = indian_mobile(guest.mobile)
        text = pickup_text(guest)
        if len(mobile) != 10:
            outcomes.append(GuestOutcome(guest, guest.mobile, "invalid_mobile", text))
            continue
        statuses = set()
        for channel in settings.MESSAGING_GUEST_CHANNELS:
            if channel not in (Channel.WHATSAPP, Channel.SMS):
                continue
            if opted_out(channel, mobile):
                statuses.add("opted_out")
                continue
            _, queued = outbound_queue(
                Outgoing(
                    channel=Channel(channel),
                    to=mobile,
                    body=text,
                    template=settings.WHATSAPP_TEMPLATE_GUEST_PICKUP
                    if channel == Channel.WHATSAPP
                    else "",
                    params=[guest.name, guest.pickup_location or "Venue"],
                    event_key=f"guest:{guest.pk}:pickup:{channel}",
                )
            )
            statuses.add("queued" if queued else "already_queued")
        status = next(
            (s for s in ("queued", "already_queued", "opted_out") if s in statuses), "opted_out"
        )
        outcomes.append(GuestOutcome(guest, f"+91{mobile}", status, text))
    return outcomes
