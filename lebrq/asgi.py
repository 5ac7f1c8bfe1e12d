"""ASGI entry point served by gunicorn's uvicorn workers.

The ops guards wrap Django from the outside: they must answer before Django reads the body
(see ops/asgi.py for the order).
"""

import os

from django.core.asgi import get_asgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")

browser_application = get_asgi_application()
# Import every URLconf, view and serializer now instead of on each worker's first request:
# with gunicorn's preload this happens once, in the master, and the workers share those
# pages (about 1.5 MiB PSS less per worker, docs/BENCHMARKS.md).
get_resolver().url_patterns  # noqa: B018

# Imported only now: the guards use the settings and the API error format, which need the
# app registry that get_asgi_application() has just set up.
from lebrq.handlers import ApiASGIHandler, is_api_request  # noqa: E402
from ops.asgi import (  # noqa: E402
    ASGIApp,
    BodySizeLimit,
    HeapTrimming,
    MemoryShedding,
    Receive,
    Scope,
    Send,
    WorkerRecycling,
)

api_application = ApiASGIHandler()


async def django_application(scope: Scope, receive: Receive, send: Send) -> None:
    """The API's handler for API calls, the full one for pages (lebrq/handlers.py)."""
    handler: ASGIApp = api_application if is_api_request(scope) else browser_application
    await handler(scope, receive, send)


from ops.telemetry import RequestTelemetry  # noqa: E402

# RequestTelemetry outermost: the guards' own answers get a request id, a log line and a count.
application = RequestTelemetry(
    HeapTrimming(MemoryShedding(WorkerRecycling(BodySizeLimit(django_application))))
)
