"""Datetimes in the form the legacy API sent each field.

The frontend formats every datetime in the browser's own zone (`new Date(...)`). The legacy
sent naive strings: booking and program times as venue-local wall time, so a booking at 16:00
in Kochi shows 16:00 wherever the customer is; record timestamps (created_at, updated_at...)
as naive UTC. An offset would shift what a customer abroad sees, so none is sent. Inputs are
understood with or without an offset: a naive input is venue-local time.
"""

from datetime import UTC

from rest_framework import serializers

NAIVE_FORMAT = "%Y-%m-%dT%H:%M:%S"


class VenueLocalDateTimeField(serializers.DateTimeField):
    """Venue-local wall time without an offset, e.g. "2026-12-09T16:00:00" (TIME_ZONE)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format=NAIVE_FORMAT, **kwargs)  # type: ignore[arg-type]


class NaiveUtcDateTimeField(serializers.DateTimeField):
    """A record timestamp in UTC without an offset, as the legacy's utcnow() columns."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(format=NAIVE_FORMAT, default_timezone=UTC, **kwargs)  # type: ignore[arg-type]
