"""PUT /auth/profile, POST /auth/change-password and GET /users, as the profile screen
(app/admin/profile.tsx) and the users panel call them."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import bearer_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def asha():
    return UserFactory(username="asha", email="asha@example.com", mobile="+919812345678")


def test_the_profile_screen_updates_names_and_username(asha):
    response = bearer_client(asha).put(
        "/api/auth/profile",
        {"first_name": "Asha ", "last_name": "Nair", "username": "Asha.Nair"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {
        "id": asha.pk,
        "username": "asha.nair",
        "email": "asha@example.com",
        "role": "customer",
        "first_name": "Asha",
        "last_name": "Nair",
        "mobile": "+919812345678",
        "profile_image": "",
        "is_staff": False,
    }


def test_nulls_leave_fields_as_they_are(asha):
    response = bearer_client(asha).put(
        "/api/auth/profile/",
        {"first_name": None, "last_name": None, "mobile": None, "username": None},
        format="json",
    )

    assert response.status_code == 200
    asha.refresh_from_db()
    assert (asha.first_name, asha.last_name, asha.username) == ("Asha", "Menon", "asha")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"username": "ravi"}, "username", "Username already taken"),
        ({"username": "RAVI@example.com"}, "username", "Username already taken"),
        ({"username": "  "}, "username", "This field may not be blank."),
        ({"mobile": "call me"}, "mobile", "Invalid mobile number format"),
    ],
)
def test_a_bad_change_is_a_400_and_changes_nothing(asha, body, field, message):
    UserFactory(username="ravi", email="ravi@example.com")

    response = bearer_client(asha).put(
        "/api/auth/profile", {"first_name": "Changed", **body}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "detail": f"{field}: {message}",
        "message": f"{field}: {message}",
        "code": "invalid",
        "errors": {field: [message]},
    }
    asha.refresh_from_db()
    assert (asha.first_name, asha.username, asha.mobile) == ("Asha", "asha", "+919812345678")


def test_a_mobile_number_is_stored_without_spaces(asha):
    bearer_client(asha).put("/api/auth/profile", {"mobile": "+91 98765 43210"}, format="json")

    asha.refresh_from_db()
    assert asha.mobile == "+919876543210"


# --- POST /auth/change-password ------------------------------------------------------------


def change_password(user: User, current: str, new: str):
    return bearer_client(user).post(
        "/api/auth/change-password",
        {"current_password": current, "new_password": new},
        format="json",
    )


def test_the_password_changes_and_the_new_one_logs_in(asha):
    response = change_password(asha, PASSWORD, "a-fresh-passphrase-42")

    assert response.status_code == 200
    body = response.json()
    # Earlier tokens are revoked (tests/accounts/test_token_revocation.py): new ones come back.
    assert body == {
        "success": True,
        "message": "Password changed successfully",
        "access_token": body["access_token"],
        "refresh_token": body["refresh_token"],
        "token_type": "bearer",
    }
    login = APIClient().post(
        "/api/auth/login", {"username": "asha", "password": "a-fresh-passphrase-42"}
    )
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        (
            "wrong-password",
            "a-fresh-passphrase-42",
            "current_password",
            "Current password is incorrect",
        ),
        (
            PASSWORD,
            PASSWORD,
            "new_password",
            "New password must be different from current password",
        ),
        (PASSWORD, "12345678", "new_password", "This password is too common."),
    ],
)
def test_a_refused_change_keeps_the_old_password(asha, current, new, field, message):
    response = change_password(asha, current, new)

    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == body["message"] == f"{field}: {message}"
    assert message in body["errors"][field]
    asha.refresh_from_db()
    assert asha.check_password(PASSWORD)


# --- GET /users ------------------------------------------------------------------------------


def test_staff_list_accounts_in_the_legacy_shape(staff_client, staff_user, asha):
    body = staff_client.get("/api/users/", {"page_size": 1, "page": 2}).json()

    assert body == {
        "users": [{"id": asha.pk, "username": "asha", "role": "customer"}],
        "total": 2,
        "page": 2,
        "page_size": 1,
        "total_pages": 2,
    }
    assert staff_user.pk < asha.pk


def test_the_account_list_is_staff_only(api_client, asha):
    """Improvement on the legacy, which listed every account to anyone."""
    assert api_client.get("/api/users").status_code == 401
    assert bearer_client(asha).get("/api/users").status_code == 403


def test_the_account_list_costs_the_same_queries_for_any_page_size(
    staff_client, django_assert_max_num_queries
):
    UserFactory.create_batch(30)
    with django_assert_max_num_queries(4) as one:
        staff_client.get("/api/users", {"page_size": 1})
    with django_assert_max_num_queries(len(one.captured_queries)):
        staff_client.get("/api/users", {"page_size": 30})
