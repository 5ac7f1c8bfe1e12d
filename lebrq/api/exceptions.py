"""One error format for the whole API: {"detail", "message", "code", "errors"?, ...}.

The legacy frontend reads `detail`, then `message`; field errors keep DRF's per-field lists
under `errors`. Domain errors (lebrq.errors) get their status here, from their kind: services
raise them without knowing about HTTP.
"""

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from lebrq import metrics
from lebrq.errors import DomainError, ErrorKind
from lebrq.request_context import current_request_id

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "The database is unavailable right now; please retry shortly."
MEMORY_PRESSURE = "The server is short of memory right now; please retry in a few seconds."


def error_body(detail: str, *, code: str | None = None, errors: Any = None) -> dict[str, Any]:
    body: dict[str, Any] = {"detail": detail, "message": detail}
    if code:
        body["code"] = code
    if errors is not None:
        body["errors"] = errors
    # The id support asks a customer for, the same as in the response header and the logs.
    if request_id := current_request_id():
        body["request_id"] = request_id
    return body


def _first_message(errors: Any, prefix: str = "") -> str:
    """The first human-readable message in a (possibly nested) DRF error structure."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            label = "" if key in ("non_field_errors", "detail") else f"{prefix}{key}"
            return _first_message(value, f"{label}." if label else "")
    if isinstance(errors, list) and errors:
        return _first_message(errors[0], prefix)
    text = str(errors)
    return f"{prefix.rstrip('.')}: {text}" if prefix else text


def _normalise(data: Any) -> dict[str, Any]:
    if isinstance(data, dict) and set(data) == {"detail"}:
        detail = data["detail"]
        code = detail.code if isinstance(detail, ErrorDetail) else None
        return error_body(str(detail), code=code)
    errors = data if isinstance(data, dict) else {"non_field_errors": data}
    return error_body(_first_message(errors), code="invalid", errors=errors)


STATUS_OF_KIND: dict[ErrorKind, int] = {
    ErrorKind.INVALID: status.HTTP_400_BAD_REQUEST,
    ErrorKind.FORBIDDEN: status.HTTP_403_FORBIDDEN,
    ErrorKind.NOT_FOUND: status.HTTP_404_NOT_FOUND,
    ErrorKind.CONFLICT: status.HTTP_409_CONFLICT,
    ErrorKind.TOO_LARGE: status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    ErrorKind.UNSUPPORTED_TYPE: status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    ErrorKind.UNPROCESSABLE: status.HTTP_422_UNPROCESSABLE_ENTITY,
    ErrorKind.RATE_LIMITED: status.HTTP_429_TOO_MANY_REQUESTS,
    ErrorKind.UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def domain_error_response(exc: DomainError) -> Response:
    body = error_body(exc.message, code=exc.code, errors=exc.fields or None)
    body.update({key: value for key, value in exc.extra.items() if key not in body})
    response = Response(body, status=STATUS_OF_KIND[exc.kind])
    if exc.kind in (ErrorKind.UNAVAILABLE, ErrorKind.RATE_LIMITED):
        response["Retry-After"] = str(exc.retry_after or settings.RETRY_AFTER_SECONDS)
    return response


def database_unavailable_response() -> Response:
    metrics.DB_UNAVAILABLE.inc()
    response = Response(error_body(DATABASE_UNAVAILABLE, code="database_unavailable"), status=503)
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return domain_error_response(exc)
    if isinstance(exc, OperationalError | InterfaceError):
        logger.warning("Database unavailable during %s: %s", context.get("request"), exc)
        return database_unavailable_response()
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _normalise(response.data)
        if response.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
            response.setdefault("Retry-After", str(settings.RETRY_AFTER_SECONDS))
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# Django's own texts for these name its settings ("Request body exceeded
# settings.DATA_UPLOAD_MAX_MEMORY_SIZE.", "...add 'x' to ALLOWED_HOSTS."): a client is told
# what went wrong, never how the server is configured.
_BAD_REQUEST_MESSAGES: tuple[tuple[type[Exception], str, str], ...] = (
    (RequestDataTooBig, "The request body is too large.", "request_too_large"),
    (TooManyFieldsSent, "The request has too many fields.", "too_many_fields"),
    (TooManyFilesSent, "The request has too many files.", "too_many_files"),
    (DisallowedHost, "This host name is not served here.", "bad_host"),
)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        message, code = "Bad request.", "bad_request"
        for kind, text, kind_code in _BAD_REQUEST_MESSAGES:
            if isinstance(exception, kind):
                message, code = text, kind_code
                break
        return JsonResponse(error_body(message, code=code), status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        body = error_body("You do not have permission to perform this action.", code="forbidden")
        return JsonResponse(body, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(error_body("Not found.", code="not_found"), status=404)
    return defaults.page_not_found(request, exception)


def service_unavailable(request: HttpRequest, detail: str, code: str) -> HttpResponse:
    """503 + Retry-After: JSON under /api/, plain text elsewhere (the admin)."""
    if _is_api(request):
        response: HttpResponse = JsonResponse(error_body(detail, code=code), status=503)
    else:
        response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(settings.RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort for any exception a view or a middleware let escape.

    A database outage or a MemoryError is not a bug in the request: it is a 503 the client
    may retry. Django gives this handler no exception argument, but calls it while the
    exception is being handled (asgiref re-raises it in the worker thread for async
    requests), so sys.exc_info() names it. This covers what DRF's handler cannot: non-DRF
    views, the admin, and middleware such as sessions saving to the database.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        metrics.DB_UNAVAILABLE.inc()
        return service_unavailable(request, DATABASE_UNAVAILABLE, "database_unavailable")
    if isinstance(exc, MemoryError):
        return service_unavailable(request, MEMORY_PRESSURE, "memory_pressure")
    if _is_api(request):
        body = error_body("Internal server error.", code="server_error")
        return JsonResponse(body, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
