"""The ASGI guards, driven by hand (tests/ops/asgi.py) around fake apps and the real one."""

from typing import Any

import pytest

from lebrq.asgi import application, django_application
from ops.asgi import BodySizeLimit, MemoryShedding, WorkerRecycling
from ops.memory import MemoryUsage
from ops.recycling import WorkerRecycler
from tests.ops.asgi import call, scope

KiB = 1024
MiB = 2**20


class RecordingApp:
    """Reads the whole body like Django does, then answers 200 with how much it got."""

    def __init__(self) -> None:
        self.calls = 0
        self.body = b""
        self.saw_disconnect = False

    async def __call__(self, scope, receive, send):
        self.calls += 1
        if scope["type"] == "http":
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    self.saw_disconnect = True
                    return  # Django raises RequestAborted and sends nothing
                self.body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": str(len(self.body)).encode()})


def content_length(size: int | str) -> list[tuple[bytes, bytes]]:
    return [(b"content-length", str(size).encode())]


def limited(app, **overrides):
    options: dict[str, Any] = {
        "max_bytes": 10 * KiB,
        "upload_max_bytes": 100 * KiB,
        "upload_path_regex": r"^/api/uploads/",
    }
    return BodySizeLimit(app, **(options | overrides))


# --- BodySizeLimit ------------------------------------------------------------------------


def test_declared_length_over_the_limit_is_refused_without_calling_the_app():
    app = RecordingApp()

    response = call(limited(app), scope(headers=content_length(10 * KiB + 1)), [b"x" * 100])

    assert response.status == 413
    assert response.json() == {
        "detail": "The request body is larger than the 0 MB this endpoint accepts.",
        "message": "The request body is larger than the 0 MB this endpoint accepts.",
        "code": "request_too_large",
    }
    assert "connection" not in response.headers  # the server discards the rest (see BodySizeLimit)
    assert app.calls == 0


def test_declared_length_at_the_limit_reaches_the_app():
    app = RecordingApp()

    response = call(limited(app), scope(headers=content_length(10 * KiB)), [b"x" * 10 * KiB])

    assert response.status == 200
    assert response.body == str(10 * KiB).encode()


def test_upload_routes_get_the_larger_limit():
    app = RecordingApp()
    big = content_length(50 * KiB)

    upload = call(limited(app), scope("/api/uploads/files", headers=big), [b"x" * 50 * KiB])
    other = call(limited(app), scope("/api/bookings", headers=big), [b"x" * 50 * KiB])

    assert upload.status == 200
    assert other.status == 413


@pytest.mark.parametrize("value", ["abc", "-1", "1e6", ""])
def test_an_invalid_content_length_is_a_400(value):
    app = RecordingApp()

    response = call(limited(app), scope(headers=content_length(value)))

    assert response.status == 400
    assert response.json()["code"] == "bad_request"
    assert response.headers["connection"] == "close"
    assert app.calls == 0


def test_conflicting_content_lengths_are_a_400():
    app = RecordingApp()
    headers = [(b"content-length", b"10"), (b"content-length", b"20000")]

    response = call(limited(app), scope(headers=headers))

    assert response.status == 400
    assert app.calls == 0


def test_chunked_body_under_the_limit_passes_whole():
    app = RecordingApp()

    response = call(limited(app), scope(), [b"x" * 4 * KiB] * 2)

    assert response.status == 200
    assert app.body == b"x" * 8 * KiB


def test_chunked_body_is_cut_off_at_the_limit_and_answered_413():
    app = RecordingApp()

    response = call(limited(app), scope(), [b"x" * 4 * KiB] * 5)

    assert response.status == 413
    assert response.json()["code"] == "request_too_large"
    # The app got two chunks (8 KiB), then a disconnect instead of the chunk that crossed.
    assert app.body == b"x" * 8 * KiB
    assert app.saw_disconnect


def test_chunked_overflow_after_the_app_answered_sends_no_second_response():
    class AnswersFirst:
        async def __call__(self, scope, receive, send):
            await send({"type": "http.response.start", "status": 202, "headers": []})
            while (await receive())["type"] != "http.disconnect":
                pass
            await send({"type": "http.response.body", "body": b"accepted"})

    response = call(limited(AnswersFirst()), scope(), [b"x" * 4 * KiB] * 5)

    assert response.status == 202  # exactly one response start
    assert response.body == b"accepted"


def test_lifespan_and_websocket_scopes_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    guarded = MemoryShedding(WorkerRecycling(limited(app)), monitor=Monitor(99.0))
    call(guarded, {"type": "lifespan"})
    call(guarded, {"type": "websocket", "path": "/ws", "headers": []})

    assert seen == ["lifespan", "websocket"]


def test_the_real_application_refuses_a_declared_oversized_body_before_django_reads_it():
    response = call(application, scope(headers=content_length(15 * MiB + 1)), [b"{}"])

    assert response.status == 413
    assert response.json()["detail"] == (
        "The request body is larger than the 15 MB this endpoint accepts."
    )


def test_the_real_application_cuts_off_a_chunked_body_past_the_limit():
    """Django would spool all of it; it gets 15 MiB, then a disconnect, then the 413."""
    chunk = b"x" * MiB

    response = call(application, scope(), [chunk] * 16)

    assert response.status == 413
    assert response.json()["code"] == "request_too_large"


@pytest.mark.urls("tests.ops.urls")
def test_the_real_application_gives_django_a_whole_chunked_body_under_the_limit():
    chunk = b"x" * 256 * KiB

    response = call(application, scope("/api/test/body-length"), [chunk] * 4)

    assert response.status == 200
    assert response.json() == {"length": MiB}


# --- MemoryShedding -----------------------------------------------------------------------


class Monitor:
    def __init__(self, percent: float | None) -> None:
        self.percent = percent

    def usage(self) -> MemoryUsage | None:
        if self.percent is None:
            return None
        return MemoryUsage("cgroup-v2", used_bytes=int(self.percent * 10), limit_bytes=1000)


def shedding(app, percent: float | None, **options):
    return MemoryShedding(
        app, monitor=Monitor(percent), threshold_percent=85.0, retry_after=7, **options
    )


def test_requests_are_shed_with_503_and_retry_after_at_the_threshold(caplog):
    app = RecordingApp()

    response = call(shedding(app, 85.0), scope("/api/bookings", method="GET"))

    assert response.status == 503
    assert response.headers["retry-after"] == "7"
    assert response.json() == {
        "detail": "The server is short of memory right now; please retry in a few seconds.",
        "message": "The server is short of memory right now; please retry in a few seconds.",
        "code": "memory_pressure",
    }
    assert app.calls == 0
    assert "shedding requests" in caplog.text


def test_requests_below_the_threshold_are_served():
    app = RecordingApp()

    response = call(shedding(app, 84.9), scope("/api/bookings", method="GET"))

    assert response.status == 200


def test_requests_are_served_when_memory_cannot_be_read():
    response = call(shedding(RecordingApp(), None), scope("/api/bookings", method="GET"))

    assert response.status == 200


@pytest.mark.parametrize("path", ["/api/health", "/api/health/ready", "/api/health/memory"])
def test_health_endpoints_are_never_shed(path):
    response = call(shedding(RecordingApp(), 99.0), scope(path, method="GET"))

    assert response.status == 200


def test_cors_preflights_are_not_shed_and_the_503_is_readable_cross_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.lebrq.example"]
    origin = [(b"origin", b"https://app.lebrq.example")]
    preflight = [*origin, (b"access-control-request-method", b"POST")]
    guarded = shedding(RecordingApp(), 99.0)

    preflight_response = call(guarded, scope("/api/bookings", method="OPTIONS", headers=preflight))
    shed = call(guarded, scope("/api/bookings", method="POST", headers=origin))

    assert preflight_response.status == 200
    assert shed.status == 503
    assert shed.headers["access-control-allow-origin"] == "https://app.lebrq.example"
    assert "Retry-After" in shed.headers["access-control-expose-headers"]


def test_an_unknown_origin_gets_no_cors_grant(settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.lebrq.example"]
    origin = [(b"origin", b"https://evil.example")]

    shed = call(shedding(RecordingApp(), 99.0), scope("/api/bookings", headers=origin))

    assert "access-control-allow-origin" not in shed.headers


def test_a_memory_error_in_the_app_becomes_a_503_and_is_logged(caplog):
    async def exhausted(scope, receive, send):
        raise MemoryError

    response = call(shedding(exhausted, 10.0), scope("/api/uploads/files"))

    assert response.status == 503
    assert response.headers["retry-after"] == "7"
    assert response.json()["code"] == "memory_pressure"
    assert "MemoryError while serving POST /api/uploads/files" in caplog.text


def test_a_memory_error_after_the_response_started_is_not_answered_twice():
    async def half_sent(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise MemoryError

    with pytest.raises(MemoryError):
        call(shedding(half_sent, 10.0), scope())


def test_the_real_application_sheds_api_calls_but_answers_health():
    guarded = shedding(django_application, 99.0)

    shed = call(guarded, scope("/api/venues", method="GET"))
    health = call(guarded, scope("/api/health", method="GET"))

    assert shed.status == 503
    assert health.status == 200
    assert health.json() == {"status": "ok"}


# --- WorkerRecycling ----------------------------------------------------------------------


def test_worker_recycling_checks_rss_after_each_http_request():
    terminated = []
    recycler = WorkerRecycler(
        100, read_rss=lambda: 101, enabled=lambda: True, terminate=lambda: terminated.append(1)
    )

    response = call(WorkerRecycling(RecordingApp(), recycler=recycler), scope())

    assert response.status == 200  # the request that tipped it over is still answered
    assert terminated == [1]
