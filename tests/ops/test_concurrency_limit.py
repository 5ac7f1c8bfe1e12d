import asyncio
import json
import threading

import pytest
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.test import RequestFactory

from lebrq.middleware import awaited_response
from ops.middleware import ConcurrencyLimitMiddleware


@pytest.fixture
def one_at_a_time(settings):
    settings.MAX_CONCURRENT_REQUESTS = 1
    settings.REQUEST_QUEUE_TIMEOUT_SECONDS = 5


def blocking_async_view(started: list[str], release: asyncio.Event):
    async def view(request):
        started.append(request.path)
        await release.wait()
        return HttpResponse("ok")

    return view


def test_a_request_waits_for_a_turn_and_then_runs(one_at_a_time):
    async def scenario():
        started: list[str] = []
        release = asyncio.Event()
        limited = ConcurrencyLimitMiddleware(blocking_async_view(started, release))
        first = asyncio.create_task(awaited_response(limited(RequestFactory().get("/api/a"))))
        await asyncio.sleep(0.02)
        second = asyncio.create_task(awaited_response(limited(RequestFactory().get("/api/b"))))
        await asyncio.sleep(0.1)
        waiting = list(started)
        release.set()
        return waiting, await first, await second, started

    waiting, first, second, started = asyncio.run(scenario())

    assert waiting == ["/api/a"]
    assert (first.status_code, second.status_code) == (200, 200)
    assert started == ["/api/a", "/api/b"]


def test_a_request_that_waits_too_long_gets_503_with_retry_after(one_at_a_time, settings):
    settings.REQUEST_QUEUE_TIMEOUT_SECONDS = 0.05

    async def scenario():
        started: list[str] = []
        release = asyncio.Event()
        limited = ConcurrencyLimitMiddleware(blocking_async_view(started, release))
        first = asyncio.create_task(awaited_response(limited(RequestFactory().get("/api/a"))))
        await asyncio.sleep(0.02)
        refused = await awaited_response(limited(RequestFactory().get("/api/bookings")))
        release.set()
        await first
        return refused, started

    refused, started = asyncio.run(scenario())

    assert refused.status_code == 503
    assert refused["Retry-After"] == str(settings.RETRY_AFTER_SECONDS)
    assert json.loads(refused.content)["code"] == "server_busy"
    assert started == ["/api/a"]


def test_health_checks_never_wait_for_a_turn(one_at_a_time):
    async def scenario():
        started: list[str] = []
        release = asyncio.Event()
        limited = ConcurrencyLimitMiddleware(blocking_async_view(started, release))
        busy = asyncio.create_task(awaited_response(limited(RequestFactory().get("/api/a"))))
        await asyncio.sleep(0.02)
        health = asyncio.create_task(awaited_response(limited(RequestFactory().get("/api/health"))))
        await asyncio.sleep(0.05)
        ran = list(started)
        release.set()
        await asyncio.gather(busy, health)
        return ran

    assert asyncio.run(scenario()) == ["/api/a", "/api/health"]


def test_under_wsgi_threads_take_turns_too(one_at_a_time, settings):
    settings.REQUEST_QUEUE_TIMEOUT_SECONDS = 0.05
    release, entered = threading.Event(), threading.Event()

    def view(request):
        entered.set()
        release.wait(5)
        return HttpResponse("ok")

    limited = ConcurrencyLimitMiddleware(view)
    worker = threading.Thread(target=limited, args=(RequestFactory().get("/api/a"),))
    worker.start()
    entered.wait(5)

    refused = limited(RequestFactory().get("/admin/"))
    release.set()
    worker.join()

    assert isinstance(refused, HttpResponseBase)  # a sync view: no awaitable

    assert refused.status_code == 503
    assert refused["Content-Type"].startswith("text/plain")
