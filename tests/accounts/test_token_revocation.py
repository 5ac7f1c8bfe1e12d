"""Tokens can be taken back: refresh tokens rotate and work once, logout revokes, a password
change or reset and a deactivation or suspension revoke every token of the user; the check
costs no database query beyond the user row authentication loads anyway."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def log_in(username: str, password: str = PASSWORD) -> dict[str, str]:
    response = APIClient().post("/api/auth/login", {"username": username, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def me(access: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client.get("/api/auth/me").status_code


def refresh(token: str):
    return APIClient().post("/api/auth/refresh", {"refresh": token})


@pytest.fixture
def asha():
    return UserFactory(username="asha")


def test_a_refresh_token_rotates_and_works_only_once(asha):
    tokens = log_in("asha")

    first = refresh(tokens["refresh_token"])
    replay = refresh(tokens["refresh_token"])

    assert first.status_code == 200
    assert me(first.json()["access"]) == 200
    assert first.json()["refresh"] != tokens["refresh_token"]
    assert replay.status_code == 401
    assert refresh(first.json()["refresh"]).status_code == 200


def test_logout_revokes_the_access_token_and_the_refresh_token_it_names(asha):
    tokens = log_in("asha")
    other_device = log_in("asha")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    response = client.post("/api/auth/logout", {"refresh_token": tokens["refresh_token"]})

    assert response.status_code == 200
    assert response.json() == {"message": "Successfully logged out"}
    assert me(tokens["access_token"]) == 401
    assert refresh(tokens["refresh_token"]).status_code == 401
    # Another device's session is its own.
    assert me(other_device["access_token"]) == 200


def test_logout_with_no_body_as_the_frontend_sends_it(asha):
    tokens = log_in("asha")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    assert client.post("/api/auth/logout").status_code == 200
    assert me(tokens["access_token"]) == 401


def test_logout_cannot_blacklist_another_users_refresh_token(asha):
    ravi = UserFactory(username="ravi")
    ravis = log_in("ravi")
    client = APIClient()
    client.force_authenticate(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {log_in('asha')['access_token']}")

    client.post("/api/auth/logout", {"refresh": ravis["refresh_token"]})

    assert ravi.is_active
    assert refresh(ravis["refresh_token"]).status_code == 200


def test_a_password_change_revokes_every_earlier_token_and_returns_new_ones(asha):
    this_device = log_in("asha")
    other_device = log_in("asha")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {this_device['access_token']}")

    response = client.post(
        "/api/auth/change-password",
        {"current_password": PASSWORD, "new_password": "another-Long-pass-42"},
    )

    assert response.status_code == 200
    assert response.json()["success"] is True
    for tokens in (this_device, other_device):
        assert me(tokens["access_token"]) == 401
        assert refresh(tokens["refresh_token"]).status_code == 401
    assert me(response.json()["access_token"]) == 200


def test_a_password_reset_revokes_every_earlier_token(asha):
    tokens = log_in("asha")
    asha.set_password("reset-by-otp-Long-42")
    asha.save(update_fields=["password"])

    assert me(tokens["access_token"]) == 401
    assert refresh(tokens["refresh_token"]).status_code == 401


@pytest.mark.parametrize("change", ["deactivate", "suspend"])
def test_deactivation_or_suspension_revokes_every_token(asha, change):
    tokens = log_in("asha")
    if change == "deactivate":
        asha.is_active = False
    else:
        asha.suspended_until = timezone.now() + timedelta(days=1)
    asha.save()

    assert me(tokens["access_token"]) == 401
    assert refresh(tokens["refresh_token"]).status_code == 401


def test_the_revocation_checks_cost_no_extra_query(asha, django_assert_num_queries):
    tokens = log_in("asha")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")

    # The one query is the user row simplejwt loads for request.user.
    with django_assert_num_queries(1):
        assert client.get("/api/auth/me").status_code == 200


LEGACY_SECRET = "legacy-secret-of-a-sensible-length-0123456789"


def test_logout_revokes_a_legacy_token_too(asha, settings):
    settings.LEGACY_JWT_SECRET = LEGACY_SECRET
    settings.LEGACY_JWT_ACCEPT_UNTIL = datetime.now(tz=UTC) + timedelta(days=3)
    now = datetime.now(tz=UTC)
    legacy = jwt.encode(
        {"sub": str(asha.pk), "uid": asha.pk, "iat": now, "exp": now + timedelta(hours=12)},
        LEGACY_SECRET,
        algorithm="HS256",
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {legacy}")
    assert client.get("/api/auth/me").status_code == 200

    assert client.post("/api/auth/logout").status_code == 200
    assert client.get("/api/auth/me").status_code == 401


def test_expired_refresh_tokens_are_flushed_with_their_blacklist_rows(asha):
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from accounts.tokens import expired_tokens_flush

    old = log_in("asha")
    refresh(old["refresh_token"])  # blacklisted by rotation
    current = log_in("asha")
    OutstandingToken.objects.exclude(
        jti=jwt.decode(current["refresh_token"], options={"verify_signature": False})["jti"]
    ).update(expires_at=timezone.now() - timedelta(seconds=1))

    flushed = expired_tokens_flush()

    assert flushed >= 2
    assert OutstandingToken.objects.count() == 1
    assert not BlacklistedToken.objects.exists()
    assert refresh(current["refresh_token"]).status_code == 200
