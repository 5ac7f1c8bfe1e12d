"""Notify one participant ([id].tsx:591) and inform every customer (index.tsx:126, :178):
through notify's SMS outbox, sent by the task worker, never twice."""

import time

import pytest
from django_tasks_db.models import DBTaskResult

from contests.models import ContestInvitation, ContestNotification
from notify.models import OutboundSms
from tests.contests.conftest import make_contest, make_entry
from tests.factories import UserFactory
from tests.task_worker import running_task_worker

WAIT = 20.0


def _wait_until_idle(timeout: float = WAIT) -> None:
    """Until every queued task ran (the worker records each result)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
            return
        time.sleep(0.05)
    raise AssertionError("the task worker did not finish")


def notify_body(**fields):
    return {
        "channels": ["whatsapp"],
        "message_template": "Dear {name},\n\nYour entry for Birthday Bash has been winner.",
        **fields,
    }


@pytest.mark.django_db
def test_a_participant_is_texted_once_per_message(staff_client, contest):
    entry = make_entry(contest, phone="+91 98123 45678", participant_name="Meera")
    url = f"/api/contests/admin/contests/{contest.pk}/entries/{entry.pk}/notify"

    first = staff_client.post(url, notify_body(), format="json")
    again = staff_client.post(url, notify_body(), format="json")
    other = staff_client.post(url, notify_body(message_template="Thanks {name}"), format="json")

    assert first.status_code == 200, first.content
    assert first.json() == {
        "message": "Notifications queued successfully",
        "sent": ["whatsapp queued for +91 98123 45678 (by SMS)"],
        "errors": [],
    }
    assert again.json()["sent"] == ["whatsapp already sent to +91 98123 45678"]
    assert other.status_code == 200
    assert list(OutboundSms.objects.order_by("id").values_list("to", "body")) == [
        ("9812345678", "Dear Meera,\n\nYour entry for Birthday Bash has been winner."),
        ("9812345678", "Thanks Meera"),
    ]
    assert ContestNotification.objects.filter(entry=entry).count() == 2


@pytest.mark.django_db
def test_email_is_recorded_as_not_available_and_alone_sends_nothing(staff_client, contest):
    entry = make_entry(contest)
    url = f"/api/contests/admin/contests/{contest.pk}/entries/{entry.pk}/notify"

    both = staff_client.post(url, notify_body(channels=["email", "whatsapp"]), format="json")
    email_only = staff_client.post(
        url, notify_body(channels=["email"], message_template="Other"), format="json"
    )

    assert both.status_code == 200
    assert both.json()["errors"] == ["email: E-mail is not available yet; send by WhatsApp or SMS"]
    assert email_only.status_code == 400
    assert email_only.json()["code"] == "nothing_sent"
    assert OutboundSms.objects.count() == 1
    assert sorted(ContestNotification.objects.values_list("channel", "status")) == [
        ("email", "skipped"),
        ("sms", "queued"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"channels": [], "message_template": "x"}, 400),
        ({"channels": ["pigeon"], "message_template": "x"}, 400),
        ({"channels": ["sms"], "message_template": ""}, 400),
        ({"channels": ["sms"], "message_template": "x" * 2001}, 400),
    ],
)
def test_bad_notify_requests_send_nothing(staff_client, contest, body, status):
    entry = make_entry(contest)

    response = staff_client.post(
        f"/api/contests/admin/contests/{contest.pk}/entries/{entry.pk}/notify", body, format="json"
    )

    assert response.status_code == status, response.content
    assert not OutboundSms.objects.exists()
    assert not ContestNotification.objects.exists()


@pytest.mark.django_db
def test_no_phone_is_no_message(staff_client, contest):
    entry = make_entry(contest, phone="")

    response = staff_client.post(
        f"/api/contests/admin/contests/{contest.pk}/entries/{entry.pk}/notify",
        notify_body(),
        format="json",
    )

    assert response.status_code == 400
    assert "whatsapp: No recipient available" in response.json()["detail"]
    assert not ContestNotification.objects.exists()


@pytest.mark.django_db
def test_users_to_inform_with_who_was_informed(staff_client, contest, settings):
    settings.CONTEST_USERS_LIST_MAX = 2
    informed = UserFactory(first_name="Anu", last_name="A", mobile="9812345678")
    UserFactory(first_name="Bala", last_name="B", mobile="")
    UserFactory(first_name="Chitra", last_name="C")
    UserFactory(staff=True)
    ContestInvitation.objects.create(
        contest=contest, user=informed, channel="sms", requested=["whatsapp"]
    )

    response = staff_client.get(f"/api/contests/admin/contests/{contest.pk}/users")

    first = ContestInvitation.objects.get()
    assert response.json() == {
        "contest_id": contest.pk,
        "contest_title": "Birthday Bash",
        "total_users": 3,
        "informed_count": 1,
        "users": [
            {
                "id": informed.pk,
                "name": "Anu A",
                "username": informed.username,
                "mobile": "9812345678",
                "email": informed.email,
                "is_informed": True,
                "informed_at": first.created_at.strftime("%Y-%m-%dT%H:%M:%S"),
                "channels": {"whatsapp": True, "sms": False, "email": False},
            },
            {
                "id": response.json()["users"][1]["id"],
                "name": "Bala B",
                "username": response.json()["users"][1]["username"],
                "mobile": None,
                "email": response.json()["users"][1]["email"],
                "is_informed": False,
                "informed_at": None,
                "channels": None,
            },
        ],
    }


@pytest.mark.django_db
def test_users_list_costs_the_same_whatever_the_rows(
    staff_client, contest, django_assert_max_num_queries
):
    ContestInvitation.objects.create(contest=contest, user=UserFactory(), channel="sms")
    url = f"/api/contests/admin/contests/{contest.pk}/users"
    with django_assert_max_num_queries(10) as few:
        staff_client.get(url)
    for _ in range(20):
        ContestInvitation.objects.create(contest=contest, user=UserFactory(), channel="sms")
        UserFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(staff_client.get(url).json()["users"]) == 41


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"channels": {"whatsapp": False, "sms": False, "email": False}}, "channel_required"),
        ({"channels": {"whatsapp": False, "sms": False, "email": True}}, "channel_unavailable"),
        ({"channels": {"sms": True}, "user_ids": list(range(1, 1002))}, "too_many_users"),
        ({"channels": {"sms": "maybe"}}, "invalid"),
    ],
)
def test_bad_notify_all_requests_queue_nothing(staff_client, contest, body, code):
    response = staff_client.post(
        f"/api/contests/admin/contests/{contest.pk}/notify-all", body, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (400, code)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_notify_all_texts_every_customer_once_in_batches(staff_client, settings):
    settings.CONTEST_NOTIFY_BATCH_SIZE = 2
    contest = make_contest(slug="bash", title="Bash", prizes=[{"title": "Cake"}, {"title": "Hall"}])
    customers = [
        UserFactory(first_name=f"C{n}", last_name="", mobile=f"98000000{n:02d}") for n in range(5)
    ]
    UserFactory(mobile="12345")  # not a mobile number: skipped
    UserFactory(staff=True, mobile="9811111111")  # not a customer
    url = f"/api/contests/admin/contests/{contest.pk}/notify-all"

    with running_task_worker():
        response = staff_client.post(
            url, {"channels": {"whatsapp": True, "sms": True, "email": False}}, format="json"
        )
        _wait_until_idle()
        staff_client.post(url, {"channels": {"sms": True}}, format="json")
        _wait_until_idle()

    assert response.json() == {
        "success": True,
        "message": "Notification process started for all eligible users. "
        "Notifications are being sent in the background.",
        "total_users": "all eligible",
        "status": "processing",
        "note": "Sent by SMS for WhatsApp and SMS; each customer is told once per contest.",
    }
    texts = list(OutboundSms.objects.order_by("to").values_list("to", "status", "body"))
    assert [(to, status) for to, status, _ in texts] == [
        (f"98000000{n:02d}", "sent") for n in range(5)
    ]
    assert texts[0][2].startswith("Hello customer C0, LeBRQ is happy to invite you")
    assert "the prize available is Cake and more" in texts[0][2]
    assert "/contest/bash for a successful entry" in texts[0][2]
    assert sorted(ContestInvitation.objects.values_list("user_id", flat=True)) == [
        c.pk for c in customers
    ]
    # 4 batch runs the first time (2 + 2 + 1 + an empty look), 3 + 1 the second.
    batches = DBTaskResult.objects.filter(task_path__endswith="contest_invitations_batch")
    assert batches.count() >= 4


@pytest.mark.django_db(transaction=True)
def test_notify_all_to_chosen_users(staff_client):
    contest = make_contest(slug="bash")
    chosen = UserFactory(mobile="9800000001")
    UserFactory(mobile="9800000002")

    with running_task_worker():
        response = staff_client.post(
            f"/api/contests/admin/contests/{contest.pk}/notify-all",
            {"channels": {"whatsapp": True, "sms": False, "email": False}, "user_ids": [chosen.pk]},
            format="json",
        )
        _wait_until_idle()

    assert response.json()["total_users"] == 1
    assert list(OutboundSms.objects.values_list("to", flat=True)) == ["9800000001"]
