"""The events of the apps below that tell a customer something, turned into notifications.

Bookings and payments cannot call messaging (apps import downward only), so messaging listens
to the records they already write: a BookingEvent (approved, rejected), a PaymentEvent (paid),
a Refund saved as completed. The handlers run inside the writer's transaction, so the
notification commits or rolls back with the event; each event has a key, so one event never
notifies twice however often its record is saved.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from bookings.choices import BookingStatus
from bookings.models import BookingEvent
from messaging import events
from payments.choices import PaymentStatus, RefundStatus
from payments.models import PaymentEvent, Refund


@receiver(post_save, sender=BookingEvent, dispatch_uid="messaging.booking_event")
def _booking_event(sender: Any, instance: BookingEvent, created: bool, **kwargs: Any) -> None:
    # A decision moves a booking from a status; a booking created approved (staff's own, a
    # training series: many at once) is no news to its customer.
    if not created or not instance.from_status or instance.from_status == instance.to_status:
        return
    if instance.to_status in (BookingStatus.APPROVED, BookingStatus.REJECTED):
        events.booking_decided(event=instance)


@receiver(post_save, sender=PaymentEvent, dispatch_uid="messaging.payment_event")
def _payment_event(sender: Any, instance: PaymentEvent, created: bool, **kwargs: Any) -> None:
    if (
        created
        and instance.to_status == PaymentStatus.SUCCESS
        and instance.from_status != PaymentStatus.SUCCESS
    ):
        events.payment_received(payment_id=instance.payment_id)


@receiver(post_save, sender=Refund, dispatch_uid="messaging.refund")
def _refund(sender: Any, instance: Refund, **kwargs: Any) -> None:
    if instance.status == RefundStatus.COMPLETED:
        events.refund_processed(refund=instance)
