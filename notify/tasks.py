"""Sending, in the task worker (`manage.py db_worker`), never in a web request."""

import logging

from django.db.models import F
from django.tasks import task
from django.utils import timezone

from notify.choices import MessageStatus
from notify.models import ERASED_BODY, OutboundSms
from notify.providers import sms_backend

logger = logging.getLogger(__name__)

SENDABLE = (MessageStatus.QUEUED, MessageStatus.FAILED)


@task()
def sms_send(message_id: int) -> str:
    """Send one outbox message; safe to rerun.

    The row is claimed by a compare-and-set (queued or failed -> sending), so a duplicate task
    or a second worker sends nothing twice. A refusal is recorded on the row, where staff can
    see it and send it again from the admin.
    """
    claimed = OutboundSms.objects.filter(pk=message_id, status__in=SENDABLE).update(
        status=MessageStatus.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not sendable (sent, being sent, or gone)"
    message = OutboundSms.objects.get(pk=message_id)
    backend = sms_backend()
    result = backend.send(to=message.to, body=message.body, template_id=message.template_id)
    message.provider = backend.name
    message.provider_response = result.response
    if result.accepted:
        message.status = MessageStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        if message.sensitive:
            message.body = ERASED_BODY
    else:
        message.status = MessageStatus.FAILED
        message.last_error = result.response
        logger.warning("SMS %s to %s refused: %s", message.pk, message.to, result.response)
    message.save(
        update_fields=[
            "status",
            "sent_at",
            "provider",
            "provider_response",
            "last_error",
            "body",
        ]
    )
    return message.status
