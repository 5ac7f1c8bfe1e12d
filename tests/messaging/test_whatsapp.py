"""WhatsApp (app/admin/whatsapp.tsx, components/FloatingChat.tsx, the provider's callback):
whole bodies as the screens read them, callbacks refused without the provider's token or
signature, answers and staff replies sent by the worker through the provider fakes, once,
within the session window; who may do what; bounded queries."""

import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from twilio.request_validator import RequestValidator

from messaging.models import (
    ChatbotConfig,
    OutboundMessage,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from tests import factories
from tests.conftest import bearer_client
from tests.messaging.fakes import TWILIO_TOKEN
from tests.messaging.test_outbound import _settled, _wait_for
from tests.task_worker import running_task_worker

pytestmark = pytest.mark.django_db

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
TOKEN = "rm-webhook-secret"
WEBHOOK = "/api/whatsapp/webhook"


class Stamp:
    def __init__(self, suffix: str = "") -> None:
        self.pattern = re.compile(STAMP.pattern + suffix)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(self.pattern.fullmatch(other))

    def __repr__(self) -> str:
        return "Stamp()"


@pytest.fixture(autouse=True)
def _webhook_token(settings):
    settings.ROUTE_MOBILE_WEBHOOK_TOKEN = TOKEN


def _route_mobile(client, *messages, token=TOKEN, statuses=()):
    return client.post(
        WEBHOOK,
        {"messages": list(messages), "statuses": list(statuses)},
        format="json",
        HTTP_X_WEBHOOK_TOKEN=token,
    )


def _inbound(text, number="919876543210", mid="wamid.1"):
    return {"from": number, "id": mid, "type": "text", "text": {"body": text}}


def _conversation(number="919876543210", *, wrote_ago=timedelta(hours=1), **fields):
    now = timezone.now()
    return WhatsAppConversation.objects.create(
        phone_number=number,
        last_inbound_at=now - wrote_ago if wrote_ago is not None else None,
        last_message_at=now,
        **fields,
    )


def _outbox_id(message: WhatsAppMessage) -> int:
    assert message.outbound_id is not None, "the message was not queued"
    return message.outbound_id


# --- The provider's callback ----------------------------------------------------------------


@pytest.mark.parametrize("token", ["", "wrong-token"])
def test_a_callback_without_the_shared_token_is_refused(api_client, token):
    response = _route_mobile(api_client, _inbound("hi"), token=token)
    assert response.status_code == 403
    assert response.json()["code"] == "invalid_signature"
    assert not WhatsAppConversation.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_no_token_configured_refuses_every_callback(api_client, settings):
    settings.ROUTE_MOBILE_WEBHOOK_TOKEN = ""
    assert _route_mobile(api_client, _inbound("hi"), token="").status_code == 403
    assert not WhatsAppMessage.objects.exists()


def test_a_twilio_callback_with_a_bad_signature_is_refused(api_client, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    form = {"From": "whatsapp:+919876543210", "Body": "hi", "MessageSid": "SM1"}
    response = api_client.post(
        WEBHOOK,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE="bm90IGEgc2lnbmF0dXJl",
    )
    assert response.status_code == 403
    assert not WhatsAppMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_keyword_is_answered_once_through_route_mobile(api_client, route_mobile_api):
    WhatsAppKeywordResponse.objects.create(
        keywords="price, cost", response="Halls from Rs 5,000 an hour.", priority=5
    )
    customer = factories.UserFactory(mobile="9876543210")
    with running_task_worker():
        assert _route_mobile(api_client, _inbound("What is the PRICE?")).json() == {"ok": True}
        # The provider delivers the same callback again: stored and answered once.
        assert _route_mobile(api_client, _inbound("What is the PRICE?")).status_code == 200
        reply = WhatsAppMessage.objects.get(direction="outbound")
        _wait_for(_settled(_outbox_id(reply)))
    conversation = WhatsAppConversation.objects.get()
    assert (conversation.phone_number, conversation.user, conversation.message_count) == (
        "919876543210",
        customer,
        2,
    )
    inbound = WhatsAppMessage.objects.get(direction="inbound")
    assert (inbound.text, inbound.inbound_id) == ("What is the PRICE?", "wamid.1")
    assert (reply.text, reply.is_auto_reply) == ("Halls from Rs 5,000 an hour.", True)
    assert route_mobile_api.requests_to("/wba/v1/messages") == [
        {"phone": "9876543210", "text": "Halls from Rs 5,000 an hour."}
    ]
    outbound = OutboundMessage.objects.get()
    assert (outbound.status, outbound.provider, outbound.provider_message_id) == (
        "sent",
        "routemobile",
        "rm-0001",
    )
    assert outbound.event_key == f"whatsapp-auto:{inbound.pk}"


def test_a_button_tap_answers_its_quick_reply_and_greetings_are_whole_words(api_client):
    menu = WhatsAppQuickReply.objects.create(button_text="Timings", message_text="Open 9 to 9")
    _route_mobile(
        api_client,
        {
            "from": "919876543210",
            "id": "wamid.b",
            "interactive": {"button_reply": {"id": f"qr_{menu.pk}"}},
        },
        _inbound("which hall is free?", mid="wamid.w"),
        _inbound("Hello there", mid="wamid.h"),
    )
    answers = list(
        WhatsAppMessage.objects.filter(direction="outbound").values_list("text", flat=True)
    )
    config = ChatbotConfig.objects.get()
    assert answers == ["Open 9 to 9", config.default_response, config.greeting_response]


def test_delivery_reports_update_our_messages(api_client, staff_client):
    conversation = _conversation()
    staff_client.post(
        f"/api/admin/whatsapp/conversations/{conversation.pk}/reply",
        {"message": "On our way"},
        format="json",
    )
    OutboundMessage.objects.update(provider_message_id="rm-77", status="sent")
    _route_mobile(api_client, statuses=[{"id": "rm-77", "status": "read"}])
    messages = staff_client.get(f"/api/admin/whatsapp/conversations/{conversation.pk}/messages")
    assert messages.json()["messages"][0]["status"] == "read"
    assert messages.json()["messages"][0]["message_id"] == "rm-77"


@pytest.mark.django_db(transaction=True)
def test_a_signed_twilio_message_is_stored_and_answered_through_twilio(api_client, twilio_api):
    form = {
        "From": "whatsapp:+919876543210",
        "To": "whatsapp:+14155238886",
        "Body": "help",
        "MessageSid": "SM" + "9" * 32,
    }
    url = "http://testserver" + WEBHOOK
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(url, form)
    with running_task_worker():
        response = api_client.post(
            WEBHOOK,
            urlencode(form),
            content_type="application/x-www-form-urlencoded",
            HTTP_X_TWILIO_SIGNATURE=signature,
        )
        assert response.status_code == 200, response.content
        reply = WhatsAppMessage.objects.get(direction="outbound")
        _wait_for(_settled(_outbox_id(reply)))
    [sent] = twilio_api.requests_to("/Messages.json")
    assert sent == {
        "To": "whatsapp:+919876543210",
        "From": "whatsapp:+14155238886",
        "Body": ChatbotConfig.objects.get().help_response,
    }
    reply.refresh_from_db()
    assert reply.outbound is not None
    assert reply.outbound.provider_message_id.startswith("SM")


# --- Staff: conversations -------------------------------------------------------------------


def test_staff_list_conversations_as_the_screen_reads_them(api_client, staff_client):
    customer = factories.UserFactory(mobile="+91 98765 43210", first_name="Asha", last_name="K")
    _conversation("447700900123", status="closed")
    _route_mobile(api_client, _inbound("hello"))

    response = staff_client.get("/api/admin/whatsapp/conversations?page=1&per_page=20")
    assert response.status_code == 200
    body = response.json()
    conversation = WhatsAppConversation.objects.get(phone_number="919876543210")
    assert body["total"] == 2
    assert (body["page"], body["per_page"], body["total_pages"]) == (1, 20, 1)
    assert body["conversations"][0] == {
        "id": conversation.pk,
        "phone_number": "919876543210",
        "user": {"id": customer.pk, "name": "Asha K", "email": customer.email},
        "status": "active",
        "message_count": 2,
        "last_message": {
            "text": ChatbotConfig.objects.get().greeting_response,
            "direction": "outbound",
            "created_at": Stamp(),
        },
        "last_message_at": Stamp(),
        "created_at": Stamp(),
        "updated_at": Stamp(),
    }
    closed = staff_client.get("/api/admin/whatsapp/conversations?status=closed&search=4477")
    assert [c["phone_number"] for c in closed.json()["conversations"]] == ["447700900123"]
    assert closed.json()["conversations"][0]["last_message"] is None
    assert staff_client.get("/api/admin/whatsapp/conversations?status=nope").status_code == 400


def test_staff_read_a_conversations_messages_newest_first(api_client, staff_client):
    WhatsAppKeywordResponse.objects.create(keywords="venue", response="We have three halls.")
    _route_mobile(api_client, _inbound("venue please"))
    conversation = WhatsAppConversation.objects.get()
    inbound, reply = WhatsAppMessage.objects.order_by("id")
    keyword = WhatsAppKeywordResponse.objects.get()

    response = staff_client.get(
        f"/api/admin/whatsapp/conversations/{conversation.pk}/messages?page=1&per_page=50"
    )
    assert response.status_code == 200
    assert response.json() == {
        "conversation": {
            "id": conversation.pk,
            "phone_number": "919876543210",
            "status": "active",
            "user_id": None,
        },
        "messages": [
            {
                "id": reply.pk,
                "direction": "outbound",
                "text": "We have three halls.",
                "message_id": None,
                "status": "queued",
                "is_auto_reply": True,
                "keyword_id": keyword.pk,
                "created_at": Stamp(),
            },
            {
                "id": inbound.pk,
                "direction": "inbound",
                "text": "venue please",
                "message_id": "wamid.1",
                "status": "delivered",
                "is_auto_reply": False,
                "keyword_id": None,
                "created_at": Stamp(),
            },
        ],
        "total": 2,
        "page": 1,
        "per_page": 50,
        "total_pages": 1,
    }
    assert staff_client.get("/api/admin/whatsapp/conversations/999999/messages").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_staff_reply_within_the_window_is_sent_once_by_the_worker(
    staff_user, staff_client, route_mobile_api
):
    conversation = _conversation(wrote_ago=timedelta(hours=23))
    with running_task_worker():
        response = staff_client.post(
            f"/api/admin/whatsapp/conversations/{conversation.pk}/reply",
            {"message": "Your hall is ready."},
            format="json",
        )
        assert response.status_code == 200, response.content
        message = WhatsAppMessage.objects.get()
        _wait_for(_settled(_outbox_id(message)))
    assert response.json() == {
        "ok": True,
        "message": {
            "id": message.pk,
            "direction": "outbound",
            "text": "Your hall is ready.",
            "message_id": None,
            "status": "queued",
            "is_auto_reply": False,
            "keyword_id": None,
            "created_at": Stamp(),
        },
        "provider_response": {"status": "queued"},
    }
    assert route_mobile_api.requests_to("/wba/v1/messages") == [
        {"phone": "9876543210", "text": "Your hall is ready."}
    ]
    message.refresh_from_db()
    assert message.outbound is not None
    assert (message.sent_by, message.outbound.status, message.outbound.attempts) == (
        staff_user,
        "sent",
        1,
    )
    conversation.refresh_from_db()
    assert (conversation.message_count, conversation.last_message_direction) == (1, "outbound")


@pytest.mark.parametrize("wrote_ago", [timedelta(hours=24, minutes=1), None])
def test_a_reply_outside_the_session_window_is_a_409_and_sends_nothing(staff_client, wrote_ago):
    conversation = _conversation(wrote_ago=wrote_ago)
    response = staff_client.post(
        f"/api/admin/whatsapp/conversations/{conversation.pk}/reply",
        {"message": "Hello?"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "outside_session_window"
    assert not WhatsAppMessage.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_staff_close_and_reopen_a_conversation(staff_client, api_client):
    conversation = _conversation()
    url = f"/api/admin/whatsapp/conversations/{conversation.pk}/status"
    response = staff_client.patch(url, {"status": "closed"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "conversation": {"id": conversation.pk, "status": "closed", "updated_at": Stamp()},
    }
    bad = staff_client.patch(url, {"status": "deleted"}, format="json")
    assert bad.status_code == 400
    assert "Invalid status" in bad.json()["detail"]
    conversation.refresh_from_db()
    assert conversation.status == "closed"
    # The customer writing again reopens it.
    _route_mobile(api_client, _inbound("hi again"))
    conversation.refresh_from_db()
    assert conversation.status == "active"


# --- Staff: the chatbot's settings ----------------------------------------------------------


def test_the_chatbot_config_is_read_and_saved(staff_client):
    defaults = staff_client.get("/api/admin/whatsapp/chatbot/config")
    assert defaults.status_code == 200
    assert defaults.json() == {
        "greeting_triggers": ["hi", "hii", "hiii", "hello", "hey", "start", "hey there"],
        "help_triggers": ["help", "support", "assist"],
        "greeting_response": "Hello welcome to brq how can i help you",
        "help_response": "I'm here to help! How can I assist you with your venue booking or "
        "event planning?",
        "default_response": "Thank you for your message. A team member will respond shortly.",
        "greeting_template_name": "",
        "use_greeting_template": False,
    }
    edited = {
        **defaults.json(),
        "greeting_triggers": ["namaste", "hi"],
        "greeting_response": "Welcome to LeBRQ!",
        "greeting_template_name": None,
    }
    saved = staff_client.put("/api/admin/whatsapp/chatbot/config", edited, format="json")
    assert saved.status_code == 200
    expected = {**edited, "greeting_template_name": ""}
    assert saved.json() == {"ok": True, "config": expected}
    assert staff_client.get("/api/admin/whatsapp/chatbot/config").json() == expected
    refused = staff_client.put(
        "/api/admin/whatsapp/chatbot/config", {"greeting_triggers": "hi"}, format="json"
    )
    assert refused.status_code == 400
    assert ChatbotConfig.objects.get().greeting_triggers == ["namaste", "hi"]


def test_keywords_are_created_edited_listed_and_deleted(staff_client):
    form = {
        "keywords": "price, cost",
        "response": "From Rs 5,000",
        "is_active": True,
        "match_type": "contains",
        "priority": 3,
    }
    created = staff_client.post("/api/admin/whatsapp/keywords", form, format="json")
    assert created.status_code == 201
    keyword = WhatsAppKeywordResponse.objects.get()
    body = {"id": keyword.pk, **form, "created_at": Stamp(), "updated_at": Stamp()}
    assert created.json() == {"ok": True, "keyword": body}
    assert staff_client.get("/api/admin/whatsapp/keywords").json() == {"keywords": [body]}
    assert staff_client.get(f"/api/admin/whatsapp/keywords/{keyword.pk}").json() == {
        "ok": True,
        "keyword": body,
    }

    edited = staff_client.put(
        f"/api/admin/whatsapp/keywords/{keyword.pk}",
        {**form, "match_type": "exact", "priority": None},
        format="json",
    )
    assert edited.status_code == 200
    assert edited.json()["keyword"] | {"created_at": 0, "updated_at": 0} == {
        **body,
        "match_type": "exact",
        "created_at": 0,
        "updated_at": 0,
    }
    assert (
        staff_client.post(
            "/api/admin/whatsapp/keywords", {**form, "match_type": "regex"}, format="json"
        ).status_code
        == 400
    )

    deleted = staff_client.delete(f"/api/admin/whatsapp/keywords/{keyword.pk}")
    assert deleted.json() == {
        "ok": True,
        "message": "Keyword deleted successfully",
        "id": keyword.pk,
    }
    again = staff_client.delete(f"/api/admin/whatsapp/keywords/{keyword.pk}")
    assert again.status_code == 400
    assert again.json()["detail"] == "Keyword is already deleted"
    assert staff_client.get("/api/admin/whatsapp/keywords").json() == {"keywords": []}
    assert staff_client.get(f"/api/admin/whatsapp/keywords/{keyword.pk}").status_code == 404
    assert staff_client.delete("/api/admin/whatsapp/keywords/999999").status_code == 404


def test_quick_replies_nest_and_delete_with_their_sub_menu(staff_client):
    form = {
        "button_text": "Price",
        "message_text": "price",
        "parent_id": None,
        "response_type": "static",
        "display_order": 1,
        "is_active": True,
    }
    parent = staff_client.post("/api/admin/whatsapp/quick-replies", form, format="json")
    assert parent.status_code == 201
    parent_id = parent.json()["quick_reply"]["id"]
    assert parent.json() == {
        "ok": True,
        "quick_reply": {"id": parent_id, **form, "created_at": Stamp(), "updated_at": Stamp()},
    }
    child = staff_client.post(
        "/api/admin/whatsapp/quick-replies",
        {**form, "button_text": "Hall", "message_text": "hall price", "parent_id": parent_id},
        format="json",
    ).json()["quick_reply"]
    top = staff_client.post(
        "/api/admin/whatsapp/quick-replies",
        {**form, "button_text": "Slots", "message_text": "slots", "display_order": 2},
        format="json",
    ).json()["quick_reply"]
    listed = staff_client.get("/api/admin/whatsapp/quick-replies").json()
    assert listed["ok"] is True
    assert [r["id"] for r in listed["quick_replies"]] == [parent_id, top["id"], child["id"]]
    assert (
        staff_client.get(f"/api/admin/whatsapp/quick-replies/{child['id']}").json()["quick_reply"][
            "parent_id"
        ]
        == parent_id
    )

    unknown = staff_client.post(
        "/api/admin/whatsapp/quick-replies", {**form, "parent_id": 999999}, format="json"
    )
    assert unknown.status_code == 400
    moved = staff_client.put(
        f"/api/admin/whatsapp/quick-replies/{child['id']}",
        {**form, "button_text": "Hall", "parent_id": None},
        format="json",
    )
    assert moved.json()["quick_reply"]["parent_id"] is None
    staff_client.put(
        f"/api/admin/whatsapp/quick-replies/{child['id']}",
        {"parent_id": parent_id},
        format="json",
    )

    deleted = staff_client.delete(f"/api/admin/whatsapp/quick-replies/{parent_id}")
    assert deleted.json() == {
        "ok": True,
        "message": "Quick reply deleted successfully",
        "id": parent_id,
        "children_deleted": 1,
    }
    remaining = staff_client.get("/api/admin/whatsapp/quick-replies").json()["quick_replies"]
    assert [r["id"] for r in remaining] == [top["id"]]
    assert staff_client.delete(f"/api/admin/whatsapp/quick-replies/{parent_id}").status_code == 400


# --- The website's chat window --------------------------------------------------------------


def test_a_visitor_writes_from_the_website_and_reads_the_answers(api_client, staff_client):
    WhatsAppKeywordResponse.objects.create(keywords="hall", response="Three halls, 50 to 500.")
    sent = api_client.post(
        "/api/whatsapp/send-session",
        {"to": "+919876543210", "text": "Which hall fits 80?"},
        format="json",
    )
    assert sent.status_code == 200
    assert sent.json()["ok"] is True
    # Kept for staff, answered in the window; nothing goes out on WhatsApp from the website.
    assert not OutboundMessage.objects.exists()
    assert WhatsAppMessage.objects.filter(origin="web").count() == 2

    transcript = api_client.get("/api/whatsapp/messages?phone=%2B919876543210")
    assert transcript.status_code == 200
    assert transcript.json() == {
        "phone": "+919876543210",
        "messages": [
            {"direction": "out", "text": "Which hall fits 80?", "ts": Stamp("Z")},
            {"direction": "in", "text": "Three halls, 50 to 500.", "ts": Stamp("Z")},
        ],
    }
    listed = staff_client.get("/api/admin/whatsapp/conversations").json()["conversations"]
    assert [c["phone_number"] for c in listed] == ["919876543210"]
    # No WhatsApp message from the customer: no session window for staff replies yet.
    reply = staff_client.post(
        f"/api/admin/whatsapp/conversations/{listed[0]['id']}/reply",
        {"message": "Hi"},
        format="json",
    )
    assert reply.status_code == 409


def test_another_browser_cannot_read_a_numbers_transcript(api_client):
    api_client.post(
        "/api/whatsapp/send-session", {"to": "+919876543210", "text": "hi"}, format="json"
    )
    stranger = bearer_client(factories.UserFactory())
    stranger.credentials()
    body = stranger.get("/api/whatsapp/messages?phone=%2B919876543210").json()
    assert body == {"phone": "+919876543210", "messages": []}
    # Nor does the writer's cookie open another number.
    assert api_client.get("/api/whatsapp/messages?phone=%2B919999999999").json()["messages"] == []


def test_the_website_window_refuses_bad_numbers_and_floods(api_client, monkeypatch):
    from messaging import whatsapp

    bad = api_client.post("/api/whatsapp/send-session", {"to": "+12", "text": "hi"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_phone"
    monkeypatch.setattr(whatsapp, "WEB_MESSAGES_PER_HOUR", 2)
    for _ in range(2):
        api_client.post(
            "/api/whatsapp/send-session", {"to": "+919876543210", "text": "x"}, format="json"
        )
    flood = api_client.post(
        "/api/whatsapp/send-session", {"to": "+919876543210", "text": "x"}, format="json"
    )
    assert flood.status_code == 429
    assert WhatsAppMessage.objects.filter(direction="inbound").count() == 2


# --- Authorization matrix -------------------------------------------------------------------


def test_authorization_matrix(api_client, customer_client, staff_client):
    conversation = _conversation()
    keyword = WhatsAppKeywordResponse.objects.create(keywords="a", response="b")
    reply = WhatsAppQuickReply.objects.create(button_text="a", message_text="b")
    staff_only = [
        ("get", "/api/admin/whatsapp/chatbot/config", None, 200),
        ("put", "/api/admin/whatsapp/chatbot/config", {"greeting_triggers": "x"}, 400),
        ("get", "/api/admin/whatsapp/conversations", None, 200),
        ("get", f"/api/admin/whatsapp/conversations/{conversation.pk}/messages", None, 200),
        ("post", f"/api/admin/whatsapp/conversations/{conversation.pk}/reply", {}, 400),
        ("patch", f"/api/admin/whatsapp/conversations/{conversation.pk}/status", {}, 400),
        ("get", "/api/admin/whatsapp/keywords", None, 200),
        ("post", "/api/admin/whatsapp/keywords", {}, 400),
        ("get", f"/api/admin/whatsapp/keywords/{keyword.pk}", None, 200),
        ("put", f"/api/admin/whatsapp/keywords/{keyword.pk}", {"match_type": "x"}, 400),
        ("delete", f"/api/admin/whatsapp/keywords/{keyword.pk}", None, 200),
        ("get", "/api/admin/whatsapp/quick-replies", None, 200),
        ("post", "/api/admin/whatsapp/quick-replies", {}, 400),
        ("get", f"/api/admin/whatsapp/quick-replies/{reply.pk}", None, 200),
        ("put", f"/api/admin/whatsapp/quick-replies/{reply.pk}", {"response_type": "x"}, 400),
        ("delete", f"/api/admin/whatsapp/quick-replies/{reply.pk}", None, 200),
    ]
    public: list[tuple[str, str, dict[str, str] | None, int]] = [
        ("get", "/api/whatsapp/messages?phone=919876543210", None, 200),
        ("post", "/api/whatsapp/send-session", {}, 400),
    ]
    for method, path, body, staff_status in staff_only:
        for client, expected in ((api_client, 401), (customer_client, 403)):
            response = getattr(client, method)(path, body, format="json")
            assert response.status_code == expected, (method, path)
            assert {"detail", "message", "code"} <= response.json().keys()
        response = getattr(staff_client, method)(path, body, format="json")
        assert response.status_code == staff_status, (method, path, response.content)
    for method, path, body, status in public:
        for client in (api_client, customer_client, staff_client):
            assert getattr(client, method)(path, body, format="json").status_code == status
    # The callback: the provider's token, whoever else calls.
    for client in (api_client, customer_client, staff_client):
        assert _route_mobile(client, token="nope").status_code == 403
        assert _route_mobile(client).status_code == 200


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 6])
def test_lists_cost_fixed_queries(rows, staff_client, django_assert_num_queries):
    for n in range(rows):
        conversation = _conversation(
            f"91987654{n:04d}", user=factories.UserFactory(mobile=f"987654{n:04d}")
        )
        for i in range(2):
            WhatsAppMessage.objects.create(
                conversation=conversation, direction="inbound", text=f"m{i}"
            )
        WhatsAppKeywordResponse.objects.create(keywords=f"k{n}", response="r")
        parent = WhatsAppQuickReply.objects.create(button_text=f"b{n}", message_text="m")
        WhatsAppQuickReply.objects.create(button_text="c", message_text="m", parent=parent)
    # Authentication (the user row) + count + page.
    with django_assert_num_queries(3):
        body = staff_client.get("/api/admin/whatsapp/conversations").json()
        assert len(body["conversations"]) == rows
    conversation = WhatsAppConversation.objects.order_by("id")[0]
    # Authentication + conversation + count + page (messages with their outbox rows).
    with django_assert_num_queries(4):
        staff_client.get(f"/api/admin/whatsapp/conversations/{conversation.pk}/messages")
    with django_assert_num_queries(2):
        assert len(staff_client.get("/api/admin/whatsapp/keywords").json()["keywords"]) == rows
    # Authentication + menus + sub-menus.
    with django_assert_num_queries(3):
        listed = staff_client.get("/api/admin/whatsapp/quick-replies").json()["quick_replies"]
        assert len(listed) == 2 * rows


def test_settings_lists_are_bounded(staff_client, monkeypatch):
    from messaging import selectors

    monkeypatch.setattr(selectors, "WHATSAPP_SETTINGS_MAX", 2)
    for n in range(3):
        WhatsAppKeywordResponse.objects.create(keywords=f"k{n}", response="r")
        WhatsAppQuickReply.objects.create(button_text=f"b{n}", message_text="m")
    assert len(staff_client.get("/api/admin/whatsapp/keywords").json()["keywords"]) == 2
    assert len(staff_client.get("/api/admin/whatsapp/quick-replies").json()["quick_replies"]) == 2
    assert staff_client.get("/api/admin/whatsapp/conversations?per_page=101").status_code == 400


def test_a_customer_who_opted_out_gets_no_reply_and_no_auto_answer(staff_client, api_client):
    from messaging.outbound import opt_out

    conversation = _conversation()
    opt_out(channel="whatsapp", to="+919876543210", reason="STOP")
    response = staff_client.post(
        f"/api/admin/whatsapp/conversations/{conversation.pk}/reply",
        {"message": "Hello"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "opted_out"
    _route_mobile(api_client, _inbound("hello"))
    answer = WhatsAppMessage.objects.get(direction="outbound")
    assert (answer.status, answer.outbound_id) == ("opted_out", None)
    assert not OutboundMessage.objects.exists()


def test_a_sub_menu_stays_one_level_deep(staff_client):
    form = {"button_text": "Menu", "message_text": "menu"}
    top = staff_client.post("/api/admin/whatsapp/quick-replies", form, format="json").json()
    child = staff_client.post(
        "/api/admin/whatsapp/quick-replies",
        {**form, "parent_id": top["quick_reply"]["id"]},
        format="json",
    ).json()["quick_reply"]
    under_child = staff_client.post(
        "/api/admin/whatsapp/quick-replies", {**form, "parent_id": child["id"]}, format="json"
    )
    assert under_child.status_code == 400
    # A button with its own sub-menu cannot move under another (nor under itself).
    other = staff_client.post("/api/admin/whatsapp/quick-replies", form, format="json").json()
    top_id = top["quick_reply"]["id"]
    for parent_id in (other["quick_reply"]["id"], top_id):
        moved = staff_client.put(
            f"/api/admin/whatsapp/quick-replies/{top_id}", {"parent_id": parent_id}, format="json"
        )
        assert moved.status_code == 400
    assert WhatsAppQuickReply.objects.get(pk=top_id).parent_id is None


@pytest.mark.parametrize("rows", [1, 8])
def test_the_web_transcript_costs_fixed_queries(rows, api_client, django_assert_num_queries):
    api_client.post(
        "/api/whatsapp/send-session", {"to": "+919876543210", "text": "hi"}, format="json"
    )
    conversation = WhatsAppConversation.objects.get()
    for n in range(rows):
        WhatsAppMessage.objects.create(
            conversation=conversation, direction="outbound", origin="web", text=f"{n}"
        )
    with django_assert_num_queries(1):
        body = api_client.get("/api/whatsapp/messages?phone=%2B919876543210").json()
    assert len(body["messages"]) == rows + 2


def test_a_customer_who_sends_stop_is_opted_out(api_client, staff_client):
    from messaging.models import OptOut

    _route_mobile(api_client, _inbound("STOP"))
    assert OptOut.objects.filter(channel="whatsapp", address="9876543210").exists()
    # Not answered, and staff cannot write to them any more.
    assert not WhatsAppMessage.objects.filter(direction="outbound").exists()
    conversation = WhatsAppConversation.objects.get()
    response = staff_client.post(
        f"/api/admin/whatsapp/conversations/{conversation.pk}/reply/",
        {"message": "Sorry to see you go"},
        format="json",
    )
    assert response.status_code == 409


def test_only_whatsapp_links_a_number_to_its_customer(api_client):
    customer = factories.UserFactory(mobile="9876543210")
    api_client.post(
        "/api/whatsapp/send-session", {"to": "+919876543210", "text": "hi"}, format="json"
    )
    assert WhatsAppConversation.objects.get().user is None
    _route_mobile(api_client, _inbound("hi from my phone"))
    assert WhatsAppConversation.objects.get().user == customer


def test_typing_someones_number_shows_none_of_their_messages(api_client):
    # The customer's own WhatsApp conversation, and a stranger's earlier visit to the window.
    _route_mobile(api_client, _inbound("my booking code is BK-1"))
    stranger = bearer_client(factories.UserFactory())
    stranger.credentials()
    stranger.post(
        "/api/whatsapp/send-session", {"to": "+919876543210", "text": "earlier"}, format="json"
    )
    api_client.post(
        "/api/whatsapp/send-session", {"to": "+919876543210", "text": "mine"}, format="json"
    )
    texts = [
        m["text"]
        for m in api_client.get("/api/whatsapp/messages?phone=919876543210").json()["messages"]
    ]
    assert "my booking code is BK-1" not in texts
    assert "earlier" not in texts
    assert "mine" in texts


def test_the_website_window_is_rate_limited_per_address(api_client, settings):
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "whatsapp_web_ip": "2/hour"}
    for n in range(2):
        sent = api_client.post(
            "/api/whatsapp/send-session", {"to": f"+9198765432{n}0", "text": "x"}, format="json"
        )
        assert sent.status_code == 200
    refused = api_client.post(
        "/api/whatsapp/send-session", {"to": "+919876543299", "text": "x"}, format="json"
    )
    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert WhatsAppConversation.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_greeting_sends_the_configured_template(api_client, route_mobile_api, settings):
    settings.PLATFORM_NAME = "LeBRQ"
    ChatbotConfig.objects.create(
        pk=1, greeting_template_name="greet_temp", use_greeting_template=True
    )
    with running_task_worker():
        _route_mobile(api_client, _inbound("hello"))
        reply = WhatsAppMessage.objects.get(direction="outbound")
        _wait_for(_settled(_outbox_id(reply)))
    assert route_mobile_api.requests_to("/wba/v1/messages") == [
        {
            "phone": "9876543210",
            "media": {
                "type": "media_template",
                "template_name": "greet_temp",
                "lang_code": "en",
                "body": [{"text": "LeBRQ"}],
            },
        }
    ]


def test_a_signed_twilio_status_callback_updates_our_message(api_client, staff_client, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    conversation = _conversation()
    staff_client.post(
        f"/api/admin/whatsapp/conversations/{conversation.pk}/reply",
        {"message": "See you at six"},
        format="json",
    )
    OutboundMessage.objects.update(provider_message_id="SM" + "1" * 32, status="sent")
    form = {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered"}
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        "http://testserver" + WEBHOOK, form
    )
    response = api_client.post(
        WEBHOOK,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=signature,
    )
    assert response.status_code == 200
    assert WhatsAppMessage.objects.get().status == "delivered"
