"""Whether a mobile number, username or e-mail has an account (issue 19).

The OTP and password-reset calls (lib/api.ts sendOTP, verifyOTP, resetPassword; the screens
app/forgot-password.tsx, app/reset-password.tsx, app/register.tsx) answer the same, with the
same work, for a number with an account and one without: the screens show their own success
text and only the server's error text, so nothing there needs the difference.

Registration does tell: app/register.tsx shows the server's field error ("An account with
this username or e-mail exists.") so the person can log in instead. There the telling is
rate-limited per address (register_ip), which is what the last test proves.
"""

from typing import Any

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher

from accounts.models import OtpChallenge, User
from notify.models import OutboundSms
from tests.accounts.test_otp_signup_api import _run_outbox, code_sent_to, send, verify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WITH_ACCOUNT = "9812345678"
WITHOUT_ACCOUNT = "9812345679"


@pytest.fixture
def account():
    return UserFactory(username="anu", mobile=f"+91{WITH_ACCOUNT}", password="the-old-phrase-1")


def same_apart_from_the_number(first: Any, second: Any) -> None:
    """Equal status and body, the number each answer echoes aside."""
    assert first.status_code == second.status_code
    one, other = first.json(), second.json()
    if isinstance(one, dict) and "mobile" in one:
        one, other = {**one, "mobile": "-"}, {**other, "mobile": "-"}
    assert one == other


@pytest.fixture
def hashings(monkeypatch) -> list[str]:
    """Every password the (test suite's) hasher hashed."""
    hashed: list[str] = []
    encode = MD5PasswordHasher.encode

    def spy(self: MD5PasswordHasher, password: str, salt: str) -> str:
        hashed.append(password)
        return encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "encode", spy)
    return hashed


def test_an_otp_request_answers_the_same_and_sends_a_code_either_way(api_client, account):
    known, unknown = send(api_client, WITH_ACCOUNT), send(api_client, WITHOUT_ACCOUNT)

    assert known.status_code == 200
    same_apart_from_the_number(known, unknown)
    assert sorted(OutboundSms.objects.values_list("to", flat=True)) == sorted(
        [WITH_ACCOUNT, WITHOUT_ACCOUNT]
    )


def test_an_otp_check_answers_the_same_right_or_wrong(api_client, account, sms_gateway):
    send(api_client, WITH_ACCOUNT)
    send(api_client, WITHOUT_ACCOUNT)
    _run_outbox()

    wrong = [verify(api_client, "000000", mobile) for mobile in (WITH_ACCOUNT, WITHOUT_ACCOUNT)]
    right = [
        verify(api_client, code_sent_to(sms_gateway, mobile), mobile)
        for mobile in (WITH_ACCOUNT, WITHOUT_ACCOUNT)
    ]

    assert wrong[0].status_code == 400
    same_apart_from_the_number(*wrong)
    assert right[0].status_code == 200
    same_apart_from_the_number(*right)


def reset(client: Any, mobile: str, code: str, password: str) -> Any:
    body = {"mobile": mobile, "otp": code, "new_password": password}
    return client.post("/api/users/reset-password", body, format="json")


def test_a_reset_answers_the_same_and_does_the_same_work_for_a_number_without_an_account(
    api_client, account, sms_gateway, hashings
):
    send(api_client, WITH_ACCOUNT)
    send(api_client, WITHOUT_ACCOUNT)
    _run_outbox()
    codes = {
        mobile: code_sent_to(sms_gateway, mobile) for mobile in (WITH_ACCOUNT, WITHOUT_ACCOUNT)
    }
    users_before = User.objects.count()

    known = reset(api_client, WITH_ACCOUNT, codes[WITH_ACCOUNT], "a-brand-new-phrase-7")
    unknown = reset(api_client, WITHOUT_ACCOUNT, codes[WITHOUT_ACCOUNT], "a-brand-new-phrase-8")

    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert known.json()["success"] is True
    # Each hashed its new password once (PBKDF2 in production): an unknown number is no faster.
    assert hashings == ["a-brand-new-phrase-7", "a-brand-new-phrase-8"]
    # Each spent its code: a second try is refused alike.
    assert not OtpChallenge.objects.filter(used_at__isnull=True).exists()
    again = [
        reset(api_client, mobile, codes[mobile], "yet-another-phrase-9")
        for mobile in (WITH_ACCOUNT, WITHOUT_ACCOUNT)
    ]
    assert again[0].status_code == 400
    same_apart_from_the_number(*again)
    account.refresh_from_db()
    assert account.check_password("a-brand-new-phrase-7")
    assert User.objects.count() == users_before


@pytest.mark.parametrize("code", ["000000", None], ids=["wrong-code", "no-code-sent"])
def test_a_reset_without_a_good_code_answers_the_same(api_client, account, sms_gateway, code):
    if code is not None:
        send(api_client, WITH_ACCOUNT)
        send(api_client, WITHOUT_ACCOUNT)
        _run_outbox()

    known = reset(api_client, WITH_ACCOUNT, code or "123456", "a-brand-new-phrase-7")
    unknown = reset(api_client, WITHOUT_ACCOUNT, code or "123456", "a-brand-new-phrase-7")

    assert known.status_code == 400
    same_apart_from_the_number(known, unknown)


def test_a_weak_new_password_is_refused_alike(api_client, account, sms_gateway):
    send(api_client, WITH_ACCOUNT)
    send(api_client, WITHOUT_ACCOUNT)
    _run_outbox()

    known = reset(api_client, WITH_ACCOUNT, code_sent_to(sms_gateway, WITH_ACCOUNT), "12345678")
    unknown = reset(
        api_client, WITHOUT_ACCOUNT, code_sent_to(sms_gateway, WITHOUT_ACCOUNT), "12345678"
    )

    assert known.status_code == 400
    same_apart_from_the_number(known, unknown)


def test_registration_tells_an_existing_account_but_only_at_the_register_rate(
    api_client, account, settings
):
    """The screen shows this error (app/register.tsx, Alert 'Registration Failed'), so it
    stays; a client probing for accounts gets three answers an hour from one address."""
    settings.THROTTLE_RATES = {"register_ip": "3/hour"}

    def register(username: str) -> Any:
        body = {"username": username, "password": "a-long-passphrase-42"}
        return api_client.post("/api/users/register", body, format="json")

    taken = register("ANU")
    free = register("someone-new")
    other_taken = register("anu")
    probes = [register(name) for name in ("anu", "nobody-yet")]

    assert taken.status_code == 400
    assert taken.json()["errors"] == {
        "username": ["An account with this username or e-mail exists."]
    }
    assert free.status_code == 201
    assert other_taken.status_code == 400
    assert [probe.status_code for probe in probes] == [429, 429]
    assert set(probes[0].json()) >= {"detail", "message", "code"}
    assert probes[0].json()["code"] == probes[1].json()["code"] == "throttled"
    assert not User.objects.filter(username="nobody-yet").exists()
