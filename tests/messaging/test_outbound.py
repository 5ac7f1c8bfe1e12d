"""Outgoing messages: each channel's backend against a fake of its service on loopback, sent by
the real task worker, retried with backoff, recorded, and never twice for one event."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import BookingEvent, BookingGuest
from messaging.choices import Channel, OutboundStatus
from messaging.models import OutboundMessage
from messaging.outbound import Outgoing, opt_out, outbound_queue
from messaging.tasks import outbound_send
from notify.models import Notification
from tests import factories
from tests.task_worker import running_task_worker

WAIT = 15


def _wait_for(predicate, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail("timed out waiting for the worker")


def _settled(message_id: int, status: str = OutboundStatus.SENT):
    return lambda: OutboundMessage.objects.filter(pk=message_id, status=status).exists()


def _queue(channel: Channel, to: str, key: str = "test:1", **kwargs) -> OutboundMessage:
    with transaction.atomic():
        message, queued = outbound_queue(
            Outgoing(channel=channel, to=to, body="Hello there", event_key=key, **kwargs)
        )
    assert queued
    assert message is not None
    return message


@pytest.mark.django_db(transaction=True)
def test_route_mobile_template_sent_once_with_its_id(route_mobile_api):
    with running_task_worker():
        message = _queue(
            Channel.WHATSAPP, "+91 98765 43210", template="bookingreg", params=["Asha", ""]
        )
        _wait_for(_settled(message.pk))
        # The same event again queues nothing, and a rerun of the task sends nothing.
        assert (
            outbound_queue(
                Outgoing(channel=Channel.WHATSAPP, to="9876543210", body="x", event_key="test:1")
            )[1]
            is False
        )
        outbound_send.enqueue(message.pk)
        time.sleep(0.5)
    sent = route_mobile_api.requests_to("/wba/v1/messages")
    assert sent == [
        {
            "phone": "9876543210",
            "media": {
                "type": "media_template",
                "template_name": "bookingreg",
                "lang_code": "en",
                "body": [{"text": "Asha"}, {"text": "N/A"}],
            },
        }
    ]
    message.refresh_from_db()
    assert (message.status, message.provider, message.provider_message_id, message.attempts) == (
        "sent",
        "routemobile",
        "rm-0001",
        1,
    )


@pytest.mark.django_db(transaction=True)
def test_an_outage_is_retried_with_backoff_and_recorded(route_mobile_api, settings):
    settings.MESSAGING_RETRY_BACKOFF_SECONDS = 0.2
    route_mobile_api.fail_next = [503, 500]
    with running_task_worker():
        message = _queue(Channel.WHATSAPP, "9876543210")
        _wait_for(_settled(message.pk))
    message.refresh_from_db()
    assert message.attempts == 3
    assert message.last_error == ""
    assert len(route_mobile_api.requests_to("/wba/v1/messages")) == 3
    assert route_mobile_api.requests_to("/wba/v1/messages")[0] == {
        "phone": "9876543210",
        "text": "Hello there",
    }


@pytest.mark.django_db(transaction=True)
def test_a_refusal_is_final_and_attempts_are_bounded(route_mobile_api, settings):
    settings.MESSAGING_RETRY_BACKOFF_SECONDS = 0.05
    settings.MESSAGING_MAX_ATTEMPTS = 2
    route_mobile_api.fail_next = [400]
    with running_task_worker():
        refused = _queue(Channel.WHATSAPP, "9876543210", key="test:refused")
        _wait_for(_settled(refused.pk, OutboundStatus.FAILED))
        route_mobile_api.fail_next = [503, 503, 503]
        down = _queue(Channel.WHATSAPP, "9876543211", key="test:down")
        _wait_for(lambda: OutboundMessage.objects.get(pk=down.pk).attempts == 2)
        time.sleep(0.5)
    refused.refresh_from_db()
    down.refresh_from_db()
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.last_error.startswith("HTTP 400")
    assert (down.status, down.attempts) == ("failed", 2)


@pytest.mark.django_db(transaction=True)
def test_twilio_through_its_official_client(twilio_api):
    with running_task_worker():
        template = _queue(
            Channel.WHATSAPP, "9876543210", key="t:1", template="bookingreg", params=["Asha"]
        )
        plain = _queue(Channel.WHATSAPP, "+44 7700 900123", key="t:2")
        _wait_for(_settled(template.pk))
        _wait_for(_settled(plain.pk))
    forms = twilio_api.requests_to("/Messages.json")
    assert sorted(forms, key=lambda form: form["To"]) == [
        {"To": "whatsapp:+447700900123", "From": "whatsapp:+14155238886", "Body": "Hello there"},
        {
            "To": "whatsapp:+919876543210",
            "From": "whatsapp:+14155238886",
            "ContentSid": "HX" + "1" * 32,
            "ContentVariables": '{"1": "Asha"}',
        },
    ]
    template.refresh_from_db()
    assert template.provider == "twilio"
    assert template.provider_message_id.startswith("SM")


@pytest.mark.django_db(transaction=True)
def test_smtp_email_and_a_temporary_refusal(smtp_server, settings):
    settings.MESSAGING_RETRY_BACKOFF_SECONDS = 0.1
    smtp_server.fail_next = [451]
    with running_task_worker():
        message = _queue(Channel.EMAIL, "asha@example.com", subject="Booking BK-1 approved")
        _wait_for(_settled(message.pk))
    [email] = smtp_server.messages
    assert email["To"] == "asha@example.com"
    assert email["Subject"] == "Booking BK-1 approved"
    assert email.get_payload().strip() == "Hello there"
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.provider_message_id == email["Message-ID"]


@pytest.mark.django_db(transaction=True)
def test_sms_through_notifys_gateway(sms_gateway):
    with running_task_worker():
        message = _queue(Channel.SMS, "+919876543210", template="1607000000000000009")
        _wait_for(_settled(message.pk))
    assert sms_gateway.messages_to("9876543210") == ["Hello there"]
    assert sms_gateway.received[0]["tempid"] == "1607000000000000009"
    message.refresh_from_db()
    assert message.provider == "sms:bulksms"
    assert message.provider_message_id == "req-0001"


@pytest.mark.django_db
def test_console_is_the_default_and_opt_outs_are_respected(caplog):
    opt_out(channel=Channel.WHATSAPP, to="+91 98765 43210", reason="STOP")
    message, queued = outbound_queue(
        Outgoing(channel=Channel.WHATSAPP, to="9876543210", body="x", event_key="k:1")
    )
    assert (message, queued) == (None, False)
    message, queued = outbound_queue(
        Outgoing(channel=Channel.EMAIL, to="a@example.com", body="Hi", event_key="k:2")
    )
    assert queued
    assert message is not None
    assert outbound_send.call(message.pk) == "sent"
    message.refresh_from_db()
    assert message.provider == "console"


# --- A booking's decision: one message per channel, whatever is retried ---------------------


@pytest.mark.django_db(transaction=True)
def test_booking_approval_notifies_once_per_channel(route_mobile_api, smtp_server, settings):
    settings.MESSAGING_BOOKING_CHANNELS = ["whatsapp", "email"]
    settings.MESSAGING_RETRY_BACKOFF_SECONDS = 0.1
    route_mobile_api.fail_next = [502]  # the first WhatsApp attempt fails: retried
    customer = factories.UserFactory(mobile="+919876543210")
    booking = factories.BookingFactory(user=customer)
    with running_task_worker():
        event = BookingEvent.objects.create(
            booking=booking, from_status=BookingStatus.PENDING, to_status=BookingStatus.APPROVED
        )
        # The event's record saved again, and its messages' tasks run again.
        event.save()
        for message in OutboundMessage.objects.all():
            outbound_send.enqueue(message.pk)
        _wait_for(lambda: OutboundMessage.objects.filter(status=OutboundStatus.SENT).count() == 2)
        time.sleep(0.5)
    assert len(route_mobile_api.requests_to("/wba/v1/messages")) == 2  # one failure, one send
    assert len(smtp_server.messages) == 1
    assert Notification.objects.filter(user=customer).count() == 1
    whatsapp = OutboundMessage.objects.get(channel=Channel.WHATSAPP)
    assert whatsapp.params[1] == booking.booking_reference
    assert whatsapp.event_key == f"booking-event:{event.pk}:whatsapp"


@pytest.mark.django_db
def test_a_failing_provider_never_fails_the_request(settings, staff_client, monkeypatch):
    """The approval's request only writes rows; even a provider that raises is the worker's."""
    from messaging import providers

    def broken(channel):
        raise RuntimeError("provider down")

    monkeypatch.setattr(providers, "backend_for", broken)
    customer = factories.UserFactory()
    booking = factories.BookingFactory(user=customer)
    BookingEvent.objects.create(
        booking=booking, from_status=BookingStatus.PENDING, to_status=BookingStatus.REJECTED
    )
    assert OutboundMessage.objects.count() == 2
    message = OutboundMessage.objects.filter(channel=Channel.EMAIL).get()
    from messaging import tasks

    monkeypatch.setattr(tasks, "backend_for", broken)
    settings.MESSAGING_MAX_ATTEMPTS = 1
    assert outbound_send.call(message.pk) == "failed"
    message.refresh_from_db()
    assert "provider down" in message.last_error


# --- POST /bookings/{id}/notify-guests ------------------------------------------------------


def _guests(booking) -> list[BookingGuest]:
    return [
        BookingGuest.objects.create(
            booking=booking,
            name="Ravi",
            mobile="98765 43210",
            pickup_location="MG Road",
            needs_transportation=True,
        ),
        BookingGuest.objects.create(
            booking=booking, name="Meera", mobile="12", needs_transportation=True
        ),
        BookingGuest.objects.create(
            booking=booking, name="Anu", mobile="9000000001", needs_transportation=False
        ),
    ]


@pytest.mark.django_db
def test_notify_guests_whole_body_and_once_per_guest(customer, customer_client):
    booking = factories.BookingFactory(user=customer)
    _guests(booking)
    response = customer_client.post(f"/api/bookings/{booking.pk}/notify-guests", format="json")
    assert response.status_code == 200
    text = (
        "Hi Ravi, your pickup for the event is scheduled. Please send your current location on "
        "WhatsApp before pickup. Pickup point: MG Road - Team LeBRQ"
    )
    assert response.json() == {
        "success": True,
        "message": "Queued 1 messages, 1 failed",
        "sent_count": 1,
        "failed_count": 1,
        "details": [
            {"guest_name": "Ravi", "mobile": "+919876543210", "status": "queued", "message": text},
            {
                "guest_name": "Meera",
                "mobile": "12",
                "status": "invalid_mobile",
                "message": response.json()["details"][1]["message"],
            },
        ],
    }
    again = customer_client.post(f"/api/bookings/{booking.pk}/notify-guests/")
    assert again.json()["sent_count"] == 0
    assert again.json()["details"][0]["status"] == "already_queued"
    assert OutboundMessage.objects.count() == 1
    message = OutboundMessage.objects.get()
    assert (message.to, message.template, message.params) == (
        "9876543210",
        "guest_pickup",
        ["Ravi", "MG Road"],
    )


@pytest.mark.django_db
def test_notify_guests_skips_those_who_opted_out(customer, customer_client):
    booking = factories.BookingFactory(user=customer)
    _guests(booking)
    opt_out(channel=Channel.WHATSAPP, to="9876543210")
    body = customer_client.post(f"/api/bookings/{booking.pk}/notify-guests").json()
    assert body["details"][0]["status"] == "opted_out"
    assert not OutboundMessage.objects.exists()


@pytest.mark.django_db
def test_notify_guests_without_guests(customer, customer_client):
    booking = factories.BookingFactory(user=customer)
    assert customer_client.post(f"/api/bookings/{booking.pk}/notify-guests").json() == {
        "success": True,
        "message": "No guests with transportation needs found",
        "sent_count": 0,
        "failed_count": 0,
        "details": [],
    }


@pytest.mark.django_db
def test_notify_guests_authorization(
    api_client, customer, customer_client, other_client, staff_client
):
    booking = factories.BookingFactory(user=customer)
    _guests(booking)
    path = f"/api/bookings/{booking.pk}/notify-guests"
    assert api_client.post(path).status_code == 401
    assert other_client.post(path).status_code == 404
    assert not OutboundMessage.objects.exists()
    assert staff_client.post(path).status_code == 200
    assert customer_client.post(path).status_code == 200
    assert OutboundMessage.objects.count() == 1
    assert customer_client.post("/api/bookings/99999999/notify-guests").status_code == 404


@pytest.mark.django_db
def test_backoff_doubles(settings):
    from messaging.tasks import backoff_seconds

    settings.MESSAGING_RETRY_BACKOFF_SECONDS = 30
    assert [backoff_seconds(n) for n in (1, 2, 3)] == [30, 60, 120]
    assert timezone.now() + timedelta(seconds=backoff_seconds(1)) > timezone.now()
