"""The raw reference of `make bench-bookings`: the physical limit of our list pages.

A bare ASGI app, written for the benchmark only: per request it checks the JWT (PyJWT, the
signature and expiry simplejwt checks), runs exactly the SQL our list views run for a page
(COUNT(*) cached as lebrq.pagination caches it, the page's ids, its rows, its lines) on one
persistent mysqlclient connection per worker, and writes the same JSON bytes with orjson. The
benchmark checks that its bytes equal ours before timing either, and reports our lists as
ratios to it from the same run (issue 24: within 2x of its p50 at one client, a third of its
req/s at 50).

What it leaves out is what our app pays for beyond the work itself: Django's request cycle and
middleware, DRF, the ORM compiling queries, a database connection per request, the user's row
per request (here each user's state is read once per worker, as a cache of it would).

Run: gunicorn -k uvicorn_worker.UvicornWorker -w 2 tests.bench.raw_reference:app, with
DATABASE_URL and SECRET_KEY as the app's, PAGINATION_COUNT_CACHE_SECONDS as the run's.
"""

import math
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

import jwt
import MySQLdb
import orjson

Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

SECRET_KEY = os.environ["SECRET_KEY"]
VENUE_ZONE = ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Kolkata"))
COUNT_CACHE_SECONDS = int(os.environ.get("PAGINATION_COUNT_CACHE_SECONDS", "10"))
COUNT_CACHE_MIN_ROWS = int(os.environ.get("PAGINATION_COUNT_CACHE_MIN_ROWS", "10000"))
PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
ZERO = Decimal("0")

# The SQL of our list views (captured from Django; selectors.py and list_rows.py).
BOOKING_COLUMNS = (
    "b.id, b.booking_reference, b.series_reference, b.user_id, b.venue_id, v.name, b.space_id,"
    " s.name, b.start_datetime, b.end_datetime, b.attendees, b.status, b.booking_type,"
    " b.event_type, b.total_amount, b.advance_amount, b.paid_amount, b.customer_note,"
    " b.admin_note, b.is_admin_booking, b.banner_image_url, b.stage_banner_url, b.created_at,"
    " b.updated_at, b.brokerage_amount"
)
STAFF_COUNT = "SELECT COUNT(*) FROM bookings"
STAFF_IDS = "SELECT id FROM bookings ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
STAFF_ROWS = (
    f"SELECT {BOOKING_COLUMNS}, u.first_name, u.last_name, u.username, u.email, u.mobile"
    " FROM bookings b JOIN users u ON b.user_id = u.id JOIN venues v ON b.venue_id = v.id"
    " JOIN spaces s ON b.space_id = s.id WHERE b.id IN ({ids})"
)
OWN_FILTER = "WHERE user_id = %s AND NOT (status = 'cancelled')"
OWN_COUNT = f"SELECT COUNT(*) FROM bookings {OWN_FILTER}"
OWN_IDS = (
    f"SELECT id FROM bookings {OWN_FILTER} ORDER BY created_at DESC, id DESC LIMIT %s OFFSET %s"
)
OWN_ROWS = (
    f"SELECT {BOOKING_COLUMNS}, s.price_per_hour FROM bookings b"
    " JOIN venues v ON b.venue_id = v.id JOIN spaces s ON b.space_id = s.id"
    " WHERE b.id IN ({ids})"
)
OWN_LINES = (
    "SELECT l.booking_id, l.id, l.kind, l.item_id, l.name, i.description, i.image_url,"
    " l.quantity, l.hours_used, l.unit_price, l.total_price, l.booking_status, l.is_supplied"
    " FROM booking_items l LEFT JOIN items i ON l.item_id = i.id"
    " WHERE l.booking_id IN ({ids}) ORDER BY l.id"
)
CATALOG_FILTER = (
    "FROM items LEFT JOIN vendor_profiles p ON items.vendor_id = p.id WHERE items.available = 1"
    " AND (items.vendor_id IS NULL OR p.suspended_until IS NULL OR p.suspended_until <= %s)"
)
CATALOG_COUNT = f"SELECT COUNT(*) {CATALOG_FILTER}"
CATALOG_IDS = (
    f"SELECT items.id {CATALOG_FILTER}"
    " ORDER BY items.category, items.subcategory, items.name, items.id LIMIT %s OFFSET %s"
)
CATALOG_ROWS = (
    "SELECT id, name, description, price, main_category, category, subcategory, type,"
    " image_url, video_url, profile_image_url, profile_info, performance_team_profile,"
    " space_id, vendor_id, item_status, preparation_time_minutes, base_hours_included,"
    " rate_per_extra_hour FROM items WHERE id IN ({ids})"
)

_connection: Any = None
_counts: dict[tuple[str, tuple[Any, ...]], tuple[float, int]] = {}
_users: dict[int, tuple[bool, bool]] = {}


def _connect() -> Any:
    url = urlparse(os.environ["DATABASE_URL"])
    return MySQLdb.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=unquote(url.username or "root"),
        password=unquote(url.password or ""),
        database=url.path.lstrip("/"),
        charset="utf8mb4",
        autocommit=True,
    )


def _query(sql: str, params: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], ...]:
    global _connection
    if _connection is None:  # one per worker, opened after the fork
        _connection = _connect()
    cursor = _connection.cursor()
    cursor.execute(sql, params)
    rows: tuple[tuple[Any, ...], ...] = cursor.fetchall()
    cursor.close()
    return rows


def _count(sql: str, params: tuple[Any, ...]) -> int:
    """COUNT(*), cached as lebrq.pagination.cached_count caches it."""
    key = (sql, params)
    hit = _counts.get(key)
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    total: int = _query(sql, params)[0][0]
    if total >= COUNT_CACHE_MIN_ROWS:
        _counts[key] = (now + COUNT_CACHE_SECONDS, total)
    return total


def _in_order(rows: tuple[tuple[Any, ...], ...], ids: list[int]) -> list[tuple[Any, ...]]:
    by_id = {row[0]: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def _wall(moment: datetime) -> str:
    return moment.replace(tzinfo=UTC).astimezone(VENUE_ZONE).replace(tzinfo=None).isoformat()


def _utc(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _booking(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": row[0],
        "booking_reference": row[1],
        "series_reference": row[2],
        "user_id": row[3],
        "venue_id": row[4],
        "venue_name": row[5],
        "space_id": row[6],
        "space_name": row[7],
        "start_datetime": _wall(row[8].replace(microsecond=0)),
        "end_datetime": _wall(row[9].replace(microsecond=0)),
        "attendees": row[10],
        "status": row[11],
        "booking_type": row[12],
        "event_type": row[13],
        "total_amount": float(row[14]),
        "advance_amount": float(row[15]),
        "paid_amount": float(row[16]),
        "balance_amount": float(max(row[14] - row[16], ZERO)),
        "brokerage_amount": float(row[24]),
        "customer_note": row[17],
        "admin_note": row[18],
        "is_admin_booking": bool(row[19]),
        "banner_image_url": row[20],
        "stage_banner_url": row[21],
        "created_at": _utc(row[22]),
        "updated_at": _utc(row[23]),
    }


def staff_list(user_id: int, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    total = _count(STAFF_COUNT, ())
    ids = [row[0] for row in _query(STAFF_IDS, (limit, offset))]
    if not ids:
        return total, []
    rows = _query(STAFF_ROWS.format(ids=",".join(map(str, ids))))
    page = []
    for row in _in_order(rows, ids):
        booking = _booking(row)
        name = f"{row[25]} {row[26]}".strip() or row[27]
        booking["user_name"] = name
        booking["user"] = {
            "id": row[3],
            "name": name,
            "username": row[27],
            "email": row[28],
            "mobile": row[29],
        }
        booking["discount_amount"] = 0.0
        booking["audio_count"] = 0
        page.append(booking)
    return total, page


def own_list(user_id: int, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    total = _count(OWN_COUNT, (user_id,))
    ids = [row[0] for row in _query(OWN_IDS, (user_id, limit, offset))]
    if not ids:
        return total, []
    id_list = ",".join(map(str, ids))
    rows = _query(OWN_ROWS.format(ids=id_list))
    lines: dict[int, list[dict[str, Any]]] = {}
    for line in _query(OWN_LINES.format(ids=id_list)):
        lines.setdefault(line[0], []).append(
            {
                "id": line[1],
                "kind": line[2],
                "item_id": line[3],
                "item_name": line[4],
                "item_description": line[5] or "",
                "image_url": line[6] or "",
                "quantity": line[7],
                "hours_used": None if line[8] is None else float(line[8]),
                "unit_price": float(line[9]),
                "total_price": float(line[10]),
                "booking_status": line[11],
                "is_supplied": bool(line[12]),
            }
        )
    page = []
    for row in _in_order(rows, ids):
        booking = _booking(row)
        booking["price_per_hour"] = float(row[25])
        booking["items"] = lines.get(row[0], [])
        page.append(booking)
    return total, page


def catalog_list(user_id: int | None, offset: int, limit: int) -> tuple[int, list[dict[str, Any]]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    total = _count(CATALOG_COUNT, (now,))
    ids = [row[0] for row in _query(CATALOG_IDS, (now, limit, offset))]
    if not ids:
        return total, []
    rows = _query(CATALOG_ROWS.format(ids=",".join(map(str, ids))))
    page = [
        {
            "id": row[0],
            "name": row[1],
            "description": row[2],
            "price": float(row[3]),
            "main_category": row[4],
            "category": row[5],
            "subcategory": row[6],
            "type": row[7],
            "image_url": row[8],
            "video_url": row[9],
            "profile_image_url": row[10],
            "profile_info": row[11],
            "performance_team_profile": None if row[12] is None else orjson.loads(row[12]),
            "space_id": row[13],
            "vendor_id": row[14],
            "item_status": row[15],
            "preparation_time_minutes": row[16],
            "base_hours_included": row[17],
            "rate_per_extra_hour": float(row[18]),
        }
        for row in _in_order(rows, ids)
    ]
    return total, page


# path: (the list, whether it needs a signed-in user, whether staff only)
LISTS: dict[str, tuple[Callable[..., tuple[int, list[dict[str, Any]]]], bool, bool]] = {
    "/api/admin/bookings": (staff_list, True, True),
    "/api/bookings": (own_list, True, False),
    "/api/items": (catalog_list, False, False),
}


def _user(headers: list[tuple[bytes, bytes]]) -> tuple[int, bool] | None:
    """(user id, is staff) from a valid access token of an active user; None otherwise."""
    authorization = next((value for name, value in headers if name == b"authorization"), b"")
    scheme, _, token = authorization.decode("latin-1").partition(" ")
    if scheme != "Bearer" or not token:
        return None
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError:
        return None
    if claims.get("token_type") != "access":
        return None
    user_id = int(claims["user_id"])
    state = _users.get(user_id)
    if state is None:
        rows = _query(
            "SELECT is_active, is_staff, suspended_until FROM users WHERE id = %s", (user_id,)
        )
        state = _users[user_id] = (
            (bool(rows[0][0]) and rows[0][2] is None, bool(rows[0][1])) if rows else (False, False)
        )
    active, staff = state
    return (user_id, staff) if active else None


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"].rstrip("/")
    if path == "/api/health":
        await _answer(send, 200, b'{"status":"ok"}')
        return
    if path not in LISTS:
        await _answer(send, 404, b'{"detail":"Not found."}')
        return
    handler, signed_in, staff_only = LISTS[path]
    user = _user(scope["headers"]) if signed_in else None
    if signed_in and (user is None or (staff_only and not user[1])):
        await _answer(send, 401, b'{"detail":"Not allowed."}')
        return
    query = parse_qs(scope["query_string"].decode("latin-1"))
    page = int(query.get("page", ["1"])[0])
    page_size = min(int(query.get("page_size", [str(PAGE_SIZE)])[0]), MAX_PAGE_SIZE)
    total, items = handler(user[0] if user else None, (page - 1) * page_size, page_size)
    total_pages = math.ceil(total / page_size) if total else 0
    pagination = {
        "page": page,
        "page_size": page_size,
        "total": total,
        "total_pages": total_pages,
        "has_next": page < total_pages,
        "has_prev": page > 1,
    }
    await _answer(send, 200, orjson.dumps({"items": items, "pagination": pagination}))
