"""The provider delivering one WhatsApp callback several times at once, and a new number's
first messages arriving together, in real concurrent transactions on MariaDB: one message per
provider id, one answer per message, one conversation per number."""

import threading
from typing import Any

import pytest
from django.db import connection

from messaging.models import OutboundMessage, WhatsAppConversation, WhatsAppMessage
from tests.conftest import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERIES = 6
TOKEN = "rm-webhook-secret"


def _deliver_concurrently(bodies: list[dict[str, Any]]) -> list[int]:
    gate = threading.Barrier(len(bodies), timeout=60)
    statuses: list[int] = []
    lock = threading.Lock()
    client = bearer_client(UserFactory())
    client.credentials()

    def deliver(body: dict[str, Any]) -> None:
        try:
            gate.wait()
            status = client.post(
                "/api/whatsapp/webhook", body, format="json", HTTP_X_WEBHOOK_TOKEN=TOKEN
            ).status_code
            with lock:
                statuses.append(status)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def _callback(mid: str, text: str = "hi") -> dict[str, Any]:
    return {"messages": [{"from": "919876543210", "id": mid, "text": {"body": text}}]}


def test_one_callback_delivered_at_once_is_stored_and_answered_once(settings):
    settings.ROUTE_MOBILE_WEBHOOK_TOKEN = TOKEN
    statuses = _deliver_concurrently([_callback("wamid.same")] * DELIVERIES)

    assert statuses == [200] * DELIVERIES
    assert WhatsAppMessage.objects.filter(direction="inbound").count() == 1
    assert WhatsAppMessage.objects.filter(direction="outbound").count() == 1
    assert OutboundMessage.objects.count() == 1
    assert WhatsAppConversation.objects.get().message_count == 2


def test_a_new_numbers_first_messages_share_one_conversation(settings):
    settings.ROUTE_MOBILE_WEBHOOK_TOKEN = TOKEN
    bodies = [_callback(f"wamid.{n}", f"message {n}") for n in range(DELIVERIES)]
    statuses = _deliver_concurrently(bodies)

    assert statuses == [200] * DELIVERIES
    conversation = WhatsAppConversation.objects.get()
    # Each message and its answer counted under the conversation's row lock.
    assert conversation.message_count == 2 * DELIVERIES
    assert WhatsAppMessage.objects.filter(direction="inbound").count() == DELIVERIES
    assert OutboundMessage.objects.count() == DELIVERIES
