"""Two Django ASGI handlers: the JSON API's, with only the middleware it uses, and the one for
browser pages (the admin, Swagger UI) with all of them. lebrq/asgi.py sends each request to one.

The API authenticates with Bearer JWTs (DRF), keeps no session, sets no CSRF cookie and serves
nothing to frame: sessions, CSRF, authentication, messages, X-Frame-Options and django-axes
did nothing for it but cost a request ~9 thread hops (issue 24). The admin keeps exactly the
chain it had. The test client goes through settings.MIDDLEWARE (the full chain); the served
application through these handlers (tests/ops/test_api_middleware.py).
"""

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import ThreadSensitiveContext
from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

P = ParamSpec("P")
T = TypeVar("T")

# Paths under /api/ that are pages for people, with the browser's chain.
BROWSER_PAGES_UNDER_API = ("/api/docs", "/api/schema")


class RequestThread(ThreadPoolExecutor):
    """The one thread a request's sync code runs on (asgiref's thread-sensitive mode), kept
    for a later request instead of started and joined for each. Counts the work still on it,
    so a thread still busy with a request that was given up is never handed to the next."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="lebrq-request")
        self._lock = threading.Lock()
        self._pending = 0

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        with self._lock:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    @property
    def idle(self) -> bool:
        with self._lock:
            return self._pending == 0


class RequestThreads:
    """Idle RequestThreads, at most `keep` of them. Used from the event loop's thread only."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self._idle: list[RequestThread] = []

    def take(self) -> RequestThread:
        return self._idle.pop() if self._idle else RequestThread()

    def give_back(self, thread: RequestThread) -> None:
        if thread.idle and len(self._idle) < self.keep:
            self._idle.append(thread)
        else:
            # Busy with an abandoned request's work, or one too many: it ends once that is done.
            thread.shutdown(wait=False)


class ApiASGIHandler(ASGIHandler):
    """Django's ASGI handler built from settings.API_MIDDLEWARE instead of MIDDLEWARE, whose
    requests run their sync code on a kept thread.

    Django enters a new ThreadSensitiveContext per request, and asgiref then starts a thread
    for it and another to join it at the end: two thread starts per request, about a fifth of
    a small API request's time (issue 24). asgiref's own ThreadSensitiveContext(executor=...)
    lets the caller own that thread; Django's inner context then defers to this one. Every
    sync call of one request still runs on one thread, one request at a time on it.
    """

    def __init__(self) -> None:
        super().__init__()
        # As many as requests run at once in this worker (ops.asgi's admission limit).
        self.request_threads = RequestThreads(keep=settings.MAX_CONCURRENT_REQUESTS)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        thread = self.request_threads.take()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await super().__call__(scope, receive, send)
        finally:
            self.request_threads.give_back(thread)

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler reads settings.MIDDLEWARE and takes no list of its own: swap it in for
        # the build only (once, at start-up, before any request runs).
        browser_chain = settings.MIDDLEWARE
        settings.MIDDLEWARE = settings.API_MIDDLEWARE
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = browser_chain


def is_api_request(scope: dict[str, Any]) -> bool:
    path: str = scope.get("path", "")
    return path.startswith("/api/") and not path.startswith(BROWSER_PAGES_UNDER_API)
