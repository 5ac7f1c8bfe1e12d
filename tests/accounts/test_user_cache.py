"""Authentication from the cached user row (accounts/user_cache.py): no query for the user on
a repeated request, and never a stale answer after the user changes."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from tests.conftest import bearer_client
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _user_cache_on(settings):
    # Production turns it on with REDIS_URL; the suite's cache is one process's memory, which
    # is shared by everything in this test.
    settings.AUTH_USER_CACHE_SECONDS = 300


def user_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/auth/me")
    assert response.status_code == 200, response.content
    return sum(
        1 for query in queries if 'FROM "users"' in query["sql"] or "FROM `users`" in query["sql"]
    )


def test_a_repeated_request_reads_no_user_row():
    client = bearer_client(UserFactory())

    first = user_queries(client)
    again = user_queries(client)

    assert first >= 1
    assert again == first - 1


def test_without_a_shared_cache_every_request_reads_the_row(settings):
    settings.AUTH_USER_CACHE_SECONDS = 0
    client = bearer_client(UserFactory())

    assert user_queries(client) == user_queries(client)


def test_a_deactivated_user_is_refused_at_once():
    user = UserFactory()
    client = bearer_client(user)
    user_queries(client)  # cached

    user.is_active = False
    user.save()

    assert client.get("/api/auth/me").status_code == 401


def test_a_suspension_written_in_bulk_is_seen_at_once():
    from tests.factories import VendorFactory
    from vendors import services

    vendor = VendorFactory()
    client = bearer_client(vendor.user)
    user_queries(client)  # cached

    # The service writes User.suspended_until with a bulk update: no signal.
    services.vendor_suspend(vendor_id=vendor.pk, until=timezone.now() + timedelta(days=1))

    response = client.get("/api/auth/me")
    assert response.status_code in (401, 403)
    assert response.json()["code"] == "user_suspended"


def test_a_password_change_ends_the_old_tokens_and_the_cached_user_can_change_it():
    from rest_framework.test import APIClient

    from accounts.tokens import tokens_for

    user = UserFactory()
    client = APIClient()  # with a token as login issues it: it carries the password state
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_for(user)['access_token']}")
    user_queries(client)  # cached: the next request's user has no password loaded

    changed = client.post(
        "/api/auth/change-password",
        {"current_password": PASSWORD, "new_password": "a-new-long-passphrase-42"},
        format="json",
    )

    assert changed.status_code == 200, changed.content
    user = User.objects.get(pk=user.pk)
    assert user.check_password("a-new-long-passphrase-42")
    assert client.get("/api/auth/me").status_code == 401
