"""The WhatsApp chatbot's answer to an incoming message, as the legacy decided it
(services/whatsapp_chatbot.py): a quick-reply button, then keyword responses by priority,
then the greeting and help triggers, else the default answer."""

import re
from dataclasses import dataclass

from messaging.choices import MatchType
from messaging.models import ChatbotConfig, WhatsAppKeywordResponse, WhatsAppQuickReply

# Bounds on what one message is compared with (the staff screens list these too).
KEYWORDS_MAX = 500
QUICK_REPLIES_MAX = 500
QUICK_REPLY_BUTTON = re.compile(r"^qr_(\d{1,18})$")


@dataclass(frozen=True)
class Answer:
    text: str
    intent: str
    keyword_id: int | None = None
    quick_reply_id: int | None = None
    # An approved template to send instead of the text (the greeting, when configured).
    template: str = ""


def chatbot_config() -> ChatbotConfig:
    """The one configuration row, made with the legacy's words the first time it is read."""
    config, _ = ChatbotConfig.objects.get_or_create(pk=1)
    return config


def _keyword_matches(message: str, keyword: WhatsAppKeywordResponse) -> bool:
    for word in (k.strip().lower() for k in keyword.keywords.split(",")):
        if not word:
            continue
        if keyword.match_type == MatchType.EXACT and message == word:
            return True
        if keyword.match_type == MatchType.STARTS_WITH and message.startswith(word):
            return True
        if keyword.match_type == MatchType.ENDS_WITH and message.endswith(word):
            return True
        if keyword.match_type == MatchType.CONTAINS and word in message:
            return True
    return False


def _quick_reply_for(message: str) -> WhatsAppQuickReply | None:
    replies = WhatsAppQuickReply.objects.filter(is_active=True, deleted_at__isnull=True)
    button = QUICK_REPLY_BUTTON.match(message)
    if button:
        return replies.filter(pk=int(button.group(1))).first()
    # A message that is a button's text or its message (what tapping it sends).
    for reply in replies.order_by("display_order", "id")[:QUICK_REPLIES_MAX]:
        if message in (reply.button_text.strip().lower(), reply.message_text.strip().lower()):
            return reply
    return None


def _has_trigger(message: str, triggers: list[str]) -> bool:
    # Whole words: the legacy's substring test answered "which" and "this" as greetings.
    words = set(re.findall(r"[\w']+", message))
    return any(
        (trigger.lower() in message if " " in trigger else trigger.lower() in words)
        for trigger in triggers
        if trigger.strip()
    )


def chatbot_answer(text: str) -> Answer:
    message = text.strip().lower()
    reply = _quick_reply_for(message)
    if reply is not None:
        # The dynamic types (price, slots, contact) answered from the database in the legacy;
        # here every button answers its configured message.
        return Answer(text=reply.message_text, intent="quick_reply", quick_reply_id=reply.pk)
    keywords = WhatsAppKeywordResponse.objects.filter(
        is_active=True, deleted_at__isnull=True
    ).order_by("-priority", "id")[:KEYWORDS_MAX]
    for keyword in keywords:
        if _keyword_matches(message, keyword):
            return Answer(text=keyword.response, intent="keyword", keyword_id=keyword.pk)
    config = chatbot_config()
    if _has_trigger(message, config.greeting_triggers):
        template = config.greeting_template_name if config.use_greeting_template else ""
        return Answer(text=config.greeting_response, intent="greeting", template=template)
    if _has_trigger(message, config.help_triggers):
        return Answer(text=config.help_response, intent="help")
    return Answer(text=config.default_response, intent="default")
