"""WhatsApp conversations: what customers send (the provider's callback, the website's chat
window), the chatbot's answers and staff replies, each outgoing message sent through the
outbox (messaging/outbound.py: a task on the worker, retried, recorded, once per event).

Staff write freely only within WhatsApp's session window, 24 hours after the customer's last
message on WhatsApp; later the provider refuses free text, so we refuse first (409).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from messaging.chatbot import Answer, chatbot_answer, chatbot_config
from messaging.choices import Channel, ConversationStatus, Direction, MessageOrigin
from messaging.exceptions import (
    AlreadyDeleted,
    ConversationNotFound,
    InvalidPhone,
    KeywordNotFound,
    OutsideSessionWindow,
    QuickReplyNotFound,
    RecipientOptedOut,
    TooManyWebMessages,
    UnknownParent,
)
from messaging.models import (
    ChatbotConfig,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from messaging.outbound import Outgoing, opt_out, opted_out, outbound_queue

SESSION_WINDOW = timedelta(hours=24)
# The status of one of our messages that was not sent because its addressee opted out.
OPTED_OUT = "opted_out"
# Messages one number may send from the website's chat window in an hour: the window needs no
# login, so this is what keeps it from filling the staff's inbox.
WEB_MESSAGES_PER_HOUR = 20
# What a customer sends to get no more messages from us on WhatsApp.
STOP_WORDS = frozenset({"stop", "unsubscribe"})


def whatsapp_number(raw: str) -> str:
    """Digits with the country code ("919876543210"); a bare 10-digit number is Indian."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 10:
        digits = "91" + digits
    if not 11 <= len(digits) <= 15:
        raise InvalidPhone()
    return digits


def _customer_with(number: str) -> User | None:
    """The customer whose mobile is this number, in the forms the sign-up screens stored it
    (an indexed IN list: no scan of the users table)."""
    local = number[2:] if number.startswith("91") else number
    spaced = f"{local[:5]} {local[5:]}"
    forms = [local, number, f"+{number}", f"0{local}", spaced, f"+91{local}", f"+91 {local}"]
    forms.append(f"+91 {spaced}")
    return User.objects.filter(mobile__in=forms).order_by("id").first()


def _conversation_ensure(number: str, *, on_whatsapp: bool) -> None:
    """Make the number's conversation if it has none, in a transaction of its own.

    Not inside the caller's transaction: when several first messages of a number arrive at
    once, the losers' duplicate-key errors leave InnoDB share locks on the new row, and two of
    them then asking to lock it for update deadlock. Committed here, the row simply exists.
    """
    if WhatsAppConversation.objects.filter(phone_number=number).exists():
        return
    try:
        with transaction.atomic():
            WhatsAppConversation.objects.create(
                phone_number=number,
                # Only WhatsApp vouches for the number: a visitor on the website may type
                # anyone's, and staff would read their message as that customer's.
                user=_customer_with(number) if on_whatsapp else None,
                last_message_at=timezone.now(),
            )
    except IntegrityError:
        pass  # Made by a concurrent message meanwhile.


def _record(
    conversation: WhatsAppConversation, message: WhatsAppMessage, *, inbound_on_whatsapp: bool
) -> None:
    now = message.created_at
    changes: dict[str, Any] = {
        "last_message_at": now,
        "last_message_text": message.text[:100],
        "last_message_direction": message.direction,
        "message_count": F("message_count") + 1,
        "updated_at": timezone.now(),
    }
    if inbound_on_whatsapp:
        changes["last_inbound_at"] = now
        if conversation.user_id is None:
            changes["user"] = _customer_with(conversation.phone_number)
    if message.direction == Direction.INBOUND and conversation.status == ConversationStatus.CLOSED:
        # A customer writing again reopens a closed conversation (archived ones stay put).
        changes["status"] = ConversationStatus.ACTIVE
    WhatsAppConversation.objects.filter(pk=conversation.pk).update(**changes)


def _send(
    conversation: WhatsAppConversation,
    message: WhatsAppMessage,
    *,
    event_key: str,
    template: str = "",
) -> None:
    outbound, _ = outbound_queue(
        Outgoing(
            channel=Channel.WHATSAPP,
            to=conversation.phone_number,
            body=message.text,
            template=template,
            # The legacy's greeting template took the business's name as its one variable.
            params=[settings.PLATFORM_NAME] if template else [],
            event_key=event_key,
        )
    )
    if outbound is None:
        # The customer opted out of WhatsApp (messaging.outbound.opt_out): kept, not sent.
        WhatsAppMessage.objects.filter(pk=message.pk).update(status=OPTED_OUT)
        message.status = OPTED_OUT
        return
    WhatsAppMessage.objects.filter(pk=message.pk).update(outbound=outbound)
    message.outbound = outbound


def _auto_reply(
    conversation: WhatsAppConversation, inbound: WhatsAppMessage, answer: Answer
) -> WhatsAppMessage | None:
    if not answer.text.strip() and not answer.template:
        return None
    on_whatsapp = inbound.origin == MessageOrigin.WHATSAPP
    reply = WhatsAppMessage.objects.create(
        conversation=conversation,
        direction=Direction.OUTBOUND,
        origin=inbound.origin,
        text=answer.text,
        is_auto_reply=True,
        keyword_id=answer.keyword_id,
        # The website's answers are shown in its window, not sent anywhere.
        status="" if on_whatsapp else "shown",
    )
    _record(conversation, reply, inbound_on_whatsapp=False)
    if on_whatsapp:
        _send(
            conversation,
            reply,
            event_key=f"whatsapp-auto:{inbound.pk}",
            template=answer.template,
        )
    return reply


@dataclass(frozen=True)
class Incoming:
    number: str
    text: str
    # The provider's id of the message (WhatsApp), "" for the website.
    provider_id: str = ""
    origin: MessageOrigin = MessageOrigin.WHATSAPP


def whatsapp_receive(incoming: Incoming) -> WhatsAppMessage | None:
    """Store a customer's message and answer it once; None if it was stored already (the
    provider delivers a callback again when our answer is slow)."""
    number = whatsapp_number(incoming.number)
    if (
        incoming.provider_id
        and WhatsAppMessage.objects.filter(inbound_id=incoming.provider_id).exists()
    ):
        return None
    _conversation_ensure(number, on_whatsapp=incoming.origin == MessageOrigin.WHATSAPP)
    with transaction.atomic():
        # Locked: message counts, the session window and the answer are written under it.
        conversation = WhatsAppConversation.objects.select_for_update().get(phone_number=number)
        return _receive_in(conversation, incoming)


def _receive_in(conversation: WhatsAppConversation, incoming: Incoming) -> WhatsAppMessage | None:
    if incoming.origin == MessageOrigin.WEB:
        recent = WhatsAppMessage.objects.filter(
            conversation=conversation,
            origin=MessageOrigin.WEB,
            direction=Direction.INBOUND,
            created_at__gte=timezone.now() - timedelta(hours=1),
        ).count()
        if recent >= WEB_MESSAGES_PER_HOUR:
            raise TooManyWebMessages(retry_after=3600)
    try:
        with transaction.atomic():
            message = WhatsAppMessage.objects.create(
                conversation=conversation,
                direction=Direction.INBOUND,
                origin=incoming.origin,
                text=incoming.text,
                inbound_id=incoming.provider_id or None,
                status="delivered",  # the legacy's word for a message that reached us
                provider_message_id=incoming.provider_id,
            )
    except IntegrityError:
        return None
    on_whatsapp = incoming.origin == MessageOrigin.WHATSAPP
    _record(conversation, message, inbound_on_whatsapp=on_whatsapp)
    if on_whatsapp and incoming.text.strip().lower() in STOP_WORDS:
        # Nothing more goes to this number on WhatsApp, answers included (outbound.py).
        opt_out(channel=Channel.WHATSAPP, to=conversation.phone_number, reason="Sent STOP")
        return message
    _auto_reply(conversation, message, chatbot_answer(incoming.text))
    return message


def whatsapp_delivery_status(*, provider_id: str, status: str) -> int:
    """The provider's word on one of our messages (delivered, read, failed)."""
    if not provider_id or not status:
        return 0
    return WhatsAppMessage.objects.filter(
        outbound__provider_message_id=provider_id, direction=Direction.OUTBOUND
    ).update(status=status[:32])


@transaction.atomic
def whatsapp_reply(*, staff: User, conversation_id: int, text: str) -> WhatsAppMessage:
    """POST /admin/whatsapp/conversations/{id}/reply: sent by the worker, within the window."""
    conversation = (
        WhatsAppConversation.objects.select_for_update().filter(pk=conversation_id).first()
    )
    if conversation is None:
        raise ConversationNotFound()
    if (
        conversation.last_inbound_at is None
        or timezone.now() - conversation.last_inbound_at > SESSION_WINDOW
    ):
        raise OutsideSessionWindow()
    if opted_out(Channel.WHATSAPP, conversation.phone_number):
        raise RecipientOptedOut()
    message = WhatsAppMessage.objects.create(
        conversation=conversation, direction=Direction.OUTBOUND, text=text, sent_by=staff
    )
    _record(conversation, message, inbound_on_whatsapp=False)
    _send(conversation, message, event_key=f"whatsapp-reply:{message.pk}")
    return message


def conversation_set_status(
    *, conversation_id: int, status: ConversationStatus
) -> WhatsAppConversation:
    updated = WhatsAppConversation.objects.filter(pk=conversation_id).update(
        status=status, updated_at=timezone.now()
    )
    if not updated:
        raise ConversationNotFound()
    return WhatsAppConversation.objects.get(pk=conversation_id)


# --- The chatbot's configuration, keywords and quick replies (staff) ------------------------

CONFIG_FIELDS = (
    "greeting_triggers",
    "help_triggers",
    "greeting_response",
    "help_response",
    "default_response",
    "greeting_template_name",
    "use_greeting_template",
)


@transaction.atomic
def chatbot_config_update(changes: dict[str, Any]) -> ChatbotConfig:
    """PUT /admin/whatsapp/chatbot/config: the fields sent change, the others stay."""
    chatbot_config()
    config = ChatbotConfig.objects.select_for_update().get(pk=1)
    for name in CONFIG_FIELDS:
        if name in changes:
            setattr(config, name, changes[name])
    config.save()
    return config


def keyword_create(fields: dict[str, Any]) -> WhatsAppKeywordResponse:
    return WhatsAppKeywordResponse.objects.create(**fields)


def _live_keyword(keyword_id: int) -> WhatsAppKeywordResponse:
    keyword = WhatsAppKeywordResponse.objects.filter(pk=keyword_id).first()
    if keyword is None:
        raise KeywordNotFound()
    return keyword


def keyword_update(*, keyword_id: int, changes: dict[str, Any]) -> WhatsAppKeywordResponse:
    keyword = _live_keyword(keyword_id)
    if keyword.deleted_at is not None:
        raise KeywordNotFound()
    for name, value in changes.items():
        setattr(keyword, name, value)
    keyword.save()
    return keyword


def keyword_delete(*, keyword_id: int) -> None:
    """Soft delete, as the legacy: messages it answered still name it."""
    keyword = _live_keyword(keyword_id)
    now = timezone.now()
    deleted = WhatsAppKeywordResponse.objects.filter(pk=keyword.pk, deleted_at__isnull=True).update(
        deleted_at=now, updated_at=now
    )
    if not deleted:
        raise AlreadyDeleted("Keyword is already deleted", code="already_deleted")


def _check_parent(parent_id: int | None, own_id: int | None = None) -> None:
    """A sub-menu button's parent is a live top-level button: one level, as the chatbot's
    menus show them, and no button can end up under itself."""
    if parent_id is None:
        return
    if (
        parent_id == own_id
        or not WhatsAppQuickReply.objects.filter(
            pk=parent_id, deleted_at__isnull=True, parent__isnull=True
        ).exists()
    ):
        raise UnknownParent(fields={"parent_id": ["No such top-level quick reply."]})
    if (
        own_id is not None
        and WhatsAppQuickReply.objects.filter(parent_id=own_id, deleted_at__isnull=True).exists()
    ):
        raise UnknownParent(
            "parent_id: this button has its own sub-menu; it stays at the top.",
            code="has_children",
            fields={"parent_id": ["This button has its own sub-menu."]},
        )


def quick_reply_create(fields: dict[str, Any]) -> WhatsAppQuickReply:
    _check_parent(fields.get("parent_id"))
    return WhatsAppQuickReply.objects.create(**fields)


def quick_reply_update(*, quick_reply_id: int, changes: dict[str, Any]) -> WhatsAppQuickReply:
    reply = WhatsAppQuickReply.objects.filter(pk=quick_reply_id, deleted_at__isnull=True).first()
    if reply is None:
        raise QuickReplyNotFound()
    if "parent_id" in changes:
        _check_parent(changes["parent_id"], own_id=reply.pk)
    for name, value in changes.items():
        setattr(reply, name, value)
    reply.save()
    return reply


@transaction.atomic
def quick_reply_delete(*, quick_reply_id: int) -> int:
    """Soft delete with its sub-menu; the number of children deleted with it."""
    reply = WhatsAppQuickReply.objects.select_for_update().filter(pk=quick_reply_id).first()
    if reply is None:
        raise QuickReplyNotFound()
    if reply.deleted_at is not None:
        raise AlreadyDeleted("Quick reply is already deleted", code="already_deleted")
    now = timezone.now()
    children = WhatsAppQuickReply.objects.filter(parent=reply, deleted_at__isnull=True).update(
        deleted_at=now, updated_at=now
    )
    WhatsAppQuickReply.objects.filter(pk=reply.pk).update(deleted_at=now, updated_at=now)
    return children
