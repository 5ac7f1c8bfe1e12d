"""The staff screens' broker calls (app/admin/vendors/index.tsx, the settlements page's list
and bank-details modal in app/admin/vendor-settlements.tsx), whole bodies, and the approval
and suspension gates on logging in."""

import logging
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.choices import Role
from accounts.models import BrokerProfile, User
from brokers.tasks import broker_invite_send
from tests.brokers.factories import BrokerFactory, brokered_booking
from tests.conftest import bearer_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def form(client, method: str, url: str, body: dict[str, str]):
    """What the screens send: URLSearchParams, form-encoded."""
    return getattr(client, method)(url, urlencode(body), content_type=FORM)


def login(username: str, password: str = PASSWORD):
    from rest_framework.test import APIClient

    return APIClient().post(
        "/api/auth/login", {"username": username, "password": password}, format="json"
    )


def naive_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def test_the_staff_list_whole_body_masks_the_account_number(staff_client):
    broker = BrokerFactory(
        company_name="Coastal Events",
        description="Weddings in Kasaragod",
        contact_phone="+919800000001",
        address="MG Road",
        brokerage_percentage=Decimal("7.50"),
        user__profile_image="https://cdn.example/p.png",
    )

    response = staff_client.get("/api/admin/brokers?skip=0&limit=100")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": broker.pk,
                "user_id": broker.user_id,
                "username": broker.user.username,
                "role": "broker",
                "company_name": "Coastal Events",
                "description": "Weddings in Kasaragod",
                "contact_email": broker.contact_email,
                "contact_phone": "+919800000001",
                "address": "MG Road",
                "brokerage_percentage": 7.5,
                "bank_account_name": "Ravi Nair",
                "bank_account_number": "********9012",
                "bank_ifsc_code": "SBIN0001234",
                "bank_name": "State Bank of India",
                "profile_image": "https://cdn.example/p.png",
                "suspended_until": None,
                "is_suspended": False,
                "is_approved": True,
                "created_at": naive_utc(broker.created_at),
            }
        ],
        "count": 1,
        "total": 1,
        "skip": 0,
        "limit": 100,
    }
    assert "123456789012" not in response.content.decode()


def test_the_list_puts_named_brokers_first_cuts_long_descriptions_and_pages(staff_client):
    unnamed = BrokerFactory(company_name="", description="x" * 600, bank_account_number="")
    zeta = BrokerFactory(company_name="Zeta")
    alpha = BrokerFactory(company_name="Alpha")

    items = staff_client.get("/api/admin/brokers").json()["items"]
    assert [row["id"] for row in items] == [alpha.pk, zeta.pk, unnamed.pk]
    assert items[2]["description"] == "x" * 500 + "..."
    assert (items[2]["company_name"], items[2]["bank_account_number"]) == (None, None)

    page = staff_client.get("/api/admin/brokers/?skip=1&limit=1").json()
    assert ([row["id"] for row in page["items"]], page["count"], page["total"]) == (
        [zeta.pk],
        1,
        3,
    )
    assert staff_client.get("/api/admin/brokers?limit=5000").json()["limit"] == 500
    assert staff_client.get("/api/admin/brokers?skip=-1").status_code == 400


def test_the_list_costs_the_same_queries_for_one_broker_or_many(
    staff_client, django_assert_num_queries
):
    BrokerFactory()
    # The token's user, the page (brokers joined with their users), the total.
    with django_assert_num_queries(3) as one:
        staff_client.get("/api/admin/brokers")
    BrokerFactory.create_batch(12)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(staff_client.get("/api/admin/brokers").json()["items"]) == 13


def test_detail_whole_body_shows_staff_the_bank_details_in_full(staff_client):
    until = timezone.now() + timedelta(days=2)
    broker = BrokerFactory(suspended_until=until, is_approved=False, company_name="Kochi Deals")

    response = staff_client.get(f"/api/admin/brokers/{broker.pk}")

    assert response.json() == {
        "id": broker.pk,
        "user_id": broker.user_id,
        "username": broker.user.username,
        "role": "broker",
        "company_name": "Kochi Deals",
        "description": None,
        "contact_email": broker.contact_email,
        "contact_phone": None,
        "address": None,
        "brokerage_percentage": 5.0,
        "bank_account_name": "Ravi Nair",
        "bank_account_number": "123456789012",
        "bank_ifsc_code": "SBIN0001234",
        "bank_name": "State Bank of India",
        "profile_image": None,
        "suspended_until": naive_utc(until),
        "is_suspended": True,
        "is_approved": False,
        "created_at": naive_utc(broker.created_at),
    }
    assert staff_client.get("/api/admin/brokers/999999").status_code == 404


def test_create_a_new_broker_without_invitation_shows_the_password_once(staff_client):
    body = {
        "username": "",
        "company_name": "Malabar Stays",
        "contact_email": "desk@malabar.example",
        "contact_phone": "+919811111111",
        "description": "Homestays",
        "address": "Beach Road",
        "brokerage_percentage": "4.255",
        "bank_account_name": "Malabar Stays LLP",
        "bank_account_number": "000111222333",
        "bank_ifsc_code": "HDFC0000123",
        "bank_name": "HDFC Bank",
        "send_invite": "false",
    }

    response = form(staff_client, "post", "/api/admin/brokers", body)

    assert response.status_code == 200, response.content
    created = response.json()
    profile = BrokerProfile.objects.select_related("user").get()
    assert created == {
        "ok": True,
        "id": profile.pk,
        "user_id": profile.user_id,
        "username": "malabar_stays",
        "temp_password": created["temp_password"],
        "invited": False,
    }
    assert profile.user.role == Role.BROKER
    assert profile.user.check_password(created["temp_password"])
    assert profile.brokerage_percentage == Decimal("4.26")  # half up, to the hundredth
    assert (profile.bank_account_number, profile.bank_name) == ("000111222333", "HDFC Bank")
    assert not profile.is_approved  # staff-made brokers wait for approval too, as the legacy's
    # A second one with the same name gets the next free username.
    again = form(staff_client, "post", "/api/admin/brokers", {**body, "contact_email": "b@x.in"})
    assert again.json()["username"] == "malabar_stays1"


def test_create_with_invitation_emails_the_credentials_and_shows_no_password(
    staff_client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = form(
            staff_client,
            "post",
            "/api/admin/brokers",
            {"contact_email": "ravi@brokers.example", "send_invite": "true"},
        )

    created = response.json()
    assert (created["username"], created["temp_password"], created["invited"]) == (
        "ravi",
        None,
        True,
    )
    [queued] = DBTaskResult.objects.filter(task_path="brokers.tasks.broker_invite_send")
    assert queued.args_kwargs["args"] == [created["id"]]  # the password is not in the queue
    assert broker_invite_send.call(created["id"]).startswith("sent")
    [email] = smtp_server.messages
    assert email["To"] == "ravi@brokers.example"
    password = email.get_payload().split("Temporary password: ")[1].split()[0]
    assert User.objects.get(username="ravi").check_password(password)


def test_create_for_an_existing_user_makes_them_a_broker(staff_client):
    user = UserFactory()
    response = form(
        staff_client, "post", "/api/admin/brokers", {"user_id": str(user.pk), "company_name": "X"}
    )
    assert response.json() == {
        "ok": True,
        "id": BrokerProfile.objects.get().pk,
        "user_id": user.pk,
        "username": None,
        "temp_password": None,
        "invited": False,
    }
    user.refresh_from_db()
    assert user.role == Role.BROKER
    again = form(staff_client, "post", "/api/admin/brokers", {"user_id": str(user.pk)})
    assert again.status_code == 409
    assert (
        form(staff_client, "post", "/api/admin/brokers", {"user_id": "999999"}).status_code == 404
    )


@pytest.mark.parametrize(
    "body",
    [
        {"company_name": "No e-mail"},
        {"contact_email": "not-an-email"},
        {"contact_email": "a@b.in", "brokerage_percentage": "150"},
        {"contact_email": "a@b.in", "brokerage_percentage": "-1"},
        {"contact_email": "a@b.in", "brokerage_percentage": "five"},
        {"contact_email": "a@b.in", "bank_ifsc_code": "X" * 17},
    ],
)
def test_bad_creations_are_400_and_create_nothing(staff_client, body):
    response = form(staff_client, "post", "/api/admin/brokers", body)
    assert response.status_code == 400
    assert {"detail", "message", "code"} <= response.json().keys()
    assert not BrokerProfile.objects.exists()
    assert not User.objects.filter(role=Role.BROKER).exists()


def test_a_percentage_out_of_range_says_so_as_the_legacy_did(staff_client):
    response = form(
        staff_client,
        "post",
        "/api/admin/brokers",
        {"contact_email": "a@b.in", "brokerage_percentage": "101"},
    )
    assert "Brokerage percentage must be between 0 and 100" in response.json()["detail"]


def test_edit_form_whole_body_keeps_a_masked_number_sent_back(staff_client, caplog):
    broker = BrokerFactory()
    listed = staff_client.get("/api/admin/brokers").json()["items"][0]
    # The settlements page prefills its bank modal from the list and sends what it shows.
    body = {
        "company_name": "Renamed",
        "contact_email": "new@brokers.example",
        "contact_phone": "",
        "description": "",
        "address": "",
        "brokerage_percentage": "6",
        "bank_account_name": listed["bank_account_name"],
        "bank_account_number": listed["bank_account_number"],
        "bank_ifsc_code": "SBIN0009999",
        "bank_name": listed["bank_name"],
    }

    response = form(staff_client, "put", f"/api/admin/brokers/{broker.pk}", body)

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "broker_id": broker.pk,
        "company_name": "Renamed",
        "description": "",
        "contact_email": "new@brokers.example",
        "contact_phone": "",
        "address": "",
        "brokerage_percentage": 6.0,
        "bank_account_name": "Ravi Nair",
        "bank_account_number": "********9012",
        "bank_ifsc_code": "SBIN0009999",
        "bank_name": "State Bank of India",
    }
    broker.refresh_from_db()
    assert broker.bank_account_number == "123456789012"
    assert broker.brokerage_percentage == Decimal("6.00")

    # A new number is stored; the log names it masked only.
    with caplog.at_level(logging.INFO, logger="brokers"):
        form(
            staff_client,
            "put",
            f"/api/admin/brokers/{broker.pk}",
            {"bank_account_number": "999988887777"},
        )
    broker.refresh_from_db()
    assert broker.bank_account_number == "999988887777"
    assert "********7777" in caplog.text
    assert "********9012" in caplog.text
    assert "999988887777" not in caplog.text
    assert "123456789012" not in caplog.text


def test_edit_of_an_unknown_broker_or_bad_percentage_changes_nothing(staff_client):
    broker = BrokerFactory()
    assert form(staff_client, "put", "/api/admin/brokers/999999", {}).status_code == 404
    bad = form(
        staff_client,
        "put",
        f"/api/admin/brokers/{broker.pk}",
        {"brokerage_percentage": "101", "company_name": "Y"},
    )
    assert bad.status_code == 400
    broker.refresh_from_db()
    assert (broker.brokerage_percentage, broker.company_name) != (Decimal("101"), "Y")


def test_an_unapproved_broker_cannot_log_in_until_staff_approve(staff_client, api_client):
    registered = api_client.post(
        "/api/users/register",
        {"username": "kiran@brokers.example", "password": "long-enough-pass-1", "role": "broker"},
        format="json",
    ).json()
    assert registered["requires_approval"] is True
    assert "access_token" not in registered
    refused = login("kiran@brokers.example", "long-enough-pass-1")
    assert (refused.status_code, refused.json()["code"]) == (403, "broker_not_approved")

    broker = BrokerProfile.objects.get(user_id=registered["id"])
    response = staff_client.post(f"/api/admin/brokers/{broker.pk}/approve")

    assert response.json() == {"ok": True, "message": "Broker approved successfully"}
    broker.refresh_from_db()
    assert broker.is_approved
    assert broker.approved_at is not None
    assert login("kiran@brokers.example", "long-enough-pass-1").status_code == 200
    assert staff_client.post("/api/admin/brokers/999999/approve").status_code == 404


def test_a_suspended_broker_cannot_log_in_or_act_until_the_day_ends(staff_client):
    broker = BrokerFactory()
    client = bearer_client(broker.user)
    day = timezone.localdate() + timedelta(days=3)

    response = form(
        staff_client,
        "post",
        f"/api/admin/brokers/{broker.pk}/suspend",
        {"suspended_until": day.isoformat()},
    )

    until = timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
    assert response.json() == {
        "ok": True,
        "broker_id": broker.pk,
        "suspended_until": naive_utc(until),
        "is_suspended": True,
    }
    assert login(broker.user.username).status_code == 403
    assert client.get("/api/broker/payments/summary").status_code == 401

    lifted = form(
        staff_client, "post", f"/api/admin/brokers/{broker.pk}/suspend", {"suspended_until": ""}
    )
    assert (lifted.json()["suspended_until"], lifted.json()["is_suspended"]) == (None, False)
    assert login(broker.user.username).status_code == 200
    assert client.get("/api/broker/payments/summary").status_code == 200


def test_suspension_takes_an_iso_datetime_and_refuses_nonsense(staff_client):
    broker = BrokerFactory()
    url = f"/api/admin/brokers/{broker.pk}/suspend"
    ok = form(staff_client, "post", url, {"suspended_until": "2031-01-02T10:00:00Z"})
    assert ok.json()["suspended_until"] == "2031-01-02T10:00:00"
    bad = form(staff_client, "post", url, {"suspended_until": "next tuesday"})
    assert bad.status_code == 400
    broker.refresh_from_db()
    assert broker.suspended_until == datetime(2031, 1, 2, 10, tzinfo=UTC)


def test_invite_queues_the_email_and_needs_a_contact_email(staff_client):
    broker = BrokerFactory()
    response = staff_client.post(f"/api/admin/brokers/{broker.pk}/invite")
    assert response.json() == {"ok": True, "message": "Invitation sent"}
    assert DBTaskResult.objects.filter(task_path="brokers.tasks.broker_invite_send").count() == 1

    silent = BrokerFactory(contact_email="")
    assert staff_client.post(f"/api/admin/brokers/{silent.pk}/invite").status_code == 400
    assert staff_client.post("/api/admin/brokers/999999/invite").status_code == 404


def test_the_console_invitation_logs_no_password(caplog):
    broker = BrokerFactory()
    with caplog.at_level(logging.INFO, logger="brokers"):
        assert broker_invite_send.call(broker.pk) == "sent by console"
    assert broker.contact_email in caplog.text
    assert "password not logged" in caplog.text
    broker.user.refresh_from_db()
    assert not broker.user.check_password(PASSWORD)  # a new temporary one replaced it


def test_bulk_brokerage_sets_every_broker_and_keeps_bookings_as_booked(staff_client):
    first, second = BrokerFactory(), BrokerFactory(brokerage_percentage=Decimal("2"))
    booking = brokered_booking(first, "1000.00")

    response = form(
        staff_client,
        "post",
        "/api/admin/brokers/bulk-update-brokerage",
        {"brokerage_percentage": "3.5"},
    )

    assert response.json() == {
        "ok": True,
        "message": "Updated 2 broker(s) to 3.50%",
        "updated_count": 2,
    }
    assert set(BrokerProfile.objects.values_list("brokerage_percentage", flat=True)) == {
        Decimal("3.50")
    }
    booking.refresh_from_db()
    assert booking.brokerage_amount == Decimal("50.00")
    bad = form(
        staff_client,
        "post",
        "/api/admin/brokers/bulk-update-brokerage",
        {"brokerage_percentage": "120"},
    )
    assert bad.status_code == 400
    second.refresh_from_db()
    assert second.brokerage_percentage == Decimal("3.50")
