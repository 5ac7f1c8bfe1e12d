"""Two Django ASGI handlers: the JSON API's, with only the middleware it uses, and the one for
browser pages (the admin, Swagger UI) with all of them. lebrq/asgi.py sends each request to one.

The API authenticates with Bearer JWTs (DRF), keeps no session, sets no CSRF cookie and serves
nothing to frame: sessions, CSRF, authentication, messages, X-Frame-Options and django-axes
did nothing for it but cost a request ~9 thread hops (issue 24). The admin keeps exactly the
chain it had. The test client goes through settings.MIDDLEWARE (the full chain); the served
application through these handlers (tests/ops/test_api_middleware.py).
"""

from typing import Any

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

# Paths under /api/ that are pages for people, with the browser's chain.
BROWSER_PAGES_UNDER_API = ("/api/docs", "/api/schema")


class ApiASGIHandler(ASGIHandler):
    """Django's ASGI handler built from settings.API_MIDDLEWARE instead of MIDDLEWARE."""

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
