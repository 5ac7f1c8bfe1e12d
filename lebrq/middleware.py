from collections.abc import Awaitable, Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils.deprecation import MiddlewareMixin

# What a middleware gets as get_response and returns from __call__: a response, or on the
# async path (the next layer is a coroutine function) an awaitable of one.
type MaybeAwaitableResponse = HttpResponseBase | Awaitable[HttpResponseBase]
type GetResponse = Callable[[HttpRequest], MaybeAwaitableResponse]


async def awaited_response(response: MaybeAwaitableResponse) -> HttpResponseBase:
    """The next layer's response on a middleware's async path."""
    if isinstance(response, HttpResponseBase):
        return response
    return await response


class InlineMiddleware(MiddlewareMixin):
    """Django's MiddlewareMixin (process_request / process_response hooks, sync and async
    capable) whose hooks run on the event loop under ASGI. MiddlewareMixin sends each hook to a
    worker thread, two thread hops per request per middleware, because it cannot know they
    never block: subclass this only for hooks that do no I/O (they read the request, set
    headers, resolve URLs)."""

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        process_request = getattr(self, "process_request", None)
        process_response = getattr(self, "process_response", None)
        response = process_request(request) if process_request else None
        if response is None:
            response = await awaited_response(self.get_response(request))
        return process_response(request, response) if process_response else response


class ApiTrailingSlashMiddleware(InlineMiddleware):
    """Serve `/api/x/` as `/api/x`: the legacy frontend calls both forms of many routes.

    Routes are declared once, without the slash; rewriting path_info here keeps every URL
    pattern (and the OpenAPI schema) single.
    """

    def process_request(self, request: HttpRequest) -> None:
        path = request.path_info
        if path.startswith("/api/") and path.endswith("/") and len(path) > len("/api/"):
            request.path_info = path.rstrip("/")


class InlineSecurityMiddleware(InlineMiddleware, SecurityMiddleware):
    """SecurityMiddleware (HTTPS redirect, HSTS and the other security headers) for the API,
    without its thread hops: its hooks only compare and set headers."""


class InlineCommonMiddleware(InlineMiddleware, CommonMiddleware):
    """CommonMiddleware (ALLOWED_HOSTS through get_host, blocked user agents, Content-Length)
    for the API, without its thread hops: its hooks only read the request and resolve URLs."""
