from collections.abc import Awaitable, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse


class ApiTrailingSlashMiddleware:
    """Serve `/api/x/` as `/api/x`: the legacy frontend calls both forms of many routes.

    Routes are declared once, without the slash; rewriting path_info here keeps every URL
    pattern (and the OpenAPI schema) single.
    """

    async_capable = True
    sync_capable = True

    def __init__(
        self, get_response: Callable[[HttpRequest], HttpResponse | Awaitable[HttpResponse]]
    ) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    @staticmethod
    def _rewrite(request: HttpRequest) -> None:
        path = request.path_info
        if path.startswith("/api/") and path.endswith("/") and len(path) > len("/api/"):
            request.path_info = path.rstrip("/")

    def __call__(self, request: HttpRequest):
        self._rewrite(request)
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        return await self.get_response(request)
