from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest
from django.http.response import HttpResponseBase

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
