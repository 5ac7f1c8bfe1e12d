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


def test_api_requests_run_their_sync_code_on_a_kept_thread_not_a_new_one(monkeypatch):
    """Django would start (and join) a thread per request; the API's handler keeps them."""
    import threading

    from ops.views import LivenessView

    seen: list[tuple[str, int | None]] = []
    get = LivenessView.get

    def recording_get(self, request):
        thread = threading.current_thread()
        seen.append((thread.name, thread.ident))
        return get(self, request)

    monkeypatch.setattr(LivenessView, "get", recording_get)
    started = threading.active_count()

    for _ in range(3):
        assert call(api_application, scope("/api/health", method="GET")).status == 200

    assert all(name.startswith("lebrq-request") for name, _ in seen)
    assert len({ident for _, ident in seen}) == 1  # one thread served all three in turn
    assert threading.active_count() <= started + 1


def test_a_request_thread_is_kept_only_when_idle_and_up_to_the_limit():
    import threading

    from lebrq.handlers import RequestThreads

    threads = RequestThreads(keep=1)
    first, second = threads.take(), threads.take()
    assert first is not second  # concurrent requests get threads of their own

    released = threading.Event()
    first.submit(released.wait)  # a request given up while its view still runs
    threads.give_back(first)
    threads.give_back(second)
    assert threads.take() is second  # the busy one was not kept for the next request
    released.set()
    first.shutdown(wait=True)

    third = threads.take()
    threads.give_back(second)
    threads.give_back(third)  # one more than `keep`: shut down, not kept
    assert threads.take() is second
    with pytest.raises(RuntimeError):  # shut down: takes no more work
        third.submit(print)
