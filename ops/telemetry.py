"""The outermost ASGI layer: the request id, the access line and the HTTP metrics.

Outermost so that what the guards inside answer themselves (memory sheds, 413s) is
counted, logged and carries its request id too. The Django side (the route that matched,
the user) is filled in by ops.middleware.RequestFactsMiddleware, the query counts by
lebrq.logs.QueryMeter, both into the same RequestContext.
"""

import logging
from time import perf_counter

from django.conf import settings

from lebrq import metrics, request_context
from lebrq.request_context import RequestContext
from ops.asgi import ASGIApp, Message, Receive, Scope, Send

access_logger = logging.getLogger("lebrq.access")

REQUEST_ID_HEADER = b"x-request-id"
# Requests no Django route answered: the guards' own answers, static files.
NO_ROUTE = "-"


def _incoming_request_id(scope: Scope) -> str | None:
    for key, value in scope["headers"]:
        if key.lower() == REQUEST_ID_HEADER:
            return request_context.valid_request_id(value.decode("latin-1"))
    return None


class RequestTelemetry:
    def __init__(self, app: ASGIApp, *, metrics_enabled: bool | None = None) -> None:
        self.app = app
        self.metrics_enabled = (
            settings.METRICS_ENABLED if metrics_enabled is None else metrics_enabled
        )
        self.slow_seconds = settings.SLOW_REQUEST_MS / 1000
        # Probes every few seconds: counted, but logged only when slow or failing.
        self.quiet_prefixes = (settings.HEALTH_PATH, settings.METRICS_PATH)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or request_context.new_request_id()
        context, token = request_context.begin(request_id, scope["method"])
        id_header = (REQUEST_ID_HEADER, request_id.encode())
        status = 500  # what the server answers if the application fails before answering

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), id_header]}
            await send(message)

        if self.metrics_enabled:
            metrics.HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            if self.metrics_enabled:
                metrics.HTTP_IN_FLIGHT.dec()
            self._finish(context, scope["path"], status)
            request_context.end(token)

    def _finish(self, context: RequestContext, path: str, status: int) -> None:
        elapsed = perf_counter() - context.started
        route = context.route or NO_ROUTE
        if self.metrics_enabled:
            metrics.HTTP_REQUESTS.labels(context.method, route, str(status)).inc()
            metrics.HTTP_REQUEST_DURATION.labels(route).observe(elapsed)
            if status == 413:
                metrics.HTTP_TOO_LARGE.labels(route).inc()
        slow = elapsed >= self.slow_seconds
        if path.startswith(self.quiet_prefixes) and not slow and status < 500:
            return
        access_logger.log(
            logging.WARNING if slow else logging.INFO,
            "%s %s %d %.1f ms, %d queries in %.1f ms",
            context.method,
            route,
            status,
            elapsed * 1000,
            context.db_queries,
            context.db_seconds * 1000,
            extra={
                "method": context.method,
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 1),
                "user_id": context.user_id,
                "db_queries": context.db_queries,
                "db_ms": round(context.db_seconds * 1000, 1),
                "slow": slow,
            },
        )
