import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.conftest import bearer_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_username_returns_a_bearer_token_that_authenticates(api_client):
    user = UserFactory(username="asha")

    response = api_client.post("/api/auth/login", {"username": "asha", "password": PASSWORD})

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert AccessToken(body["access_token"])["user_id"] == str(user.pk)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api_client.get("/api/auth/me").json()["id"] == user.pk


def test_login_with_email_in_any_case(api_client):
    user = UserFactory(email="asha@example.com")

    response = api_client.post(
        "/api/auth/login", {"username": "ASHA@Example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert AccessToken(response.json()["access_token"])["user_id"] == str(user.pk)


def test_login_accepts_the_trailing_slash_form(api_client):
    UserFactory(username="asha")

    response = api_client.post("/api/auth/login/", {"username": "asha", "password": PASSWORD})

    assert response.status_code == 200


def test_login_with_wrong_password_is_401_with_detail_and_message(api_client):
    UserFactory(username="asha")

    response = api_client.post("/api/auth/login", {"username": "asha", "password": "nope"})

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Invalid credentials.",
        "message": "Invalid credentials.",
        "code": "invalid_credentials",
    }


def test_login_with_missing_password_is_400_naming_the_field(api_client):
    response = api_client.post("/api/auth/login", {"username": "asha"})

    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"password": ["This field is required."]}
    assert body["detail"] == body["message"] == "password: This field is required."


def test_inactive_user_cannot_log_in(api_client):
    UserFactory(username="asha", is_active=False)

    response = api_client.post("/api/auth/login", {"username": "asha", "password": PASSWORD})

    assert response.status_code == 401


def test_suspended_user_gets_403_at_login_and_with_an_old_token(api_client):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory(username="asha")
    client = bearer_client(user)
    user.suspended_until = timezone.now() + timedelta(days=1)
    user.save()

    login = api_client.post("/api/auth/login", {"username": "asha", "password": PASSWORD})
    me = client.get("/api/auth/me")

    assert login.status_code == 403
    assert login.json()["code"] == "user_suspended"
    assert me.status_code == 401


def test_me_without_a_token_is_401(api_client):
    response = api_client.get("/api/auth/me")

    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_me_with_a_garbage_token_is_401(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-jwt")

    assert api_client.get("/api/auth/me").status_code == 401


def test_me_returns_the_profile_fields_the_frontend_reads(customer_client, customer):
    response = customer_client.get("/api/auth/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": customer.pk,
        "username": customer.username,
        "email": customer.email,
        "role": "customer",
        "first_name": "Asha",
        "last_name": "Menon",
        "mobile": customer.mobile,
        "profile_image": "",
        "is_staff": False,
    }


def test_register_creates_a_customer_and_returns_a_working_token(api_client):
    response = api_client.post(
        "/api/auth/register",
        {"username": "New.Person@Example.com", "password": "a-long-passphrase-42"},
    )

    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(pk=body["id"])
    assert (user.username, user.email, user.role) == (
        "new.person@example.com",
        "new.person@example.com",
        "customer",
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api_client.get("/api/auth/me").json()["username"] == "new.person@example.com"


def test_register_on_the_legacy_path_works_too(api_client):
    response = api_client.post(
        "/api/users/register",
        {"username": "legacy@example.com", "password": "a-long-passphrase-42"},
    )

    assert response.status_code == 201
    assert response.json()["success"] is True


def test_register_refuses_a_taken_username_in_another_case(api_client):
    UserFactory(username="asha@example.com", email="asha@example.com")

    response = api_client.post(
        "/api/auth/register", {"username": "ASHA@example.com", "password": "a-long-passphrase-42"}
    )

    assert response.status_code == 400
    assert "username" in response.json()["errors"]
    assert User.objects.count() == 1


def test_register_refuses_a_weak_password_and_creates_nothing(api_client):
    response = api_client.post("/api/auth/register", {"username": "bob", "password": "123"})

    assert response.status_code == 400
    assert "password" in response.json()["errors"]
    assert not User.objects.filter(username="bob").exists()


def test_register_ignores_a_requested_role(api_client):
    response = api_client.post(
        "/api/auth/register",
        {"username": "sneaky", "password": "a-long-passphrase-42", "role": "admin"},
    )

    assert response.status_code == 201
    user = User.objects.get(username="sneaky")
    assert (user.role, user.is_staff) == ("customer", False)


def test_logout_answers_for_the_legacy_frontend(customer_client):
    response = customer_client.post("/api/auth/logout")

    assert response.status_code == 200
    assert response.json() == {"message": "Successfully logged out"}


def test_refresh_token_gives_a_new_access_token(api_client):
    UserFactory(username="asha")
    tokens = api_client.post("/api/auth/login", {"username": "asha", "password": PASSWORD}).json()

    response = api_client.post("/api/auth/refresh", {"refresh": tokens["refresh_token"]})

    assert response.status_code == 200
    assert AccessToken(response.json()["access"])["token_type"] == "access"  # valid, or raises
