from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware

# What a middleware gets as get_response and returns from __call__: a response, or on the
# async path (the next layer is a coroutine function) an awaitable of one.
type MaybeAwaitableResponse = HttpResponseBase | Awaitable[HttpResponseBase]
type GetResponse = Callable[[HttpRequest], MaybeAwaitableResponse]


async def awaited_response(response: MaybeAwaitableResponse) -> HttpResponseBase:
    """The next layer's response on a middleware's async path."""
    if isinstance(response, HttpResponseBase):
        return response
    return await response


class ApiTrailingSlashMiddleware:
    """Serve `/api/x/` as `/api/x`: the legacy frontend calls both forms of many routes.

    Routes are declared once, without the slash; rewriting path_info here keeps every URL
    pattern (and the OpenAPI schema) single.
    """

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    @staticmethod
    def _rewrite(request: HttpRequest) -> None:
        path = request.path_info
        if path.startswith("/api/") and path.endswith("/") and len(path) > len("/api/"):
            request.path_info = path.rstrip("/")

    def __call__(self, request: HttpRequest) -> MaybeAwaitableResponse:
        self._rewrite(request)
        if self.is_async:
            return self.__acall__(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        return await awaited_response(self.get_response(request))


class _InlineMixin:
    """For middleware whose hooks only read the request and set headers (no I/O): run them on
    the event loop. Django's MiddlewareMixin sends each hook to a worker thread under ASGI,
    two thread hops per request per middleware, because it cannot know they never block."""

    get_response: GetResponse

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        # The hooks of the Django middleware this is mixed into (MiddlewareMixin's contract).
        process_request = getattr(self, "process_request", None)
        process_response = getattr(self, "process_response", None)
        response = process_request(request) if process_request else None
        if response is None:
            response = await awaited_response(self.get_response(request))
        return process_response(request, response) if process_response else response


class InlineSecurityMiddleware(_InlineMixin, SecurityMiddleware):
    """SecurityMiddleware (HTTPS redirect, HSTS and the other security headers) for the API,
    without its thread hops: its hooks only compare and set headers."""


class InlineCommonMiddleware(_InlineMixin, CommonMiddleware):
    """CommonMiddleware (ALLOWED_HOSTS through get_host, blocked user agents, Content-Length)
    for the API, without its thread hops: its hooks only read the request and resolve URLs."""
