"""Queue outgoing messages: an outbox row per event and channel, sent by the task worker.

A service calls `outbound_queue` inside its own transaction; the row and the task commit with
it, or neither does. The request that caused it never waits for a provider and never fails
because one is down (messaging/tasks.py sends, retries and records).
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from messaging.choices import Channel
from messaging.models import OptOut, OutboundMessage
from messaging.providers import indian_mobile


@dataclass(frozen=True)
class Outgoing:
    channel: Channel
    to: str
    body: str
    event_key: str
    subject: str = ""
    template: str = ""
    params: list[str] = field(default_factory=list)


def address_of(channel: str, to: str) -> str:
    """How an address is compared (opt-outs): the 10-digit mobile, or the lower-cased e-mail."""
    return to.strip().lower() if channel == Channel.EMAIL else indian_mobile(to)


def opted_out(channel: str, to: str) -> bool:
    return OptOut.objects.filter(channel=channel, address=address_of(channel, to)).exists()


def opt_out(*, channel: str, to: str, reason: str = "") -> None:
    OptOut.objects.get_or_create(
        channel=channel, address=address_of(channel, to), defaults={"reason": reason[:255]}
    )


def outbound_queue(outgoing: Outgoing) -> tuple[OutboundMessage | None, bool]:
    """The event's message on the channel, and whether this call queued it (False when the
    event already has one, or the addressee opted out: then the message is None)."""
    from messaging.tasks import outbound_send

    existing = OutboundMessage.objects.filter(event_key=outgoing.event_key).first()
    if existing is not None:
        return existing, False
    if not outgoing.to.strip() or opted_out(outgoing.channel, outgoing.to):
        return None, False
    try:
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                channel=outgoing.channel,
                to=outgoing.to.strip(),
                subject=outgoing.subject[:255],
                body=outgoing.body,
                template=outgoing.template,
                params=list(outgoing.params),
                event_key=outgoing.event_key,
            )
    except IntegrityError:
        # The same event queued by a concurrent request or worker: theirs stands.
        return OutboundMessage.objects.filter(event_key=outgoing.event_key).first(), False
    transaction.on_commit(lambda: outbound_send.enqueue(message.pk))
    return message, True
