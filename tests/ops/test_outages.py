"""A database outage or a MemoryError is a 503 the client may retry, never a 500."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from lebrq.asgi import application
from tests.factories import UserFactory
from tests.ops.asgi import call, scope

DATABASE_UNAVAILABLE = {
    "detail": "The database is unavailable right now; please retry shortly.",
    "message": "The database is unavailable right now; please retry shortly.",
    "code": "database_unavailable",
}
MEMORY_PRESSURE = {
    "detail": "The server is short of memory right now; please retry in a few seconds.",
    "message": "The server is short of memory right now; please retry in a few seconds.",
    "code": "memory_pressure",
}


@pytest.fixture(autouse=True)
def _retry_after(settings):
    settings.RETRY_AFTER_SECONDS = 10


def assert_database_unavailable(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json() == DATABASE_UNAVAILABLE


def test_login_during_a_database_outage_is_503(api_client, database_down):
    response = api_client.post("/api/auth/login", {"username": "demo", "password": "x"})

    assert_database_unavailable(response)


def test_bearer_authentication_during_a_database_outage_is_503(api_client, database_down):
    """The JWT is valid; looking its user up is what fails."""
    token = AccessToken.for_user(UserFactory.build(id=7))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    response = api_client.get("/api/auth/me")

    assert_database_unavailable(response)


@pytest.mark.urls("tests.ops.urls")
def test_a_plain_django_api_view_during_a_database_outage_is_503(client, database_down):
    assert_database_unavailable(client.get("/api/test/count-users"))


@pytest.mark.urls("tests.ops.urls")
def test_a_session_saved_by_middleware_during_a_database_outage_is_503(client, database_down):
    assert_database_unavailable(client.get("/api/test/remember-visit"))


def test_the_admin_login_during_a_database_outage_is_a_plain_503(client, database_down):
    response = client.post("/admin/login/", {"username": "staff", "password": "x"})

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Content-Type"].startswith("text/plain")
    assert b"database is unavailable" in response.content


@pytest.mark.urls("tests.ops.urls")
def test_a_database_outage_under_asgi_is_503_too(database_down):
    """Under ASGI Django builds the error response in another thread; it still knows why."""
    response = call(application, scope("/api/test/count-users", method="GET"))

    assert response.status == 503
    assert response.headers["Retry-After"] == "10"
    # Under the served application the error names its request, as the header does.
    assert response.json() == {
        **DATABASE_UNAVAILABLE,
        "request_id": response.headers["x-request-id"],
    }


@pytest.mark.urls("tests.ops.urls")
@pytest.mark.parametrize("path", ["/api/test/memory-error", "/api/test/memory-error-drf"])
def test_a_memory_error_in_a_view_is_503_and_logged(client, caplog, path):
    response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json() == MEMORY_PRESSURE
    assert "MemoryError" in caplog.text


@pytest.mark.urls("tests.ops.urls")
def test_a_memory_error_under_asgi_is_503_and_the_app_keeps_serving():
    exhausted = call(application, scope("/api/test/memory-error", method="GET"))
    after = call(application, scope("/api/health", method="GET"))

    assert exhausted.status == 503
    assert exhausted.json() == {**MEMORY_PRESSURE, "request_id": exhausted.headers["x-request-id"]}
    assert after.status == 200
