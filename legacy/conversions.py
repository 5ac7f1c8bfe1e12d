"""How legacy values become ours: each rule here is in docs/CUTOVER.md's mapping table.

Every function is pure (no database), so the verification can run the same rule over the
legacy rows a second time and compare with what was written.
"""

import json
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

PAISA = Decimal("0.01")


class Invalid(Exception):
    """A legacy value the new schema refuses. `fix` is the documented repair, if there is one:
    a callable giving the repaired value (used with --on-invalid fix)."""

    def __init__(self, column: str, message: str, fixed: Any = None, fixable: bool = False):
        super().__init__(f"{column}: {message}")
        self.column = column
        self.message = message
        self.fixed = fixed
        self.fixable = fixable


def venue_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def money(value: float | Decimal | str | None, *, default: Decimal | None = None) -> Decimal:
    """A legacy FLOAT (single precision) amount in rupees, rounded half-up to the paisa.

    The source reads FLOAT columns as CAST(... AS DOUBLE): the text protocol would send them
    with six significant digits (99999.99 arrives as 100000). The float's exact binary value
    goes through repr(), the shortest decimal that reads back as the same double, so
    1234.5699462890625 becomes 1234.57.
    """
    if value is None:
        if default is None:
            raise ValueError("amount is missing")
        return default
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("amount is not a number")
        value = repr(value)
    try:
        return Decimal(value).quantize(PAISA, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"amount {value!r} is not a number") from None


def paise(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(rounding=ROUND_HALF_UP))


def local_aware(value: datetime | None) -> datetime | None:
    """A naive venue-local (IST) wall time (booking and participant times) made aware."""
    if value is None:
        return None
    return value.replace(tzinfo=venue_zone())


def utc_aware(value: datetime | None) -> datetime | None:
    """A naive UTC record timestamp (the legacy's datetime.utcnow()) made aware.

    TIMESTAMP columns are read in a UTC session too (LegacySource sets time_zone '+00:00')."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC)


def utc(column: str, value: datetime | None) -> datetime:
    """A NOT NULL record timestamp (naive UTC) made aware; missing is refused."""
    if value is None:
        raise Invalid(column, "missing")
    return value.replace(tzinfo=UTC)


def text(value: str | bytes | None) -> str:
    """NULL text becomes "" (our text columns are NOT NULL, blank allowed)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return value


def bounded(column: str, value: str | None, max_length: int) -> str:
    result = text(value)
    if len(result) > max_length:
        raise Invalid(column, f"{len(result)} characters, more than {max_length}")
    return result


def flag(value: int | bool | None, default: bool = False) -> bool:
    return default if value is None else bool(value)


def json_value(column: str, value: str | bytes | None, default: Any) -> Any:
    """A legacy JSON (longtext CHECK json_valid) column; NULL becomes the model's default."""
    if value is None or text(value).strip() == "":
        return default
    try:
        return json.loads(text(value))
    except json.JSONDecodeError:
        raise Invalid(column, "not valid JSON") from None


def clock_time(column: str, value: str | None) -> time | None:
    """programs.start_time/end_time: "HH:MM:SS" (or "HH:MM") text."""
    if value is None or not value.strip():
        return None
    try:
        return time.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(column, f"{value!r} is not a time of day", fixed=None, fixable=True) from None


# --- Status and role mappings (docs/CUTOVER.md, "Mapping") ---------------------------------

# Legacy bookings.status -> ours. `edited` is our `pending` (docs/DESIGN.md, Prices); `paid`
# was a paid booking waiting for staff, which our state machine calls `pending` (the money is
# in paid_amount); `confirm`/`confirmed` are approvals; `finished` is `completed`; `arrived`
# (a scanned live-show ticket) is an approved booking in progress.
BOOKING_STATUS = {
    "pending": "pending",
    "edited": "pending",
    "paid": "pending",
    "approved": "approved",
    "confirmed": "approved",
    "confirm": "approved",
    "arrived": "approved",
    "rejected": "rejected",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "completed": "completed",
    "finished": "completed",
}

BOOKING_TYPES = {"one_day", "daily", "live-", "live", "recurring", "monthly", "rack_order"}

BOOKING_ITEM_STATUS = {
    None: "pending",
    "": "pending",
    "pending": "pending",
    "approved": "approved",
    "confirmed": "confirmed",
    "confirm": "confirmed",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    # A vendor's rejection: the line's rejection_status records it (vendors/README.md); the
    # line itself waits, pending, for staff to reassign it.
    "rejected": "pending",
}

# Legacy payments.status -> ours: the admin views counted completed, confirmed and paid as
# money received, like success.
PAYMENT_STATUS = {
    "pending": "pending",
    "created": "pending",
    "success": "success",
    "completed": "success",
    "confirmed": "success",
    "paid": "success",
    "captured": "success",
    "failed": "failed",
    "refunded": "refunded",
}

REFUND_STATUS = {
    "pending": "pending",
    "processing": "processing",
    "completed": "completed",
    "processed": "completed",
    "failed": "failed",
}

REFUND_TYPE = {None: "admin", "": "admin", "cancellation": "cancellation", "edit": "edit",
               "admin": "admin"}  # fmt: skip

PROGRAM_STATUS = {"draft", "pending", "approved", "rejected"}
PROGRAM_TYPE = {"yoga", "zumba", "live"}
SUBSCRIPTION_TYPE = {None: "", "": "", "daily": "daily", "monthly": "monthly"}

# Legacy users.role -> (our role, is_staff, is_superuser). `admin` is staff with every
# permission (the legacy's admins could do everything); hr, approver and editor have no
# role here: they become customers, and the report's ledger lists them (hr users join the
# group HR: legacy.importers.accounts).
ROLE = {
    "customer": ("customer", False, False),
    "vendor": ("vendor", False, False),
    "broker": ("broker", False, False),
    "admin": ("admin", True, True),
}
ROLES_NOT_BUILT = {"hr": "HR: in the group 'HR'; staff status given by a superuser after review",
                   "approver": "program approval",
                   "editor": "content editors"}  # fmt: skip


def lookup(mapping: dict[Any, str] | set[str], value: Any) -> str | None:
    """The mapped value of a legacy code (trimmed, lower-cased), or None if unknown."""
    key = value.strip().lower() if isinstance(value, str) else value
    if isinstance(mapping, set):
        return str(key) if key in mapping else None
    return mapping.get(key)


def setting_value(key: str, value: str | None) -> str:
    """admin_settings values as our validators read them: booleans as true/false."""
    result = text(value).strip()
    if key.endswith("_enabled"):
        lowered = result.lower()
        if lowered in ("1", "true", "yes", "on"):
            return "true"
        if lowered in ("0", "false", "no", "off", ""):
            return "false"
    return result


def day(value: date | datetime | None) -> date | None:
    if value is None:
        return None
    return value.date() if isinstance(value, datetime) else value
