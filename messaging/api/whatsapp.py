"""WhatsApp (admin_whatsapp.py, whatsapp.py): the staff's inbox and chatbot settings
(app/admin/whatsapp.tsx), the website's chat window (components/FloatingChat.tsx), and the
provider's callback."""

from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from accounts.models import User
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.permissions import IsStaff
from lebrq.api.throttling import ClientAddressThrottle
from lebrq.api.views import PublicAPIView
from messaging import selectors, webhooks, whatsapp
from messaging.api.views import _valid
from messaging.chatbot import chatbot_config
from messaging.choices import ConversationStatus, MatchType, MessageOrigin, QuickReplyType
from messaging.exceptions import (
    ConversationNotFound,
    InvalidPhone,
    KeywordNotFound,
    QuickReplyNotFound,
    WebhookRefused,
)
from messaging.models import (
    ChatbotConfig,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from messaging.whatsapp import Incoming

STAMP = NaiveUtcDateTimeField()


def _stamp(value: Any) -> str | None:
    return STAMP.to_representation(value) if value else None


def _pages(total: int, per_page: int) -> int:
    return (total + per_page - 1) // per_page


# --- Shapes ---------------------------------------------------------------------------------


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "name": user.get_full_name() or user.username,
        "email": user.email or user.username,
    }


def conversation_body(conversation: WhatsAppConversation) -> dict[str, Any]:
    return {
        "id": conversation.pk,
        "phone_number": conversation.phone_number,
        "user": _person(conversation.user),
        "status": conversation.status,
        "message_count": conversation.message_count,
        "last_message": {
            "text": conversation.last_message_text,
            "direction": conversation.last_message_direction,
            "created_at": _stamp(conversation.last_message_at),
        }
        if conversation.last_message_direction
        else None,
        "last_message_at": _stamp(conversation.last_message_at),
        "created_at": _stamp(conversation.created_at),
        "updated_at": _stamp(conversation.updated_at),
    }


def message_body(message: WhatsAppMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "direction": message.direction,
        "text": message.text,
        "message_id": message.delivery_id or None,
        "status": message.status or message.delivery_status,
        "is_auto_reply": message.is_auto_reply,
        "keyword_id": message.keyword_id,
        "created_at": _stamp(message.created_at),
    }


def config_body(config: ChatbotConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in whatsapp.CONFIG_FIELDS}


def keyword_body(keyword: WhatsAppKeywordResponse) -> dict[str, Any]:
    return {
        "id": keyword.pk,
        "keywords": keyword.keywords,
        "response": keyword.response,
        "is_active": keyword.is_active,
        "match_type": keyword.match_type,
        "priority": keyword.priority,
        "created_at": _stamp(keyword.created_at),
        "updated_at": _stamp(keyword.updated_at),
    }


def quick_reply_body(reply: WhatsAppQuickReply) -> dict[str, Any]:
    return {
        "id": reply.pk,
        "button_text": reply.button_text,
        "message_text": reply.message_text,
        "parent_id": reply.parent_id,
        "response_type": reply.response_type,
        "display_order": reply.display_order,
        "is_active": reply.is_active,
        "created_at": _stamp(reply.created_at),
        "updated_at": _stamp(reply.updated_at),
    }


# --- Input ----------------------------------------------------------------------------------


class PageQuerySerializer(serializers.Serializer[Any]):
    page = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
    per_page = serializers.IntegerField(
        min_value=1, max_value=selectors.WHATSAPP_PAGE_MAX, default=20
    )


class ConversationQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(
        choices=ConversationStatus.choices, required=False, allow_blank=True, default=""
    )
    search = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")


class MessagesQuerySerializer(PageQuerySerializer):
    per_page = serializers.IntegerField(
        min_value=1, max_value=selectors.WHATSAPP_PAGE_MAX, default=50
    )


class WhatsAppReplySerializer(serializers.Serializer[Any]):
    # WhatsApp's limit on a text message.
    message = serializers.CharField(max_length=4096)


class ConversationStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=ConversationStatus.choices,
        error_messages={"invalid_choice": "Invalid status. Must be: active, closed, or archived"},
    )


class TriggerList(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=serializers.CharField(max_length=100), max_length=50, required=False, **kwargs
        )


class ChatbotConfigSerializer(serializers.Serializer[Any]):
    """PUT /admin/whatsapp/chatbot/config: the whole config as the screen read it."""

    greeting_triggers = TriggerList()
    help_triggers = TriggerList()
    greeting_response = serializers.CharField(max_length=4096, required=False)
    help_response = serializers.CharField(max_length=4096, required=False)
    default_response = serializers.CharField(max_length=4096, required=False)
    greeting_template_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, allow_null=True
    )
    use_greeting_template = serializers.BooleanField(required=False)

    def validate_greeting_template_name(self, value: str | None) -> str:
        return value or ""


class KeywordSerializer(serializers.Serializer[Any]):
    """POST /admin/whatsapp/keywords and PUT /admin/whatsapp/keywords/{id} (the same form;
    on PUT, fields left out or null keep their value, as the legacy)."""

    keywords = serializers.CharField(max_length=500)
    response = serializers.CharField(max_length=4096)
    is_active = serializers.BooleanField(default=True)
    match_type = serializers.ChoiceField(choices=MatchType.choices, default=MatchType.CONTAINS)
    priority = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, default=0)


class QuickReplySerializer(serializers.Serializer[Any]):
    button_text = serializers.CharField(max_length=200)
    message_text = serializers.CharField(max_length=500)
    parent_id = serializers.IntegerField(
        min_value=1, max_value=2**62, allow_null=True, default=None
    )
    response_type = serializers.ChoiceField(
        choices=QuickReplyType.choices, default=QuickReplyType.STATIC
    )
    display_order = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000, default=0)
    is_active = serializers.BooleanField(default=True)


def _changes(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    """A partial update's fields: those sent and not null."""
    sent = {k: v for k, v in (data.items() if hasattr(data, "items") else []) if v is not None}
    body = _valid(serializer_class(data=sent, partial=True))
    return {name: value for name, value in body.validated_data.items() if name in sent}


# --- Staff: conversations -------------------------------------------------------------------


@extend_schema(tags=["whatsapp"], responses=OpenApiTypes.OBJECT)
class ConversationListView(APIView):
    """GET /admin/whatsapp/conversations?page=&per_page=20&status=&search="""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        query = _valid(ConversationQuerySerializer(data=request.query_params)).validated_data
        page = selectors.whatsapp_conversations(
            status=query["status"],
            search=query["search"],
            page=query["page"],
            per_page=query["per_page"],
        )
        return Response(
            {
                "conversations": [conversation_body(c) for c in page.rows],
                "total": page.total,
                "page": query["page"],
                "per_page": query["per_page"],
                "total_pages": _pages(page.total, query["per_page"]),
            }
        )


@extend_schema(tags=["whatsapp"], responses=OpenApiTypes.OBJECT)
class ConversationMessagesView(APIView):
    """GET /admin/whatsapp/conversations/{id}/messages?page=1&per_page=50 (newest first)."""

    permission_classes = [IsStaff]

    def get(self, request: Request, conversation_id: int) -> Response:
        query = _valid(MessagesQuerySerializer(data=request.query_params)).validated_data
        conversation = selectors.whatsapp_conversation(conversation_id)
        if conversation is None:
            raise ConversationNotFound()
        page = selectors.whatsapp_messages(
            conversation=conversation, page=query["page"], per_page=query["per_page"]
        )
        return Response(
            {
                "conversation": {
                    "id": conversation.pk,
                    "phone_number": conversation.phone_number,
                    "status": conversation.status,
                    "user_id": conversation.user_id,
                },
                "messages": [message_body(m) for m in page.rows],
                "total": page.total,
                "page": query["page"],
                "per_page": query["per_page"],
                "total_pages": _pages(page.total, query["per_page"]),
            }
        )


@extend_schema(tags=["whatsapp"], request=WhatsAppReplySerializer, responses=OpenApiTypes.OBJECT)
class ConversationReplyView(APIView):
    """POST /admin/whatsapp/conversations/{id}/reply {message}: queued for the worker, within
    the 24-hour session window (409 outside it)."""

    permission_classes = [IsStaff]

    def post(self, request: Request, conversation_id: int) -> Response:
        body = _valid(WhatsAppReplySerializer(data=request.data))
        message = whatsapp.whatsapp_reply(
            staff=authenticated_user(request),
            conversation_id=conversation_id,
            text=body.validated_data["message"],
        )
        return Response(
            {
                "ok": True,
                "message": message_body(message),
                # Sent by the worker: the provider's answer lands on the message's status.
                "provider_response": {"status": message.delivery_status},
            }
        )


@extend_schema(
    tags=["whatsapp"], request=ConversationStatusSerializer, responses=OpenApiTypes.OBJECT
)
class ConversationStatusView(APIView):
    """PATCH /admin/whatsapp/conversations/{id}/status {status}."""

    permission_classes = [IsStaff]

    def patch(self, request: Request, conversation_id: int) -> Response:
        body = _valid(ConversationStatusSerializer(data=request.data))
        conversation = whatsapp.conversation_set_status(
            conversation_id=conversation_id,
            status=ConversationStatus(body.validated_data["status"]),
        )
        return Response(
            {
                "ok": True,
                "conversation": {
                    "id": conversation.pk,
                    "status": conversation.status,
                    "updated_at": _stamp(conversation.updated_at),
                },
            }
        )


# --- Staff: chatbot, keywords, quick replies ------------------------------------------------


@extend_schema(tags=["whatsapp"], request=ChatbotConfigSerializer, responses=OpenApiTypes.OBJECT)
class ChatbotConfigView(APIView):
    """GET and PUT /admin/whatsapp/chatbot/config."""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        return Response(config_body(chatbot_config()))

    def put(self, request: Request) -> Response:
        body = _valid(ChatbotConfigSerializer(data=request.data))
        config = whatsapp.chatbot_config_update(dict(body.validated_data))
        return Response({"ok": True, "config": config_body(config)})


@extend_schema(tags=["whatsapp"], request=KeywordSerializer, responses=OpenApiTypes.OBJECT)
class KeywordListView(APIView):
    """GET /admin/whatsapp/keywords {keywords}; POST creates one (201)."""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        return Response({"keywords": [keyword_body(k) for k in selectors.whatsapp_keywords()]})

    def post(self, request: Request) -> Response:
        body = _valid(KeywordSerializer(data=request.data))
        keyword = whatsapp.keyword_create(dict(body.validated_data))
        return Response({"ok": True, "keyword": keyword_body(keyword)}, status=201)


@extend_schema(tags=["whatsapp"], request=KeywordSerializer, responses=OpenApiTypes.OBJECT)
class KeywordDetailView(APIView):
    """GET, PUT and DELETE /admin/whatsapp/keywords/{id} (deleting keeps the row)."""

    permission_classes = [IsStaff]

    @extend_schema(operation_id="admin_whatsapp_keyword_retrieve")
    def get(self, request: Request, keyword_id: int) -> Response:
        keyword = selectors.whatsapp_keyword(keyword_id)
        if keyword is None:
            raise KeywordNotFound()
        return Response({"ok": True, "keyword": keyword_body(keyword)})

    def put(self, request: Request, keyword_id: int) -> Response:
        keyword = whatsapp.keyword_update(
            keyword_id=keyword_id, changes=_changes(KeywordSerializer, request.data)
        )
        return Response({"ok": True, "keyword": keyword_body(keyword)})

    def delete(self, request: Request, keyword_id: int) -> Response:
        whatsapp.keyword_delete(keyword_id=keyword_id)
        return Response({"ok": True, "message": "Keyword deleted successfully", "id": keyword_id})


@extend_schema(tags=["whatsapp"], request=QuickReplySerializer, responses=OpenApiTypes.OBJECT)
class QuickReplyListView(APIView):
    """GET /admin/whatsapp/quick-replies {ok, quick_replies}; POST creates one (201)."""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        replies = selectors.whatsapp_quick_replies()
        return Response({"ok": True, "quick_replies": [quick_reply_body(r) for r in replies]})

    def post(self, request: Request) -> Response:
        body = _valid(QuickReplySerializer(data=request.data))
        reply = whatsapp.quick_reply_create(dict(body.validated_data))
        return Response({"ok": True, "quick_reply": quick_reply_body(reply)}, status=201)


@extend_schema(tags=["whatsapp"], request=QuickReplySerializer, responses=OpenApiTypes.OBJECT)
class QuickReplyDetailView(APIView):
    """GET, PUT and DELETE /admin/whatsapp/quick-replies/{id} (deleting takes its sub-menu)."""

    permission_classes = [IsStaff]

    @extend_schema(operation_id="admin_whatsapp_quick_reply_retrieve")
    def get(self, request: Request, quick_reply_id: int) -> Response:
        reply = selectors.whatsapp_quick_reply(quick_reply_id)
        if reply is None:
            raise QuickReplyNotFound()
        return Response({"ok": True, "quick_reply": quick_reply_body(reply)})

    def put(self, request: Request, quick_reply_id: int) -> Response:
        data = request.data
        changes = _changes(QuickReplySerializer, data)
        if hasattr(data, "get") and "parent_id" in data and data.get("parent_id") is None:
            changes["parent_id"] = None  # Moving a button back to the top menu.
        reply = whatsapp.quick_reply_update(quick_reply_id=quick_reply_id, changes=changes)
        return Response({"ok": True, "quick_reply": quick_reply_body(reply)})

    def delete(self, request: Request, quick_reply_id: int) -> Response:
        children = whatsapp.quick_reply_delete(quick_reply_id=quick_reply_id)
        return Response(
            {
                "ok": True,
                "message": "Quick reply deleted successfully",
                "id": quick_reply_id,
                "children_deleted": children,
            }
        )


# --- The website's chat window --------------------------------------------------------------

# The browser that wrote from a number may read that number's transcript: the legacy showed
# anyone the messages of any number they typed in.
CHAT_COOKIE = "lebrq_wa_chat"
CHAT_COOKIE_SALT = "messaging.web-chat"
CHAT_COOKIE_MAX_AGE = 30 * 24 * 3600


def _chat_cookie(request: Request) -> tuple[str, int] | None:
    """(number, first message id) of the browser's chat cookie: the number it wrote from and
    its first message from it; None without a valid one."""
    value = request.get_signed_cookie(
        CHAT_COOKIE, default=None, salt=CHAT_COOKIE_SALT, max_age=CHAT_COOKIE_MAX_AGE
    )
    number, _, since = (value or "").partition("|")
    if not number or not since.isdigit():
        return None
    return number, int(since)


class WebChatAddressThrottle(ClientAddressThrottle):
    """The website's chat window needs no login: per client address (THROTTLE_RATES)."""

    scope = "whatsapp_web_ip"


class SendSessionSerializer(serializers.Serializer[Any]):
    """What FloatingChat.tsx sends: {to: "+<digits>", text}."""

    to = serializers.CharField(max_length=32)
    text = serializers.CharField(max_length=4096)


@extend_schema(tags=["whatsapp"], request=SendSessionSerializer, responses=OpenApiTypes.OBJECT)
class SendSessionView(PublicAPIView):
    """POST /whatsapp/send-session: a visitor's message from the website's chat window. It is
    kept in that number's conversation for staff (and answered by the chatbot in the window);
    nothing goes out on WhatsApp from this anonymous call (the legacy sent any text to any
    number from our business account)."""

    throttle_classes = [WebChatAddressThrottle]

    def post(self, request: Request) -> Response:
        body = _valid(SendSessionSerializer(data=request.data))
        message = whatsapp.whatsapp_receive(
            Incoming(
                number=body.validated_data["to"],
                text=body.validated_data["text"],
                origin=MessageOrigin.WEB,
            )
        )
        assert message is not None  # Web messages have no provider id to repeat.
        number = message.conversation.phone_number
        owned = _chat_cookie(request)
        # This browser's first message from this number: the transcript starts there.
        since = owned[1] if owned and owned[0] == number else message.pk
        response = Response({"ok": True, "provider": {"status": "received", "id": message.pk}})
        response.set_signed_cookie(
            CHAT_COOKIE,
            f"{number}|{since}",
            salt=CHAT_COOKIE_SALT,
            max_age=CHAT_COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response


class TranscriptQuerySerializer(serializers.Serializer[Any]):
    phone = serializers.CharField(max_length=32)


@extend_schema(tags=["whatsapp"], responses=OpenApiTypes.OBJECT)
class WebTranscriptView(PublicAPIView):
    """GET /whatsapp/messages?phone=: {phone, messages: [{direction, text, ts}]}. `direction`
    is the window's: "out" what the visitor wrote, "in" our answers (the window shows "in" as
    ours). Only the window's own messages since that browser first wrote from that number;
    other browsers get an empty list, and nobody gets the number's WhatsApp messages."""

    def get(self, request: Request) -> Response:
        phone = _valid(TranscriptQuerySerializer(data=request.query_params)).validated_data["phone"]
        owned = _chat_cookie(request)
        try:
            number = whatsapp.whatsapp_number(phone)
        except InvalidPhone:
            number = ""
        messages = []
        if number and owned and owned[0] == number:
            messages = selectors.web_transcript(number, since_id=owned[1])
        return Response(
            {
                "phone": phone,
                "messages": [
                    {
                        "direction": "out" if m.direction == "inbound" else "in",
                        "text": m.text,
                        "ts": f"{STAMP.to_representation(m.created_at)}Z",
                    }
                    for m in messages
                ],
            }
        )


# --- The provider's callback ----------------------------------------------------------------

# Messages taken from one callback (Route Mobile batches a few).
CALLBACK_MESSAGES_MAX = 50


def _route_mobile_text(entry: dict[str, Any]) -> str:
    interactive = entry.get("interactive") or {}
    button = interactive.get("button_reply") if isinstance(interactive, dict) else None
    if isinstance(button, dict) and button.get("id"):
        return str(button["id"])
    text = entry.get("text")
    if isinstance(text, dict):
        return str(text.get("body") or "")
    return str(entry.get("content") or text or "")


@extend_schema(tags=["whatsapp"], request=OpenApiTypes.OBJECT, responses=OpenApiTypes.OBJECT)
class WhatsAppCallbackView(PublicAPIView):
    """POST /whatsapp/webhook (and the legacy's /whatsapp/callback): customers' messages and
    delivery reports, from Route Mobile (JSON, X-Webhook-Token) or Twilio (a signed form). A
    bad token or signature is a 403 and nothing is stored."""

    parser_classes = [JSONParser, FormParser]

    def post(self, request: Request) -> Response:
        twilio_signature = request.headers.get("X-Twilio-Signature", "")
        if twilio_signature:
            form = request.POST
            params = {key: str(form.get(key) or "") for key in form}
            if not webhooks.twilio_signature_ok(
                url=request.build_absolute_uri(), params=params, signature=twilio_signature
            ):
                raise WebhookRefused()
            self._twilio(params)
        else:
            if not webhooks.route_mobile_token_ok(request.headers.get("X-Webhook-Token", "")):
                raise WebhookRefused()
            data = request.data if isinstance(request.data, dict) else {}
            self._route_mobile(data)
        return Response({"ok": True})

    def _twilio(self, params: dict[str, str]) -> None:
        if params.get("Body") or params.get("ButtonPayload"):
            whatsapp.whatsapp_receive(
                Incoming(
                    number=params.get("From", "").removeprefix("whatsapp:"),
                    text=params.get("ButtonPayload") or params.get("Body", ""),
                    provider_id=params.get("MessageSid", ""),
                )
            )
        elif params.get("MessageStatus"):
            whatsapp.whatsapp_delivery_status(
                provider_id=params.get("MessageSid", ""), status=params["MessageStatus"]
            )

    def _route_mobile(self, data: dict[str, Any]) -> None:
        for entry in (data.get("messages") or [])[:CALLBACK_MESSAGES_MAX]:
            if not isinstance(entry, dict):
                continue
            text = _route_mobile_text(entry)
            number = str(entry.get("from") or entry.get("source") or "")
            if not (text and number):
                continue
            try:
                whatsapp.whatsapp_receive(
                    Incoming(
                        number=number,
                        text=text[:4096],
                        provider_id=str(entry.get("message_id") or entry.get("id") or "")[:255],
                    )
                )
            except InvalidPhone:
                continue  # Nothing to answer; the provider need not send it again.
        for entry in (data.get("statuses") or [])[:CALLBACK_MESSAGES_MAX]:
            if isinstance(entry, dict):
                whatsapp.whatsapp_delivery_status(
                    provider_id=str(entry.get("id") or entry.get("message_id") or ""),
                    status=str(entry.get("status") or ""),
                )
