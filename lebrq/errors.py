"""Domain errors: what services raise when a rule says no. They know nothing of HTTP.

Each error has a kind (what went wrong, in domain terms), a stable machine-readable `code`, a
message for people, and optionally per-field messages or extra facts for the client. The API
maps the kind to a status in one place (lebrq.api.exceptions); the admin shows the message.
New apps subclass these in their own `exceptions.py` (BookingConflict, UploadRejected...).
"""

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any, ClassVar, Self


class ErrorKind(StrEnum):
    INVALID = "invalid"  # the request breaks a rule of the input
    FORBIDDEN = "forbidden"  # this actor may not do this
    NOT_FOUND = "not_found"  # no such thing (or not visible to this actor)
    CONFLICT = "conflict"  # the current state does not allow it
    TOO_LARGE = "too_large"  # a file or request over a size limit
    UNSUPPORTED_TYPE = "unsupported_type"  # a file of a type we refuse
    RATE_LIMITED = "rate_limited"  # too many of these lately: retry after a while
    UNPROCESSABLE = "unprocessable"  # well-formed, but contradicts what it refers to
    UNAVAILABLE = "unavailable"  # not now: retry later


class DomainError(Exception):
    kind: ClassVar[ErrorKind] = ErrorKind.INVALID
    default_message: ClassVar[str] = "The request cannot be carried out."
    default_code: ClassVar[str] = "invalid"

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.code = code or self.default_code
        # Per-field messages, {"field": ["message", ...]}, like a form's errors.
        self.fields = {name: list(messages) for name, messages in (fields or {}).items()}
        # Facts the client needs to act (both amounts of a price mismatch...), sent beside
        # detail/message/code.
        self.extra = dict(extra or {})
        self.retry_after = retry_after
        super().__init__(self.message)

    @classmethod
    def for_field(cls, field: str, message: str, *, code: str | None = None) -> Self:
        """The error of one input field: the message names it, `fields` carries it."""
        return cls(f"{field}: {message}", code=code, fields={field: [message]})


class InvalidInput(DomainError):
    kind = ErrorKind.INVALID


class Forbidden(DomainError):
    kind = ErrorKind.FORBIDDEN
    default_message = "You may not do that."
    default_code = "forbidden"


class NotFound(DomainError):
    kind = ErrorKind.NOT_FOUND
    default_message = "Not found."
    default_code = "not_found"


class Conflict(DomainError):
    kind = ErrorKind.CONFLICT
    default_message = "That cannot be done in the current state."
    default_code = "conflict"


class TooLarge(DomainError):
    kind = ErrorKind.TOO_LARGE
    default_message = "Too large."
    default_code = "too_large"


class UnsupportedType(DomainError):
    kind = ErrorKind.UNSUPPORTED_TYPE
    default_message = "This type is not accepted."
    default_code = "unsupported_type"


class Unprocessable(DomainError):
    kind = ErrorKind.UNPROCESSABLE
    default_message = "The request contradicts what it refers to."
    default_code = "unprocessable"


class RateLimited(DomainError):
    """Too many of these requests for one subject lately; retry_after says when to try again."""

    kind = ErrorKind.RATE_LIMITED
    default_message = "Too many requests; please retry later."
    default_code = "rate_limited"


class Unavailable(DomainError):
    """Temporarily impossible (a render under way, a provider down): the caller may retry."""

    kind = ErrorKind.UNAVAILABLE
    default_message = "Not available right now; please retry shortly."
    default_code = "unavailable"
