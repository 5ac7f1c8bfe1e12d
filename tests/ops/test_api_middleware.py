"""The served application: API calls through the API's short chain, pages through the full one."""

import pytest
from django.conf import settings
from django.utils.deprecation import MiddlewareMixin
from django.utils.module_loading import import_string

from lebrq.asgi import api_application, browser_application
from tests.ops.asgi import call, scope


def header_names(response) -> set[str]:
    return {name.lower() for name in response.headers}


def headers_of(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.headers.items()}


def test_an_api_answer_keeps_the_security_and_cors_headers_and_sets_no_cookie(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.lebrq.example"]
    origin = (b"origin", b"https://app.lebrq.example")

    response = call(api_application, scope("/api/health", method="GET", headers=[origin]))

    assert response.status == 200
    headers = headers_of(response)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["access-control-allow-origin"] == "https://app.lebrq.example"
    assert "X-Request-ID" in headers["access-control-expose-headers"]  # the frontend reads it
    assert "set-cookie" not in header_names(response)
    # JSON is never framed: no clickjacking header to send.
    assert "x-frame-options" not in header_names(response)


@pytest.mark.django_db(transaction=True)
def test_an_api_call_with_a_host_we_do_not_serve_is_refused():
    request = scope("/api/venues", method="GET")
    request["headers"] = [(b"host", b"evil.example")]

    response = call(api_application, request)

    assert response.status == 400
    assert response.json()["code"] == "bad_host"


@pytest.mark.django_db(transaction=True)
def test_the_admin_keeps_its_whole_chain():
    response = call(browser_application, scope("/admin/login/", method="GET"))

    assert response.status == 200
    assert headers_of(response)["x-frame-options"] == "DENY"
    assert "csrftoken=" in headers_of(response)["set-cookie"]


def test_the_served_application_sends_each_path_to_its_handler():
    from lebrq.handlers import is_api_request

    assert is_api_request({"path": "/api/bookings"})
    assert not is_api_request({"path": "/api/docs"})
    assert not is_api_request({"path": "/api/schema"})
    assert not is_api_request({"path": "/admin/"})
    assert not is_api_request({"path": "/metrics"})


def test_no_api_middleware_sends_its_hooks_to_a_thread():
    """MiddlewareMixin's async path hops to a worker thread for each hook."""
    for path in settings.API_MIDDLEWARE:
        middleware = import_string(path)
        assert middleware.async_capable, path
        if issubclass(middleware, MiddlewareMixin):
            assert middleware.__acall__ is not MiddlewareMixin.__acall__, path
