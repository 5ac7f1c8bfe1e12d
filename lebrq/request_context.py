"""What one request (or one task run) is, for the lines it logs and the metrics it counts.

The ASGI layer (ops/telemetry.py) opens a RequestContext before Django sees the request;
Django's middleware fills in the route and the user, the query meter (lebrq/logs.py) adds
every query, and every log line of the request reads the request id from here. A
ContextVar, because under ASGI one request runs on the event loop and in Django's worker
threads: asgiref copies the context into those threads, and since the object in it is the
same, what the threads record is what the ASGI layer reads at the end.

Imports nothing from Django: the gunicorn config and the task worker use it too.
"""

import re
import uuid
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from time import perf_counter

# What we accept from nginx or a client: a UUID, a hex digest, an nginx $request_id...
# Anything else (too long, spaces, quotes, newlines that would forge log lines) is
# replaced by an id of our own.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


@dataclass(slots=True)
class RequestContext:
    request_id: str
    method: str = ""
    # The URL pattern that matched ("api/bookings/<int:booking_id>"), not the path: bounded
    # cardinality for metrics, and no ids or tokens from the URL in the logs.
    route: str = ""
    user_id: int | None = None
    db_queries: int = 0
    db_seconds: float = 0.0
    started: float = field(default_factory=perf_counter)


_current: ContextVar[RequestContext | None] = ContextVar("lebrq_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def valid_request_id(candidate: str | None) -> str | None:
    """`candidate` if it is safe to log and pass on, else None."""
    if candidate and _VALID_REQUEST_ID.fullmatch(candidate):
        return candidate
    return None


def current() -> RequestContext | None:
    return _current.get()


def current_request_id() -> str | None:
    context = _current.get()
    return context.request_id if context is not None else None


def begin(request_id: str, method: str = "") -> tuple[RequestContext, Token[RequestContext | None]]:
    """Open a context; pass the token to `end` when the request (or task) is over."""
    context = RequestContext(request_id=request_id, method=method)
    return context, _current.set(context)


def end(token: Token[RequestContext | None]) -> None:
    _current.reset(token)
