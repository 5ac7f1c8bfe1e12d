"""Queue messages: an outbox row, then a task for the worker (committed together)."""

from django.db import transaction

from notify.choices import MessagePurpose
from notify.models import OutboundSms
from notify.tasks import sms_send


def sms_queue(
    *, to: str, body: str, purpose: MessagePurpose, template_id: str = "", sensitive: bool = False
) -> OutboundSms:
    """Record the message and enqueue its sending once the caller's transaction commits."""
    message = OutboundSms.objects.create(
        to=to, body=body, purpose=purpose, template_id=template_id, sensitive=sensitive
    )
    transaction.on_commit(lambda: sms_send.enqueue(message.pk))
    return message
