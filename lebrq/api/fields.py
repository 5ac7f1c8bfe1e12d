"""Datetimes in the form the legacy API sent each field.

The frontend formats every datetime in the browser's own zone (`new Date(...)`). The legacy
sent naive strings: booking and program times as venue-local wall time, so a booking at 16:00
in Kochi shows 16:00 wherever the customer is; record timestamps (created_at, updated_at...)
as naive UTC. An offset would shift what a customer abroad sees, so none is sent. Inputs are
understood with or without an offset: a naive input is venue-local time.
"""

from datetime import UTC, date, datetime
from typing import Any

from rest_framework import serializers

NAIVE_FORMAT = "%Y-%m-%dT%H:%M:%S"

# MariaDB's DATETIME holds 1000-01-01 to 9999-12-31. A day's margin each side leaves room for
# the venue's offset from UTC and for "the day after" an inclusive end date: outside it,
# Python's date arithmetic or the driver overflowed (from_date=0001-01-01 was a 500).
STORED_DATE_MIN = date(1000, 1, 2)
STORED_DATE_MAX = date(9999, 12, 30)
OUT_OF_RANGE = f"Must be between {STORED_DATE_MIN} and {STORED_DATE_MAX}."


def clamp_to_stored(day: date) -> date:
    """A filter's bound moved inside what the database stores (no row lies outside)."""
    return min(max(day, STORED_DATE_MIN), STORED_DATE_MAX)


def is_storable(day: date) -> bool:
    return STORED_DATE_MIN <= day <= STORED_DATE_MAX


class DateBoundField(serializers.DateField):
    """A list's from/to date: a bound beyond what the database stores is moved inside it."""

    def to_internal_value(self, value: Any) -> date:
        return clamp_to_stored(super().to_internal_value(value))


class StoredDateField(serializers.DateField):
    """A date the database (and a day's arithmetic around it) can hold; else a 400."""

    def to_internal_value(self, value: Any) -> date:
        day = super().to_internal_value(value)
        if not is_storable(day):
            raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range")
        return day


class VenueLocalDateTimeField(serializers.DateTimeField):
    """Venue-local wall time without an offset, e.g. "2026-12-09T16:00:00" (TIME_ZONE)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format=NAIVE_FORMAT, **kwargs)  # type: ignore[arg-type]

    def to_internal_value(self, value: Any) -> datetime:
        # Checked on the naive wall time, before DRF makes it aware: year 1 or 9999 in the
        # venue's zone cannot be converted to UTC.
        if isinstance(value, str):
            try:
                wall = datetime.fromisoformat(value.strip())
            except ValueError:
                wall = None
            if wall is not None and not is_storable(wall.date()):
                raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range")
        moment = super().to_internal_value(value)
        if not is_storable(moment.date()):
            raise serializers.ValidationError(OUT_OF_RANGE, code="date_out_of_range")
        return moment


class NaiveUtcDateTimeField(serializers.DateTimeField):
    """A record timestamp in UTC without an offset, as the legacy's utcnow() columns."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format=NAIVE_FORMAT, default_timezone=UTC, **kwargs)  # type: ignore[arg-type]


class SafeLinkField(serializers.CharField):
    """A link the frontend will put in an <Image> or <a>: http(s) or a path on our own site.

    A plain CharField stored `javascript:alert(1)` (and `data:` or `//evil.example/x`, which
    browsers read as another site) as a booking's banner URL, for staff screens to open.
    """

    SCHEMES = ("http", "https")

    def to_internal_value(self, data: Any) -> str:
        value: str = super().to_internal_value(data)
        if not value:
            return value
        if any(char.isspace() or not char.isprintable() for char in value):
            raise serializers.ValidationError("Enter a link without spaces.", code="unsafe_link")
        scheme, colon, _ = value.partition(":")
        is_own_path = value.startswith("/") and not value.startswith("//")
        is_web_link = bool(colon) and scheme.lower() in self.SCHEMES and "//" in value[:8]
        if not (is_own_path or is_web_link):
            raise serializers.ValidationError(
                "Enter an http(s) link or a path on this site.", code="unsafe_link"
            )
        return value
