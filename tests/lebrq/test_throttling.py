"""Rate limits: past its rate a client gets 429 + Retry-After in the error shape, counted in
the shared cache per address, per account named in the body, or per user, as each scope says.
The suite runs with every limit off (tests/conftest.py); each test here sets the rate it
proves."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import SpaceFactory, UserFactory
from tests.samples import image_bytes

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-passw0rd!"


def assert_throttled(response: Any) -> None:
    assert response.status_code == 429, response.content[:300]
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"] == body["message"]
    assert int(response["Retry-After"]) > 0


def login(client: Any, username: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        "/api/auth/login",
        {"username": username, "password": PASSWORD},
        REMOTE_ADDR=address,
    )


def test_logins_past_the_per_address_rate_get_429_with_retry_after(api_client, settings):
    settings.THROTTLE_RATES = {"login_ip": "3/min"}
    UserFactory(username="asha", password=PASSWORD)

    statuses = [login(api_client, "asha").status_code for _ in range(3)]
    refused = login(api_client, "asha")

    assert statuses == [200, 200, 200]
    assert_throttled(refused)
    # Another address still logs in: the count is per address.
    assert login(api_client, "asha", address="10.0.0.2").status_code == 200


def test_a_throttled_login_costs_no_password_check(api_client, settings, monkeypatch):
    settings.THROTTLE_RATES = {"login_ip": "1/min"}
    login(api_client, "nobody")
    checks = []
    monkeypatch.setattr(
        "accounts.backends.UsernameOrEmailBackend.authenticate",
        lambda *args, **kwargs: checks.append(1),
    )

    assert_throttled(login(api_client, "nobody"))
    assert checks == []


def test_guessing_one_accounts_password_from_many_addresses_is_limited(api_client, settings):
    settings.THROTTLE_RATES = {"login_account": "2/min"}
    UserFactory(username="asha", password=PASSWORD)

    for number in range(2):
        login(api_client, "asha", address=f"10.0.1.{number}")
    refused = login(api_client, " ASHA ", address="10.0.1.99")

    assert_throttled(refused)
    assert login(api_client, "ravi", address="10.0.1.99").status_code == 401


def test_the_limit_is_counted_in_the_default_cache(api_client, settings):
    settings.THROTTLE_RATES = {"login_ip": "5/min"}

    login(api_client, "someone", address="10.0.2.1")

    assert len(cache.get("throttle_login_ip_10.0.2.1")) == 1


def redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_worker_counts_in_the_same_place(api_client, settings):
    """Two cache connections stand for two workers: what one counted, the other refuses."""
    from django.core.cache import caches

    settings.THROTTLE_RATES = {"login_ip": "1/min"}
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "lebrq-test-throttling",
        }
    }
    caches["default"].delete("throttle_login_ip_10.0.3.1")
    try:
        login(api_client, "someone", address="10.0.3.1")
        # A fresh connection, as another worker process would have.
        caches["default"].close()
        refused = login(api_client, "someone", address="10.0.3.1")
    finally:
        caches["default"].delete("throttle_login_ip_10.0.3.1")

    assert_throttled(refused)


def test_behind_one_proxy_the_forwarded_address_counts_not_the_proxy(api_client, settings):
    from rest_framework.settings import api_settings

    settings.THROTTLE_RATES = {"login_ip": "1/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        first = api_client.post(
            "/api/auth/login",
            {"username": "x", "password": "y"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
        other_client = api_client.post(
            "/api/auth/login",
            {"username": "x", "password": "y"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.2",
        )
        same_client_spoofing = api_client.post(
            "/api/auth/login",
            {"username": "x", "password": "y"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.1",
        )
    finally:
        settings.REST_FRAMEWORK = {
            key: value for key, value in settings.REST_FRAMEWORK.items() if key != "NUM_PROXIES"
        }
        api_settings.reload()

    assert first.status_code == 401
    assert other_client.status_code == 401
    assert_throttled(same_client_spoofing)


def test_registrations_past_the_rate_get_429_and_create_nobody(api_client, settings):
    from accounts.models import User

    settings.THROTTLE_RATES = {"register_ip": "1/hour"}
    api_client.post("/api/auth/register", {"username": "first1", "password": PASSWORD})

    refused = api_client.post("/api/auth/register", {"username": "second2", "password": PASSWORD})

    assert_throttled(refused)
    assert not User.objects.filter(username="second2").exists()


@pytest.mark.parametrize(
    ("path", "scope", "body"),
    [
        ("/api/users/otp/send", "otp_ip", {"mobile": "9876543210"}),
        ("/api/users/otp/verify", "otp_account", {"mobile": "9876543210", "otp": "123456"}),
        (
            "/api/users/reset-password",
            "password_reset_ip",
            {"mobile": "9876543210", "otp": "123456", "new_password": PASSWORD},
        ),
        (
            "/api/users/reset-password",
            "password_reset_account",
            {"mobile": "9876543210", "otp": "123456", "new_password": PASSWORD},
        ),
    ],
)
def test_otp_and_password_reset_are_limited(api_client, settings, path, scope, body):
    settings.THROTTLE_RATES = {scope: "1/hour"}
    api_client.post(path, body)

    assert_throttled(api_client.post(path, body))


def test_uploads_are_limited_per_user(customer_client, other_client, settings, tmp_path):
    settings.THROTTLE_RATES = {"upload": "1/min"}
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)

    def upload(client: Any) -> Any:
        return client.post("/api/uploads/image", {"file": image_bytes_file()}, format="multipart")

    assert upload(customer_client).status_code == 201
    assert_throttled(upload(customer_client))
    assert upload(other_client).status_code == 201


def image_bytes_file() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")


def test_booking_creation_is_limited_per_user_and_reads_are_not(customer_client, settings):
    settings.THROTTLE_RATES = {"booking_create": "1/hour"}
    space = SpaceFactory()
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    next_day = (timezone.localdate() + timedelta(days=11)).isoformat()
    body = {
        "space_id": space.pk,
        "start_datetime": f"{day}T10:00:00",
        "end_datetime": f"{day}T12:00:00",
        "event_type": "Birthday Party",
        "attendees": 10,
    }

    first = customer_client.post("/api/bookings", body, format="json")
    second = customer_client.post(
        "/api/bookings",
        {**body, "start_datetime": f"{next_day}T10:00:00", "end_datetime": f"{next_day}T12:00:00"},
        format="json",
    )

    assert first.status_code == 201, first.content[:300]
    assert_throttled(second)
    assert customer_client.get("/api/bookings").status_code == 200


def admin_login(client: Any, password: str) -> Any:
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": password},
        REMOTE_ADDR="10.0.4.1",
    )


def test_the_admin_login_locks_a_client_out_after_the_failure_limit(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="boss", password=PASSWORD, staff=True, is_superuser=True)

    failures = [admin_login(client, "wrong").status_code for _ in range(3)]
    locked = admin_login(client, PASSWORD)

    assert failures[:2] == [200, 200]  # the form again, with its error
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_api_logins_are_not_counted_by_the_admin_lockout(api_client, client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="boss", password=PASSWORD, staff=True)
    for _ in range(3):
        login(api_client, "boss", address="10.0.4.1").status_code  # noqa: B018
        api_client.post(
            "/api/auth/login", {"username": "boss", "password": "wrong"}, REMOTE_ADDR="10.0.4.1"
        )

    assert admin_login(client, PASSWORD).status_code == 302


class UnreachableCache:
    def get(self, *args: Any, **kwargs: Any) -> Any:
        from redis.exceptions import ConnectionError as RedisConnectionError

        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379.")

    set = get


def test_with_the_cache_down_logins_and_token_checks_still_work(api_client, settings, monkeypatch):
    """A rate limit and a revocation list are guards: their cache failing must not turn
    every login and every authenticated request into a 500."""
    from lebrq.api.throttling import SettingsRateThrottle

    settings.THROTTLE_RATES = {"login_ip": "1/min"}
    UserFactory(username="asha", password=PASSWORD)
    monkeypatch.setattr(SettingsRateThrottle, "cache", UnreachableCache())
    monkeypatch.setattr("accounts.tokens.cache", UnreachableCache())

    first, second = login(api_client, "asha"), login(api_client, "asha")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {first.json()['access_token']}")

    assert first.status_code == second.status_code == 200
    assert api_client.get("/api/auth/me").status_code == 200
    assert api_client.post("/api/auth/logout").status_code == 200
