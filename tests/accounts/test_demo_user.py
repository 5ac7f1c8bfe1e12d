"""POST /users/seed-dummy: the users screen's seed button, without the legacy's backdoor."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_makes_one_demo_account_that_cannot_log_in():
    client = APIClient()  # components/UsersPanel.tsx sends no token

    first = client.post("/api/users/seed-dummy")
    again = client.post("/api/users/seed-dummy/")

    assert first.status_code == 200
    user = User.objects.get(username="dummy@example.com")
    assert first.json() == {"id": user.pk, "username": "dummy@example.com"}
    assert again.json() == first.json()
    assert User.objects.count() == 1
    assert not user.has_usable_password()
    assert user.is_staff is False
    # The legacy's published password opens nothing.
    login = client.post(
        "/api/auth/login",
        {"username": "dummy@example.com", "password": "secret123"},
        format="json",
    )
    assert login.status_code == 401
