"""Customer-staff threads (app/(tabs)/messages.tsx, app/admin/client-messages.tsx), whole
bodies as the screens read them, who may do what, and bounded queries."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.utils import timezone

from messaging.models import MessageThread, ThreadMessage
from notify.models import Notification
from tests import factories
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

NAIVE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


class Matches:
    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(self.pattern.fullmatch(other))

    def __repr__(self) -> str:
        return f"Matches({self.pattern.pattern!r})"


TIMESTAMP = Matches(NAIVE.pattern)


def _start(client, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/api/client/messages",
        {"subject": "Stage lights", "message": "Can we add lights?", **body},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_customer_starts_a_thread_and_staff_answer(
    customer, customer_client, staff_user, staff_client
):
    booking = factories.BookingFactory(user=customer)
    # messages.tsx sends booking_id as a number, or leaves it out.
    started = _start(customer_client, booking_id=booking.pk)
    assert started == {
        "ok": True,
        "thread_id": Matches(rf"client_{customer.pk}_[0-9a-f]{{8}}"),
        "message_id": ThreadMessage.objects.get().pk,
    }
    key = started["thread_id"]

    listed = customer_client.get("/api/client/messages/threads").json()
    assert listed == {
        "threads": [
            {
                "thread_id": key,
                "subject": "Stage lights",
                "booking_id": booking.pk,
                "last_message": "Can we add lights?",
                "last_message_at": TIMESTAMP,
                "unread_count": 0,
            }
        ],
        "count": 1,
    }

    staff_list = staff_client.get("/api/admin/client-messages/threads").json()
    assert staff_list == {
        "threads": [
            {
                "thread_id": key,
                "subject": "Stage lights",
                "booking_id": booking.pk,
                "last_message_at": TIMESTAMP,
                "unread_count": 1,
                "client": {"id": customer.pk, "name": "Asha Menon", "email": customer.email},
            }
        ],
        "count": 1,
    }

    thread = staff_client.get(f"/api/admin/client-messages/thread/{key}").json()
    first = ThreadMessage.objects.get()
    assert thread == {
        "thread_id": key,
        "subject": "Stage lights",
        "booking_id": booking.pk,
        "client": {
            "id": customer.pk,
            "name": "Asha Menon",
            "email": customer.email,
            "mobile": customer.mobile,
        },
        "messages": [
            {
                "id": first.pk,
                "sender_id": customer.pk,
                "sender_name": "Asha Menon",
                "message": "Can we add lights?",
                "created_at": TIMESTAMP,
                "is_read": True,
            }
        ],
    }
    # Opening it read the customer's message for every staff member.
    assert (
        staff_client.get("/api/admin/client-messages/threads").json()["threads"][0]["unread_count"]
        == 0
    )

    reply = staff_client.post(
        f"/api/admin/client-messages/threads/{key}/reply", {"message": "Yes, ₹500."}, format="json"
    )
    assert reply.status_code == 200
    assert reply.json() == {"ok": True, "message_id": ThreadMessage.objects.latest("id").pk}
    # The customer is told in the app, with a link to the thread.
    notification = Notification.objects.get(user=customer)
    assert (notification.title, notification.message, notification.booking_id) == (
        "Stage lights",
        "Yes, ₹500.",
        booking.pk,
    )
    assert notification.detail.link == f"/messages?thread={key}"

    assert (
        customer_client.get("/api/client/messages/threads").json()["threads"][0]["unread_count"]
        == 1
    )
    body = customer_client.get(f"/api/client/messages/thread/{key}").json()
    assert set(body) == {"thread_id", "subject", "booking_id", "messages"}
    assert [m["message"] for m in body["messages"]] == ["Can we add lights?", "Yes, ₹500."]
    assert body["messages"][1]["sender_id"] == staff_user.pk
    assert (
        customer_client.get("/api/client/messages/threads").json()["threads"][0]["unread_count"]
        == 0
    )

    answer = customer_client.post(
        f"/api/client/messages/threads/{key}/reply/", {"message": "Thanks"}, format="json"
    )
    assert answer.status_code == 200
    assert MessageThread.objects.get().last_message == "Thanks"


def test_staff_start_a_thread_with_a_customer(customer, staff_user, staff_client):
    response = staff_client.post(
        "/api/admin/client-messages",
        {"client_id": customer.pk, "subject": "Your booking", "message": "Please call us."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "thread_id": Matches(rf"admin_{staff_user.pk}_[0-9a-f]{{8}}"),
        "message_id": ThreadMessage.objects.get().pk,
    }
    assert Notification.objects.filter(user=customer).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"subject": "Hi", "message": "too short a subject"},
        {"subject": "Subject", "message": ""},
        {"subject": "Subject", "message": "x" * 4001},
        {"subject": "Subject", "message": "ok", "booking_id": "abc"},
        {"message": "no subject"},
    ],
)
def test_bad_messages_are_refused_and_nothing_is_written(customer_client, body):
    response = customer_client.post("/api/client/messages", body, format="json")
    assert response.status_code == 400
    assert {"detail", "message", "code"} <= set(response.json())
    assert not MessageThread.objects.exists()


def test_booking_must_be_the_customers_own(customer_client, other_customer):
    booking = factories.BookingFactory(user=other_customer)
    response = customer_client.post(
        "/api/client/messages",
        {"subject": "Subject", "message": "Hello", "booking_id": booking.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_booking"
    assert not MessageThread.objects.exists()


def test_staff_write_only_to_customers(staff_client, staff_user):
    vendor = factories.UserFactory(role="vendor")
    for client_id in (vendor.pk, staff_user.pk, 999999):
        response = staff_client.post(
            "/api/admin/client-messages",
            {"client_id": client_id, "subject": "Hello", "message": "Hi"},
            format="json",
        )
        assert response.status_code == 404
        assert response.json()["detail"] == "Client not found"
    assert not MessageThread.objects.exists()


# --- Authorization matrix -------------------------------------------------------------------


def test_authorization_matrix(api_client, customer_client, other_client, staff_client):
    key = _start(customer_client)["thread_id"]
    vendor_client = bearer_client(factories.UserFactory(role="vendor"))
    reply = {"message": "hello"}
    customer_calls = [
        ("get", "/api/client/messages/threads", None),
        ("get", f"/api/client/messages/thread/{key}", None),
        ("post", f"/api/client/messages/threads/{key}/reply", reply),
    ]
    staff_calls = [
        ("get", "/api/admin/client-messages/threads", None),
        ("get", f"/api/admin/client-messages/thread/{key}", None),
        ("post", f"/api/admin/client-messages/threads/{key}/reply", reply),
    ]
    for method, path, body in customer_calls + staff_calls:
        assert getattr(api_client, method)(path, body, format="json").status_code == 401, path
    for method, path, body in customer_calls:
        assert getattr(customer_client, method)(path, body, format="json").status_code == 200
        assert getattr(vendor_client, method)(path, body, format="json").status_code == 403
    # Another customer's thread does not exist for them.
    assert other_client.get(f"/api/client/messages/thread/{key}").status_code == 404
    assert (
        other_client.post(
            f"/api/client/messages/threads/{key}/reply", reply, format="json"
        ).status_code
        == 404
    )
    assert other_client.get("/api/client/messages/threads").json() == {"threads": [], "count": 0}
    for method, path, body in staff_calls:
        assert getattr(customer_client, method)(path, body, format="json").status_code == 403
        assert getattr(staff_client, method)(path, body, format="json").status_code == 200
    assert staff_client.get("/api/admin/client-messages/thread/nope").status_code == 404


# --- Query counts ---------------------------------------------------------------------------


@pytest.mark.parametrize("threads", [1, 8])
def test_thread_lists_cost_fixed_queries(
    threads, customer, customer_client, staff_user, staff_client, django_assert_max_num_queries
):
    for n in range(threads):
        thread = MessageThread.objects.create(
            key=f"client_{customer.pk}_{n:08x}",
            customer=customer,
            subject=f"Subject {n}",
            last_message_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for i in range(3):
            ThreadMessage.objects.create(
                thread=thread,
                sender=staff_user if i % 2 else customer,
                from_staff=bool(i % 2),
                body="x",
            )
    # Authentication (user row) + the list.
    with django_assert_max_num_queries(2):
        assert len(customer_client.get("/api/client/messages/threads").json()["threads"]) == threads
    with django_assert_max_num_queries(2):
        assert (
            len(staff_client.get("/api/admin/client-messages/threads").json()["threads"]) == threads
        )
    # Auth, thread, mark read, messages with senders.
    with django_assert_max_num_queries(4):
        body = staff_client.get(f"/api/admin/client-messages/thread/client_{customer.pk}_00000000")
        assert len(body.json()["messages"]) == 3


def test_thread_messages_are_capped_at_the_newest(customer, customer_client, monkeypatch):
    from messaging import selectors

    monkeypatch.setattr(selectors, "THREAD_MESSAGES_MAX", 2)
    thread = MessageThread.objects.create(
        key="client_1_aaaaaaaa", customer=customer, last_message_at=timezone.now()
    )
    for text in ("one", "two", "three"):
        ThreadMessage.objects.create(thread=thread, sender=customer, from_staff=False, body=text)
    body = customer_client.get("/api/client/messages/thread/client_1_aaaaaaaa").json()
    assert [m["message"] for m in body["messages"]] == ["two", "three"]
