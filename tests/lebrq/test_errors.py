"""Domain errors become the API's error answers by their kind, whatever app raised them."""

import pytest
from rest_framework.response import Response

from bookings.exceptions import SlotUnavailable
from lebrq.api.exceptions import exception_handler
from lebrq.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    TooLarge,
    Unavailable,
    UnsupportedType,
)
from uploads.exceptions import UnsupportedFileType, UploadTooLarge


def handled(error: Exception) -> Response:
    response = exception_handler(error, {})
    assert response is not None, f"{error!r} was not handled"
    return response


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("Bad."), 400),
        (Forbidden(), 403),
        (NotFound(), 404),
        (Conflict(), 409),
        (TooLarge(), 413),
        (UnsupportedType(), 415),
        (Unavailable(), 503),
        (RateLimited(), 429),
        (SlotUnavailable(), 409),
        (UploadTooLarge(), 413),
        (UnsupportedFileType(), 415),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, DomainError) else str(value),
)
def test_each_kind_has_its_status(error, status):
    response = handled(error)

    assert response.status_code == status
    assert response.data == {
        "detail": error.message,
        "message": error.message,
        "code": error.code,
    }


def test_a_field_error_names_the_field_and_lists_its_messages():
    error = InvalidInput.for_field("end_datetime", "Must be after start_datetime.")

    assert handled(error).data == {
        "detail": "end_datetime: Must be after start_datetime.",
        "message": "end_datetime: Must be after start_datetime.",
        "code": "invalid",
        "errors": {"end_datetime": ["Must be after start_datetime."]},
    }


def test_extra_facts_go_beside_the_message_but_never_replace_it():
    error = Conflict(
        "The amount changed.",
        code="amount_mismatch",
        extra={"expected_amount": 1500, "detail": "spoofed"},
    )

    assert handled(error).data == {
        "detail": "The amount changed.",
        "message": "The amount changed.",
        "code": "amount_mismatch",
        "expected_amount": 1500,
    }


def test_unavailable_tells_when_to_retry(settings):
    settings.RETRY_AFTER_SECONDS = 7

    assert handled(Unavailable())["Retry-After"] == "7"
    assert handled(Unavailable(retry_after=2))["Retry-After"] == "2"
