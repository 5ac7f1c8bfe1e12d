"""Error reports to Sentry (sentry-sdk), on only when SENTRY_DSN is set.

What leaves the machine is the exception, its stack without local variables, the route and
the request id. Never: bodies (passwords, OTPs, bank details), cookies, the Authorization
header, query strings, SQL parameters, or who the user is beyond an id.
"""

from typing import Any

import sentry_sdk
from django.db import InterfaceError, OperationalError
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.types import Breadcrumb, Event, Hint

from lebrq.request_context import current_request_id

# Request headers worth keeping: they help place the error and say nothing about anyone.
_KEPT_HEADERS = {"content-type", "content-length", "accept", "user-agent", "x-request-id"}


def scrub_event(event: Event, hint: Hint) -> Event | None:
    exc_info = hint.get("exc_info")
    if exc_info and isinstance(exc_info[1], OperationalError | InterfaceError):
        # A database outage is answered 503 by design and counted (lebrq_db_unavailable):
        # one report per failed request would flood Sentry for as long as it lasts.
        return None
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers")
        if isinstance(headers, dict):
            request["headers"] = {
                name: value for name, value in headers.items() if name.lower() in _KEPT_HEADERS
            }
        url = request.get("url")
        if isinstance(url, str):
            request["url"] = url.split("?", 1)[0]
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    if request_id := current_request_id():
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def scrub_breadcrumb(crumb: Breadcrumb, hint: Any) -> Breadcrumb | None:
    data = crumb.get("data")
    if isinstance(data, dict):
        # SQL breadcrumbs carry their parameters; HTTP ones the provider's URL with keys.
        data.pop("db.params", None)
        data.pop("http.query", None)
        url = data.get("url")
        if isinstance(url, str):
            data["url"] = url.split("?", 1)[0]
    return crumb


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float = 0.0) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
        before_breadcrumb=scrub_breadcrumb,
    )
