"""Pure-ASGI guards that wrap the whole Django application (composed in lebrq/asgi.py).

They must sit outside Django: Django's ASGI handler reads and spools the entire request
body before the first middleware runs, and every request it handles costs a thread and a
request object. These answer from the event loop with a few bytes of JSON instead.

Outermost first: HeapTrimming (counts every request in flight, to trim the heap once they are
over), MemoryShedding (a shed request costs nothing), WorkerRecycling (checks RSS after each
request), BodySizeLimit (refuses bodies before anyone reads them), Django.
"""

import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from django.conf import settings

from lebrq import metrics
from lebrq.api.exceptions import MEMORY_PRESSURE, error_body
from ops.heap import IdleHeapTrimmer
from ops.memory import MiB, ReportsMemory, default_monitor, process_rss_bytes
from ops.recycling import WorkerRecycler

logger = logging.getLogger(__name__)

# As Django's ASGIHandler takes them (django-stubs): the server's scope dict, and messages
# that are only read, never changed in place.
Scope = dict[str, Any]
Message = Mapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_TOO_LARGE = "The request body is larger than the {limit} MB this endpoint accepts."


def _header(scope: Scope, name: bytes) -> list[bytes]:
    return [value for key, value in scope["headers"] if key.lower() == name]


class _Cors:
    """CORS headers for the answers these guards give themselves.

    Django's corsheaders never sees those requests, and without the headers a browser
    hides the status and body from the frontend: it would see a network error instead of
    "retry in 10 seconds". Same rules as corsheaders for the settings we use.
    """

    def __init__(self) -> None:
        self.allow_all = settings.CORS_ALLOW_ALL_ORIGINS
        self.allowed = set(settings.CORS_ALLOWED_ORIGINS)
        self.expose = ", ".join(settings.CORS_EXPOSE_HEADERS).encode()

    def headers(self, scope: Scope) -> list[tuple[bytes, bytes]]:
        origins = _header(scope, b"origin")
        if not origins:
            return []
        origin = origins[0]
        if not (self.allow_all or origin.decode("latin-1") in self.allowed):
            return [(b"vary", b"origin")]
        return [
            (b"access-control-allow-origin", b"*" if self.allow_all else origin),
            (b"access-control-expose-headers", self.expose),
            (b"vary", b"origin"),
        ]


async def send_json(
    send: Send,
    status: int,
    body: dict[str, Any],
    headers: list[tuple[bytes, bytes]],
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"cache-control", b"no-store"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class _ResponseTracker:
    """Wraps `send` to remember whether the application has started its response."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class BodySizeLimit:
    """413 JSON for request bodies over MAX_BODY_SIZE_MB, before anyone reads them.

    Upload routes (UPLOAD_PATH_REGEX) get UPLOAD_MAX_BODY_SIZE_MB. A declared
    Content-Length over the limit is refused without reading a byte; a chunked body is
    counted as it arrives and cut off as soon as it passes the limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int | None = None,
        upload_max_bytes: int | None = None,
        upload_path_regex: str | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes or settings.MAX_BODY_SIZE_MB * MiB
        self.upload_max_bytes = upload_max_bytes or settings.UPLOAD_MAX_BODY_SIZE_MB * MiB
        self.upload_paths = re.compile(upload_path_regex or settings.UPLOAD_PATH_REGEX)
        self.cors = _Cors()

    def limit_for(self, path: str) -> int:
        return self.upload_max_bytes if self.upload_paths.match(path) else self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _header(scope, b"content-length")
        if declared:
            # Differing repeated lengths are a request-smuggling trick; refuse them too.
            if len(set(declared)) != 1 or not declared[0].isdigit():
                # Where the body ends is unknown: the connection cannot be reused.
                close = [(b"connection", b"close")]
                await self._refuse(
                    scope, send, 400, "Invalid Content-Length header.", "bad_request", close
                )
            elif int(declared[0]) > limit:
                await self._too_large(scope, send, limit)
            else:
                # The server's parser never delivers more than the declared length.
                await self.app(scope, receive, send)
            return
        await self._limit_chunked(scope, receive, send, limit)

    async def _limit_chunked(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        received = 0
        too_large = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            if too_large:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # To the application the client has gone away: Django stops reading,
                    # drops what it spooled and sends nothing, so the 413 below is the
                    # only response. No byte past the limit reaches it.
                    too_large = True
                    return {"type": "http.disconnect"}
            return message

        tracker = _ResponseTracker(send)
        await self.app(scope, counting_receive, tracker)
        if too_large:
            if tracker.started:
                # An application that answered before reading its whole body already has
                # its response on the wire; a second one would break the protocol.
                logger.warning("Body over %d bytes after the response started", limit)
            else:
                await self._too_large(scope, send, limit)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        # No "Connection: close": closing a socket with unread body bytes in it makes the
        # kernel reset the connection, and the client (nginx included, still writing the
        # body it buffered) gets an error instead of this 413. uvicorn instead discards the
        # rest of the body as it arrives, without buffering it, and keeps the connection
        # (unless the request itself said "Connection: close": see the nginx site).
        message = REQUEST_TOO_LARGE.format(limit=limit // MiB)
        await self._refuse(scope, send, 413, message, "request_too_large", [])

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        status: int,
        detail: str,
        code: str,
        headers: list[tuple[bytes, bytes]],
    ) -> None:
        headers = [*headers, *self.cors.headers(scope)]
        await send_json(send, status, error_body(detail, code=code), headers)


class MemoryShedding:
    """503 JSON + Retry-After while memory use is at or above MEMORY_THRESHOLD_PERCENT.

    Health endpoints are never shed, nor CORS preflights (cheap, and without them the
    browser would not let the frontend read the 503). A MemoryError escaping the
    application also becomes a 503 here, so the worker keeps serving.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        monitor: ReportsMemory | None = None,
        threshold_percent: float | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.app = app
        self.monitor = monitor or default_monitor()
        self.threshold_percent = (
            settings.MEMORY_THRESHOLD_PERCENT if threshold_percent is None else threshold_percent
        )
        self.retry_after = str(
            settings.RETRY_AFTER_SECONDS if retry_after is None else retry_after
        ).encode()
        self.cors = _Cors()
        self.shedding = False

    def _exempt(self, scope: Scope) -> bool:
        # Probes and scrapes must answer while the service sheds load: that is when they
        # matter.
        if scope["path"].startswith((settings.HEALTH_PATH, settings.METRICS_PATH)):
            return True
        return scope["method"] == "OPTIONS" and bool(
            _header(scope, b"access-control-request-method")
        )

    def _over_threshold(self) -> bool:
        usage = self.monitor.usage()
        over = usage is not None and usage.used_percent >= self.threshold_percent
        if over != self.shedding:
            # Log the transitions only: one line per shed request would flood the log
            # exactly when the machine can least afford it.
            self.shedding = over
            if over and usage is not None:  # `over` implies a reading
                logger.warning(
                    "Memory use %.1f%% (%s) is at or above %.1f%%: shedding requests",
                    usage.used_percent,
                    usage.source,
                    self.threshold_percent,
                )
            else:
                logger.info("Memory use back below %.1f%%: serving again", self.threshold_percent)
        return over

    async def _unavailable(self, scope: Scope, send: Send) -> None:
        metrics.REQUESTS_SHED.labels("memory").inc()
        headers = [(b"retry-after", self.retry_after), *self.cors.headers(scope)]
        body = error_body(MEMORY_PRESSURE, code="memory_pressure")
        await send_json(send, 503, body, headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._exempt(scope):
            await self.app(scope, receive, send)
            return
        if self._over_threshold():
            await self._unavailable(scope, send)
            return
        tracker = _ResponseTracker(send)
        try:
            await self.app(scope, receive, tracker)
        except MemoryError:
            if tracker.started:
                raise
            logger.exception("MemoryError while serving %s %s", scope["method"], scope["path"])
            await self._unavailable(scope, send)


class WorkerRecycling:
    """After each request, let the WorkerRecycler retire this worker if it grew too big."""

    def __init__(self, app: ASGIApp, *, recycler: WorkerRecycler | None = None) -> None:
        self.app = app
        self.recycler = recycler or WorkerRecycler(
            settings.WORKER_MAX_RSS_MB * MiB, read_rss=process_rss_bytes
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.recycler.check()


class HeapTrimming:
    """Counts the requests in flight for the IdleHeapTrimmer (ops/heap.py), which gives the
    freed heap back to the system once a burst is over; HEAP_TRIM_IDLE_MS=0 turns it off."""

    def __init__(self, app: ASGIApp, *, trimmer: IdleHeapTrimmer | None = None) -> None:
        self.app = app
        if trimmer is None and settings.HEAP_TRIM_IDLE_MS > 0:
            trimmer = IdleHeapTrimmer(
                settings.HEAP_TRIM_IDLE_MS / 1000,
                settings.HEAP_TRIM_MIN_GROWTH_MB * MiB,
                read_rss=process_rss_bytes,
            )
        self.trimmer = trimmer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.trimmer is None:
            await self.app(scope, receive, send)
            return
        self.trimmer.request_started()
        try:
            await self.app(scope, receive, send)
        finally:
            self.trimmer.request_finished()
