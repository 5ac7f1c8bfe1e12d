"""SMS sending: the providers against a fake gateway on loopback, and the outbox task."""

import logging
import socket

import pytest
from django_tasks_db.models import DBTaskResult

from notify.choices import MessagePurpose, MessageStatus
from notify.models import ERASED_BODY, OutboundSms
from notify.providers import BulkSmsGatewayBackend, ConsoleSmsBackend
from notify.tasks import sms_send

pytestmark = pytest.mark.django_db


def test_the_gateway_gets_the_form_the_legacy_sent(sms_gateway):
    result = BulkSmsGatewayBackend().send(
        to="9812345678", body="123456 is your code", template_id="1607000000000000003"
    )

    assert result.accepted is True
    assert result.response == "1701|9812345678:req-0001"
    assert sms_gateway.received == [
        {
            "username": "lebrq",
            "password": "gateway-secret",
            "type": "0",
            "dlr": "0",
            "destination": "9812345678",
            "source": "LEBRQS",
            "message": "123456 is your code",
            "entityid": "1601000000000000001",
            "tempid": "1607000000000000003",
            "tmid": "1601000000000000001,1602000000000000002",
        }
    ]


@pytest.mark.parametrize(
    ("status", "answer"),
    [(200, "Error: invalid template"), (200, "1025|insufficient credit"), (500, "oops")],
)
def test_a_refusal_is_not_taken_for_a_send(sms_gateway, status, answer):
    sms_gateway.status, sms_gateway.answer = status, answer

    result = BulkSmsGatewayBackend().send(to="9812345678", body="x", template_id="t")

    assert result.accepted is False
    assert answer in result.response


def test_an_unreachable_gateway_is_a_refusal_not_a_crash(settings):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = "bulksms", f"http://127.0.0.1:{port}"

    result = BulkSmsGatewayBackend().send(to="9812345678", body="x", template_id="t")

    assert result.accepted is False
    assert "ConnectError" in result.response


def test_the_console_backend_writes_the_message_to_the_log_in_development(caplog, settings):
    settings.DEBUG = True
    with caplog.at_level(logging.INFO, logger="notify.sms"):
        result = ConsoleSmsBackend().send(
            to="9812345678", body="654321 is your code", template_id=""
        )

    assert result.accepted is True
    assert "9812345678" in caplog.text
    assert "654321 is your code" in caplog.text


def test_the_console_backend_never_logs_a_text_in_production(caplog, settings):
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="notify.sms"):
        result = ConsoleSmsBackend().send(
            to="9812345678", body="654321 is your code", template_id=""
        )

    assert result.accepted is True
    assert "9812345678" in caplog.text
    assert "654321" not in caplog.text
    assert "19 characters" in caplog.text


def queued(**fields) -> OutboundSms:
    defaults = {"to": "9812345678", "body": "111222 is your code", "purpose": MessagePurpose.OTP}
    return OutboundSms.objects.create(**(defaults | fields))


def test_a_secret_is_erased_once_the_gateway_accepted_it(sms_gateway):
    message = queued(sensitive=True)

    assert sms_send.call(message.pk) == MessageStatus.SENT

    message.refresh_from_db()
    assert (message.status, message.body, message.attempts) == (MessageStatus.SENT, ERASED_BODY, 1)
    assert message.provider == "bulksms"
    assert message.sent_at is not None
    assert sms_gateway.messages_to("9812345678") == ["111222 is your code"]


def test_a_message_is_sent_once_however_often_the_task_runs(sms_gateway):
    message = queued(purpose=MessagePurpose.NOTIFICATION, body="Your booking is confirmed")

    sms_send.call(message.pk)
    again = sms_send.call(message.pk)

    assert again.startswith("not sendable")
    assert len(sms_gateway.received) == 1
    message.refresh_from_db()
    assert message.body == "Your booking is confirmed"  # not a secret: kept as the record


def test_a_refused_message_stays_in_the_outbox_as_failed_and_can_be_sent_again(sms_gateway):
    message = queued(sensitive=True)
    sms_gateway.status, sms_gateway.answer = 503, "busy"

    assert sms_send.call(message.pk) == MessageStatus.FAILED
    message.refresh_from_db()
    assert (message.status, message.last_error) == (MessageStatus.FAILED, "HTTP 503: busy")
    assert message.body == "111222 is your code"

    sms_gateway.status, sms_gateway.answer = 200, "1701|ok"
    assert sms_send.call(message.pk) == MessageStatus.SENT
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (2, "")


def test_staff_send_failed_messages_again_from_the_admin(
    admin_client, django_capture_on_commit_callbacks
):
    failed = queued(status=MessageStatus.FAILED)
    sent = queued(status=MessageStatus.SENT)

    response = admin_client.post(
        "/admin/notify/outboundsms/",
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )

    assert "Queued 1 message(s) again." in response.content.decode()
    assert [r.args_kwargs["args"] for r in DBTaskResult.objects.all()] == [[failed.pk]]
