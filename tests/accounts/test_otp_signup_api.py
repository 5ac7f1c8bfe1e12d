"""Sign-up with a verified mobile number, OTP send/verify and password reset, as the legacy
frontend calls them (lib/api.ts sendOTP, verifyOTP, register, resetPassword): the code goes
out through the task worker to the SMS gateway (a fake on loopback) and comes back typed in.
"""

import re
import time
from datetime import timedelta

import pytest
from django.utils.crypto import salted_hmac
from rest_framework.test import APIClient

from accounts.models import BrokerProfile, OtpChallenge, User, VendorProfile
from notify.models import ERASED_BODY, OutboundSms
from tests.factories import UserFactory
from tests.notify.fakes import FakeGateway

MOBILE = "9812345678"


def code_sent_to(gateway: FakeGateway, mobile: str = MOBILE) -> str:
    [message, *_] = reversed(gateway.messages_to(mobile))
    match = re.match(r"(\d{6}) is your SECRET One Time Password", message)
    assert match, message
    return match[1]


def send(client: APIClient, mobile: str = MOBILE):
    return client.post("/api/users/otp/send", {"mobile": mobile}, format="json")


def verify(client: APIClient, code: str, mobile: str = MOBILE):
    return client.post("/api/users/otp/verify", {"mobile": mobile, "otp": code}, format="json")


def register(client: APIClient, **fields):
    body = {
        "username": "Anu@Example.com",
        "password": "a-long-passphrase-42",
        "first_name": "Anu",
        "last_name": None,
        "mobile": MOBILE,
        "role": None,
        "mobile_verified": True,
    } | fields
    return client.post("/api/users/register", body, format="json")


@pytest.mark.django_db(transaction=True)
def test_sign_up_with_a_mobile_number_verified_by_sms(api_client, sms_gateway, task_worker):
    sent = send(api_client)
    assert sent.status_code == 200
    assert sent.json() == {"success": True, "message": "OTP sent successfully", "mobile": MOBILE}

    code = _wait_for_code(sms_gateway)
    verified = verify(api_client, code)
    assert verified.json() == {
        "success": True,
        "message": "OTP verified successfully",
        "mobile": MOBILE,
    }

    response = register(api_client)

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(pk=body["id"])
    assert body == {
        "success": True,
        "id": user.pk,
        "username": "anu@example.com",
        "access_token": body["access_token"],
        "refresh_token": body["refresh_token"],
        "token_type": "bearer",
    }
    assert (user.mobile, user.role, user.last_name) == ("+919812345678", "customer", "")
    assert user.mobile_verified_at is not None
    assert OtpChallenge.objects.get().used_at is not None
    # The code left the outbox once the gateway had it; the challenge keeps only a hash.
    assert OutboundSms.objects.get().body == ERASED_BODY
    # The challenge keeps the keyed hash of the code, nothing from which to read it.
    assert (
        OtpChallenge.objects.get().code_hash
        == salted_hmac("accounts.otp", f"{MOBILE}:{code}", algorithm="sha256").hexdigest()
    )


def _wait_for_code(gateway: FakeGateway) -> str:
    """The worker sends within its poll interval; wait on the gateway, not on a clock."""
    for _ in range(200):
        if gateway.messages_to(MOBILE):
            return code_sent_to(gateway)
        time.sleep(0.05)
    pytest.fail("the task worker never sent the SMS")


@pytest.mark.django_db
def test_the_clients_mobile_verified_flag_is_not_trusted(api_client):
    """Improvement on the legacy, which skipped the OTP check when the body said verified."""
    response = register(api_client, mobile_verified=True)

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "mobile": [
            "Mobile number verification failed. Please verify your mobile number with OTP first."
        ]
    }
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_failed_registration_does_not_spend_the_verified_code(api_client, sms_gateway):
    send(api_client)
    _run_outbox()
    verify(api_client, code_sent_to(sms_gateway))
    UserFactory(username="anu@example.com")

    assert register(api_client).status_code == 400
    assert OtpChallenge.objects.get().used_at is None
    assert register(api_client, username="anu2@example.com").status_code == 201


def _run_outbox() -> None:
    """Send what is queued by calling the task itself, in this test's transaction.

    The sign-up test above goes through the real worker; the rules tested with this helper
    (attempts, expiry, resets) are about the codes, and need no second thread.
    """
    from notify.tasks import sms_send

    for message_id in OutboundSms.objects.values_list("pk", flat=True):
        sms_send.call(message_id)


@pytest.mark.django_db
def test_a_wrong_code_is_counted_and_five_kill_it(api_client, sms_gateway, settings):
    settings.OTP_MAX_ATTEMPTS = 5
    send(api_client)
    _run_outbox()
    code = code_sent_to(sms_gateway)
    wrong = "000000" if code != "000000" else "111111"

    answers = [verify(api_client, wrong) for _ in range(5)]
    after = verify(api_client, code)

    assert [a.status_code for a in answers] == [400] * 5
    assert answers[0].json() == {
        "detail": "otp: Invalid OTP",
        "message": "otp: Invalid OTP",
        "code": "otp_invalid",
        "errors": {"otp": ["Invalid OTP"]},
    }
    assert after.status_code == 400
    assert after.json()["errors"]["otp"] == ["Too many wrong attempts. Please request a new OTP."]


@pytest.mark.django_db
def test_an_expired_code_is_refused(api_client, sms_gateway):
    send(api_client)
    _run_outbox()
    OtpChallenge.objects.update(expires_at=OtpChallenge.objects.get().created_at)

    response = verify(api_client, code_sent_to(sms_gateway))

    assert response.status_code == 400
    assert response.json()["errors"]["otp"] == [
        "OTP expired or not found. Please request a new OTP."
    ]


@pytest.mark.django_db
def test_a_number_gets_a_limited_number_of_codes_an_hour(api_client, settings):
    settings.OTP_MAX_SENDS_PER_HOUR = 2

    answers = [send(api_client) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json()["code"] == "otp_rate_limited"
    assert 1 <= int(answers[2]["Retry-After"]) <= 3600
    assert OtpChallenge.objects.count() == OutboundSms.objects.count() == 2


@pytest.mark.django_db
def test_old_sends_do_not_count_against_the_hour(api_client, settings):
    settings.OTP_MAX_SENDS_PER_HOUR = 1
    send(api_client)
    OtpChallenge.objects.update(
        created_at=OtpChallenge.objects.get().created_at - timedelta(hours=2)
    )

    assert send(api_client).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mobile", "message"),
    [
        ("98123", "Mobile number must be exactly 10 digits"),
        ("1234567890", "Indian mobile numbers start with 6, 7, 8 or 9"),
        ("", "This field may not be blank."),
    ],
)
def test_a_malformed_number_is_a_400_and_sends_nothing(api_client, mobile, message):
    response = send(api_client, mobile)

    assert response.status_code == 400
    assert response.json()["errors"] == {"mobile": [message]}
    assert not OutboundSms.objects.exists()


@pytest.mark.django_db
def test_a_number_with_the_country_code_is_the_same_number(api_client, sms_gateway):
    send(api_client, "+91 98123 45678")
    _run_outbox()

    assert verify(api_client, code_sent_to(sms_gateway), "98123-45678").status_code == 200


# --- POST /users/reset-password ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_forgotten_password_is_reset_with_the_code(api_client, sms_gateway):
    UserFactory(username="anu", mobile="+919812345678")
    send(api_client)
    _run_outbox()
    code = code_sent_to(sms_gateway)
    assert verify(api_client, code).status_code == 200  # the screen verifies first

    response = api_client.post(
        "/api/users/reset-password",
        {"mobile": MOBILE, "otp": code, "new_password": "a-brand-new-phrase-7"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": "If this mobile number has an account, its password has been reset.",
    }
    login = APIClient().post(
        "/api/auth/login", {"username": "anu", "password": "a-brand-new-phrase-7"}
    )
    assert login.status_code == 200
    again = api_client.post(
        "/api/users/reset-password",
        {"mobile": MOBILE, "otp": code, "new_password": "another-phrase-8"},
        format="json",
    )
    assert again.status_code == 400, "a code resets a password once"


# A number without an account: tests/accounts/test_account_existence.py.


# --- Vendors and brokers ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_vendor_signs_up_with_a_vendor_profile(api_client):
    response = register(api_client, mobile=None, role="vendor", first_name="Cakes", last_name="Co")

    assert response.status_code == 201
    assert "access_token" in response.json()
    profile = VendorProfile.objects.get()
    assert (profile.user.role, profile.company_name) == ("vendor", "Cakes Co")


@pytest.mark.django_db
def test_a_broker_waits_for_staff_approval(api_client, admin_client):
    response = register(api_client, mobile=None, role="Broker")

    assert response.status_code == 201
    user = User.objects.get(username="anu@example.com")
    assert response.json() == {
        "success": True,
        "id": user.pk,
        "username": "anu@example.com",
        "message": "Your broker account registration is pending admin approval. "
        "You will be notified once approved.",
        "requires_approval": True,
    }
    credentials = {"username": "anu@example.com", "password": "a-long-passphrase-42"}
    refused = APIClient().post("/api/auth/login", credentials)
    assert refused.status_code == 403
    assert refused.json()["code"] == "broker_not_approved"

    profile = BrokerProfile.objects.get()
    admin_client.post(
        "/admin/accounts/brokerprofile/",
        {"action": "approve", "_selected_action": [profile.pk]},
    )

    assert APIClient().post("/api/auth/login", credentials).status_code == 200


@pytest.mark.django_db
def test_nobody_signs_up_as_staff(api_client):
    response = register(api_client, mobile=None, role="admin")

    assert response.status_code == 201
    user = User.objects.get()
    assert (user.role, user.is_staff) == ("customer", False)
