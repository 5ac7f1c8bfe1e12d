"""Sign-up refuses what only an attacker or a mistake sends: usernames with spaces, markup or
look-alike letters, and passwords of spaces only."""

import pytest

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-passw0rd!"


def register(client, username: str, password: str = PASSWORD):
    return client.post("/api/auth/register", {"username": username, "password": password})


@pytest.mark.parametrize(
    "username",
    ["asha kumar", "<script>x</script>", "\u0430sha", "ab\u200bc"],
    ids=["space", "markup", "cyrillic-a", "zero-width"],
)
def test_a_username_outside_the_ascii_rule_is_refused(api_client, username):
    response = register(api_client, username)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_username"
    assert not User.objects.exists()


def test_full_width_letters_fold_to_ascii(api_client):
    response = register(api_client, "\uff41\uff53\uff48\uff41")

    assert response.status_code == 201, response.content
    assert User.objects.get().username == "asha"


def test_an_email_address_is_still_a_valid_username(api_client):
    assert register(api_client, "Asha.K+venue@example.com").status_code == 201


def test_a_password_of_spaces_only_is_refused(api_client):
    response = register(api_client, "asha", password=" " * 12)

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.exists()


def test_a_profile_cannot_take_a_username_with_spaces_but_keeps_a_legacy_one(api_client):
    from rest_framework_simplejwt.tokens import AccessToken

    legacy = UserFactory(username="old name")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(legacy)}")

    kept = api_client.put("/api/auth/profile", {"username": "old name", "first_name": "A"})
    refused = api_client.put("/api/auth/profile", {"username": "new name"})

    assert kept.status_code == 200
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_username"


def test_sign_up_does_not_tell_a_stranger_which_mobile_numbers_have_accounts(api_client):
    UserFactory(mobile="+919876543210")

    response = api_client.post(
        "/api/auth/register",
        {"username": "newcomer", "password": PASSWORD, "mobile": "9876543210"},
    )

    assert response.status_code == 400
    assert "already in use" not in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_sign_up_names_no_field_when_the_username_or_email_is_taken(api_client):
    UserFactory(username="asha", email="asha@example.com")

    by_name = register(api_client, "asha")
    by_email = api_client.post(
        "/api/auth/register",
        {"username": "other", "password": PASSWORD, "email": "asha@example.com"},
    )

    assert by_name.json()["detail"] == by_email.json()["detail"]
