import asyncio
import threading
import weakref

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty

from lebrq import metrics, request_context
from lebrq.api.exceptions import service_unavailable
from lebrq.middleware import (
    GetResponse,
    InlineMiddleware,
    MaybeAwaitableResponse,
    awaited_response,
)

BUSY = "The server is busy right now; please retry shortly."


class ConcurrencyLimitMiddleware:
    """At most MAX_CONCURRENT_REQUESTS requests per worker run Django code at once; the rest
    wait up to REQUEST_QUEUE_TIMEOUT_SECONDS for a turn, then get 503 + Retry-After.

    Under ASGI each request's sync code runs in a thread of its own, with a database
    connection of its own: unbounded, 200 concurrent clients meant 200 threads and MariaDB's
    "1040 Too many connections". Django reads the request body before any middleware runs
    and sends a streamed body after they return, so uploads and downloads in flight hold no
    turn. Health checks never wait.
    """

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.limit = settings.MAX_CONCURRENT_REQUESTS
        self.timeout = settings.REQUEST_QUEUE_TIMEOUT_SECONDS
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)
        # One semaphore per event loop (tests run several); the server has exactly one.
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore]
        self._turns = weakref.WeakKeyDictionary()
        self._thread_turns = threading.BoundedSemaphore(self.limit)

    @staticmethod
    def _exempt(request: HttpRequest) -> bool:
        # Probes and scrapes must answer while the worker is busy: that is when they matter.
        return request.path.startswith((settings.HEALTH_PATH, settings.METRICS_PATH))

    @staticmethod
    def _busy(request: HttpRequest) -> HttpResponseBase:
        metrics.REQUESTS_SHED.labels("busy").inc()
        return service_unavailable(request, BUSY, "server_busy")

    def __call__(self, request: HttpRequest) -> MaybeAwaitableResponse:
        if self.is_async:
            return self.__acall__(request)
        if self._exempt(request):
            return self.get_response(request)
        if not self._thread_turns.acquire(timeout=self.timeout):
            return self._busy(request)
        try:
            return self.get_response(request)
        finally:
            self._thread_turns.release()

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if self._exempt(request):
            return await awaited_response(self.get_response(request))
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(self.limit)
        try:
            async with asyncio.timeout(self.timeout):
                await turns.acquire()
        except TimeoutError:
            return self._busy(request)
        try:
            return await awaited_response(self.get_response(request))
        finally:
            turns.release()


class RequestFactsMiddleware(InlineMiddleware):
    """Tells the request's telemetry (ops/telemetry.py) which route matched and who asked.

    The route is the URL pattern, not the path: bounded label values for the metrics, and no
    ids or tokens from URLs in the logs. The user is read only if something already resolved
    it (DRF's authentication, the admin's session): never a query of its own.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        _record_facts(request)
        return response


UNMATCHED_ROUTE = "<unmatched>"


def _record_facts(request: HttpRequest) -> None:
    context = request_context.current()
    if context is None:
        return
    match = request.resolver_match
    # A regex route's anchors say nothing to a reader ("api/bookings$" is "api/bookings").
    context.route = match.route.replace("^", "").replace("$", "") if match else UNMATCHED_ROUTE
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        # The session user, never loaded by this request: leave it unloaded.
        wrapped = user._wrapped
        user = None if wrapped is empty else wrapped
    if user is not None and user.is_authenticated:
        context.user_id = user.pk
