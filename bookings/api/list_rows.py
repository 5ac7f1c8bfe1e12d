"""The booking and catalog list pages shaped from `.values()` rows (lebrq.api.lists).

Each function gives, key for key and byte for byte once rendered, what the list's serializer
gives (tests/bookings/test_list_rows.py): booking times as naive venue-local wall time, record
timestamps as naive UTC (lebrq.api.fields), amounts as the JSON numbers the renderer writes for
a DecimalField (COERCE_DECIMAL_TO_STRING is off: a float). Each value is formatted once.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone

ZERO = Decimal("0")


def money(amount: Decimal) -> float:
    """A DecimalField's value as the JSON renderer writes it (a float; the column's two
    places are what the serializer quantizes to)."""
    return float(amount)


def optional_money(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def wall_time(moment: datetime, zone: tzinfo) -> str:
    """VenueLocalDateTimeField: the wall time in the venue's zone, whole seconds, no offset.
    isoformat() is strftime's NAIVE_FORMAT for every year the database stores (1000-9999)."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0).isoformat()


def utc_time(moment: datetime | None) -> str | None:
    """NaiveUtcDateTimeField: the UTC time, whole seconds, no offset."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(tzinfo=None, microsecond=0).isoformat()


def _booking_columns(row: Mapping[str, Any], zone: tzinfo) -> dict[str, Any]:
    """BookingColumnsSerializer."""
    total = row["total_amount"]
    paid = row["paid_amount"]
    return {
        "id": row["id"],
        "booking_reference": row["booking_reference"],
        "series_reference": row["series_reference"],
        "user_id": row["user_id"],
        "venue_id": row["venue_id"],
        "venue_name": row["venue__name"],
        "space_id": row["space_id"],
        "space_name": row["space__name"],
        "start_datetime": wall_time(row["start_datetime"], zone),
        "end_datetime": wall_time(row["end_datetime"], zone),
        "attendees": row["attendees"],
        "status": row["status"],
        "booking_type": row["booking_type"],
        "event_type": row["event_type"],
        "total_amount": money(total),
        "advance_amount": money(row["advance_amount"]),
        "paid_amount": money(paid),
        # Booking.balance_due
        "balance_amount": money(max(total - paid, ZERO)),
        "brokerage_amount": money(row["brokerage_amount"]),
        "customer_note": row["customer_note"],
        "admin_note": row["admin_note"],
        "is_admin_booking": row["is_admin_booking"],
        "banner_image_url": row["banner_image_url"],
        "stage_banner_url": row["stage_banner_url"],
        "created_at": utc_time(row["created_at"]),
        "updated_at": utc_time(row["updated_at"]),
    }


def _line(row: Mapping[str, Any]) -> dict[str, Any]:
    """BookingLineSerializer."""
    return {
        "id": row["id"],
        "kind": row["kind"],
        "item_id": row["item_id"],
        "item_name": row["name"],
        # BookingItem.description and .image_url: the catalog item's, "" without one.
        "item_description": row["item__description"] or "",
        "image_url": row["item__image_url"] or "",
        "quantity": row["quantity"],
        "hours_used": optional_money(row["hours_used"]),
        "unit_price": money(row["unit_price"]),
        "total_price": money(row["total_price"]),
        "booking_status": row["booking_status"],
        "is_supplied": row["is_supplied"],
    }


def own_bookings(
    rows: Sequence[Mapping[str, Any]], lines: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """BookingSerializer(many=True): `rows` from selectors.booking_rows_for_owner, `lines`
    from selectors.booking_line_rows (in id order)."""
    zone = timezone.get_current_timezone()
    lines_of: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        lines_of[line["booking_id"]].append(_line(line))
    bookings = []
    for row in rows:
        booking = _booking_columns(row, zone)
        booking["price_per_hour"] = money(row["space__price_per_hour"])
        booking["items"] = lines_of.get(row["id"], [])
        bookings.append(booking)
    return bookings


def staff_bookings(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """StaffBookingSerializer(many=True): `rows` from selectors.booking_rows_for_staff."""
    zone = timezone.get_current_timezone()
    bookings = []
    for row in rows:
        booking = _booking_columns(row, zone)
        # User.display_name: the full name (get_full_name), else the username.
        full_name = f"{row['user__first_name']} {row['user__last_name']}".strip()
        name = full_name or row["user__username"]
        booking["user_name"] = name
        booking["user"] = {
            "id": row["user_id"],
            "name": name,
            "username": row["user__username"],
            "email": row["user__email"],
            "mobile": row["user__mobile"],
        }
        # No offers nor audio notes yet (StaffBookingSerializer).
        booking["discount_amount"] = 0.0
        booking["audio_count"] = 0
        bookings.append(booking)
    return bookings


def catalog_items(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """ItemSerializer(many=True): `rows` from selectors.catalog_item_rows."""
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "description": row["description"],
            "price": money(row["price"]),
            "main_category": row["main_category"],
            "category": row["category"],
            "subcategory": row["subcategory"],
            "type": row["item_type"],
            "image_url": row["image_url"],
            "video_url": row["video_url"],
            "profile_image_url": row["profile_image_url"],
            "profile_info": row["profile_info"],
            "performance_team_profile": row["performance_team_profile"],
            "space_id": row["space_id"],
            "vendor_id": row["vendor_id"],
            "item_status": row["item_status"],
            "preparation_time_minutes": row["preparation_time_minutes"],
            "base_hours_included": row["base_hours_included"],
            "rate_per_extra_hour": money(row["rate_per_extra_hour"]),
        }
        for row in rows
    ]
