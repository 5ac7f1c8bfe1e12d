"""Logging pieces: the request id on every line, and the meter of each request's queries.

Settings wires them (LOGGING, LOG_FORMAT); ops/telemetry.py writes the access line.
"""

import logging
from collections.abc import Callable
from time import perf_counter
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from lebrq import request_context

slow_query_logger = logging.getLogger("lebrq.db.slow")


class RequestContextFilter(logging.Filter):
    """Adds `request_id` (None outside a request or task) to every record a handler emits,
    turns the request Django attaches to its own records (django.request, security) into
    method and path (its repr has the query string, where a webhook's verify token or a reset
    link's code would travel into the logs), and drops the stack trace of Django's security
    lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_context.current_request_id()
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = f"{request.method} {request.path}"
        if record.name.startswith("django.security."):
            # A client's suspicious input (too many fields, a bad Host) is answered 400 by
            # design: the message says what it was; a stack trace would only bury real ones.
            record.exc_info = None
            record.exc_text = None
        return True


class QueryMeter:
    """A database execute wrapper: counts each query and its time into the current request,
    and logs a query slower than SLOW_QUERY_MS at WARNING.

    The SQL is logged with its placeholders, never its parameters: those carry password
    hashes, OTP digests and bank details.
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        started = perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = perf_counter() - started
            current = request_context.current()
            if current is not None:
                current.db_queries += 1
                current.db_seconds += elapsed
            if elapsed * 1000 >= settings.SLOW_QUERY_MS:
                slow_query_logger.warning(
                    "Slow query: %.1f ms on %s",
                    elapsed * 1000,
                    self.alias,
                    extra={"duration_ms": round(elapsed * 1000, 1), "sql": sql[:2000]},
                )


def install_query_meter(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created receiver: meter every connection once (a wrapper object is reused
    for each new connection of its thread, and keeps its execute_wrappers)."""
    if any(isinstance(wrapper, QueryMeter) for wrapper in connection.execute_wrappers):
        return
    connection.execute_wrappers.append(QueryMeter(connection.alias))
