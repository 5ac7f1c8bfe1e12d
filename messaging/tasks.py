"""Sending, in the task worker: one message per task, claimed by compare-and-set, retried
with exponential backoff while the provider may still take it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from messaging.choices import OutboundStatus
from messaging.models import OutboundMessage
from messaging.providers import OutgoingMessage, SendResult, backend_for

logger = logging.getLogger(__name__)

SENDABLE = (OutboundStatus.QUEUED, OutboundStatus.FAILED)


def backoff_seconds(attempt: int) -> float:
    """The wait before attempt `attempt + 1`: base, 2 x base, 4 x base..."""
    return float(settings.MESSAGING_RETRY_BACKOFF_SECONDS * 2 ** max(attempt - 1, 0))


@task()
def outbound_send(message_id: int) -> str:
    """Send one outbox message; safe to rerun. The claim (queued or failed -> sending) lets
    one worker send it; a rerun or a duplicate task finds it sent and does nothing."""
    claimed = OutboundMessage.objects.filter(pk=message_id, status__in=SENDABLE).update(
        status=OutboundStatus.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not sendable (sent, being sent, or gone)"
    message = OutboundMessage.objects.get(pk=message_id)
    outgoing = OutgoingMessage(
        to=message.to,
        body=message.body,
        subject=message.subject,
        template=message.template,
        params=[str(value) for value in message.params],
    )
    try:
        backend = backend_for(message.channel)
        provider = backend.name
        result = backend.send(outgoing)
    except Exception as exc:
        # A misconfigured or crashing backend is a failure of this message, recorded, retried.
        logger.exception("Sending %s %s failed", message.channel, message.pk)
        provider = ""
        result = SendResult(accepted=False, response=f"{type(exc).__name__}: {exc}", retryable=True)
    message.provider = provider
    message.provider_response = result.response[:4000]
    if result.accepted:
        message.status = OutboundStatus.SENT
        message.provider_message_id = result.provider_id
        message.sent_at = timezone.now()
        message.last_error = ""
    else:
        message.status = OutboundStatus.FAILED
        message.last_error = result.response[:4000]
        logger.warning(
            "%s %s to %s refused (attempt %s): %s",
            message.channel,
            message.pk,
            message.to,
            message.attempts,
            result.response,
        )
    message.save(
        update_fields=[
            "status",
            "provider",
            "provider_response",
            "provider_message_id",
            "sent_at",
            "last_error",
        ]
    )
    if (
        not result.accepted
        and result.retryable
        and message.attempts < settings.MESSAGING_MAX_ATTEMPTS
    ):
        run_after = timezone.now() + timedelta(seconds=backoff_seconds(message.attempts))
        outbound_send.using(run_after=run_after).enqueue(message.pk)
    return message.status
