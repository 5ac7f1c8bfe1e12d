"""Writes of customer-staff threads, the clients screen's marks, and customer suspension."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from bookings.models import Booking
from messaging.choices import NotificationKind
from messaging.exceptions import ClientNotFound, CustomerNotFound, ThreadNotFound, UnknownBooking
from messaging.models import MessageThread, StaffViewMark, ThreadMessage
from messaging.notifications import NewNotification, notification_create, preview


@dataclass(frozen=True)
class Compose:
    subject: str
    body: str
    booking_id: int | None = None


def _booking_of(customer: User, booking_id: int | None) -> Booking | None:
    if booking_id is None:
        return None
    booking = Booking.objects.filter(pk=booking_id, user=customer).first()
    if booking is None:
        raise UnknownBooking(fields={"booking_id": ["No such booking of this customer."]})
    return booking


def _new_key(prefix: str, user_id: int) -> str:
    return f"{prefix}_{user_id}_{secrets.token_hex(4)}"


def _add_message(
    thread: MessageThread, *, sender: User, from_staff: bool, body: str
) -> ThreadMessage:
    message = ThreadMessage.objects.create(
        thread=thread, sender=sender, from_staff=from_staff, body=body
    )
    MessageThread.objects.filter(pk=thread.pk).update(
        last_message=body, last_message_at=message.created_at
    )
    if from_staff:
        # "Message received": the customer's notification, linking to the thread.
        notification_create(
            user_id=thread.customer_id,
            new=NewNotification(
                kind=NotificationKind.ADMIN_MESSAGE,
                title=thread.subject or "Message from Admin",
                message=preview(body) or "You have a new message from the admin team.",
                booking_id=thread.booking_id,
                link=f"/messages?thread={thread.key}",
            ),
        )
    return message


@transaction.atomic
def thread_start_by_customer(
    *, customer: User, compose: Compose
) -> tuple[MessageThread, ThreadMessage]:
    """POST /client/messages: a new thread to the staff."""
    thread = MessageThread.objects.create(
        key=_new_key("client", customer.pk),
        customer=customer,
        subject=compose.subject,
        booking=_booking_of(customer, compose.booking_id),
        last_message_at=timezone.now(),
    )
    return thread, _add_message(thread, sender=customer, from_staff=False, body=compose.body)


@transaction.atomic
def thread_start_by_staff(
    *, staff: User, client_id: int, compose: Compose
) -> tuple[MessageThread, ThreadMessage]:
    """POST /admin/client-messages: staff write to a customer (404 for anyone else)."""
    client = User.objects.filter(pk=client_id, role=Role.CUSTOMER, is_staff=False).first()
    if client is None:
        raise ClientNotFound()
    thread = MessageThread.objects.create(
        key=_new_key("admin", staff.pk),
        customer=client,
        subject=compose.subject,
        booking=_booking_of(client, compose.booking_id),
        last_message_at=timezone.now(),
    )
    return thread, _add_message(thread, sender=staff, from_staff=True, body=compose.body)


def _thread_for(actor: User, key: str, *, as_staff: bool, lock: bool = False) -> MessageThread:
    # Locked alone: a join would lock the customer's row too.
    threads = (
        MessageThread.objects.select_for_update()
        if lock
        else MessageThread.objects.select_related("customer")
    )
    if not as_staff:
        # A customer sees only their own threads; another's is "not found", not "forbidden".
        threads = threads.filter(customer=actor)
    thread = threads.filter(key=key).first()
    if thread is None:
        raise ThreadNotFound()
    return thread


@transaction.atomic
def thread_reply(*, actor: User, key: str, body: str, as_staff: bool) -> ThreadMessage:
    """A reply in an existing thread, by its customer or by staff."""
    # The thread's row is locked so two replies keep last_message in their order.
    thread = _thread_for(actor, key, as_staff=as_staff, lock=True)
    return _add_message(thread, sender=actor, from_staff=as_staff, body=body)


def thread_open(*, actor: User, key: str, as_staff: bool) -> MessageThread:
    """The thread as its reader opens it: the other side's messages become read."""
    thread = _thread_for(actor, key, as_staff=as_staff)
    ThreadMessage.objects.filter(
        thread=thread, from_staff=not as_staff, read_at__isnull=True
    ).update(read_at=timezone.now())
    return thread


def clients_mark_viewed() -> None:
    """POST /admin/clients/mark-viewed: every customer so far is no longer new to staff."""
    StaffViewMark.objects.update_or_create(
        name=StaffViewMark.CLIENTS, defaults={"seen_up_to": timezone.now()}
    )


@transaction.atomic
def customer_suspend(*, customer_id: int, until: datetime | None) -> User:
    """Suspend a customer until `until` (None lifts it). A suspended customer's tokens are
    refused (accounts.authentication)."""
    customer = (
        User.objects.select_for_update()
        .filter(pk=customer_id, role=Role.CUSTOMER, is_staff=False)
        .first()
    )
    if customer is None:
        raise CustomerNotFound()
    customer.suspended_until = until
    customer.save(update_fields=["suspended_until"])
    return customer
