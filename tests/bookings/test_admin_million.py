"""The bookings changelist over a million bookings: the same queries as over a thousand.

Rows are generated inside the database (MariaDB's seq tables, PostgreSQL's generate_series),
a million in about a minute. The changelist is opened at page 1, filtered, searched and
drilled down by date over a thousand bookings (ten pages), then again over a million, and at
a deep page: never more queries than over the thousand.
"""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

MILLION = 1_000_000
CHANGELIST = "/admin/bookings/booking/"

_SELECT = {
    "mysql": """
        SELECT CONCAT('BK-M', LPAD(HEX(seq), 9, '0')) AS ref,
               %(start)s + INTERVAL seq * 3 MINUTE AS st,
               %(start)s + INTERVAL seq * 3 + 120 MINUTE AS en,
               ELT(1 + seq %% 5, 'pending', 'approved', 'rejected', 'cancelled', 'completed')
                   AS status,
               %(created)s + INTERVAL seq SECOND AS cr
        FROM seq_{first}_to_{last}""",
    "postgresql": """
        SELECT 'BK-M' || lpad(to_hex(seq), 9, '0') AS ref,
               %(start)s + seq * INTERVAL '3 minutes' AS st,
               %(start)s + (seq * 3 + 120) * INTERVAL '1 minute' AS en,
               (ARRAY['pending', 'approved', 'rejected', 'cancelled', 'completed'])[1 + seq %% 5]
                   AS status,
               %(created)s + seq * INTERVAL '1 second' AS cr
        FROM generate_series({first}, {last}) AS seq""",
}


def insert_bookings(template, first: int, last: int) -> None:
    """Bookings numbered first..last, like the template's, three minutes apart."""
    # MariaDB's seq_M_to_N is a table name, so the bounds are formatted in, not bound.
    select = _SELECT[connection.vendor].format(first=int(first), last=int(last))
    start = timezone.now().replace(microsecond=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bookings (booking_reference, series_reference, user_id, venue_id,"
            " space_id, start_datetime, end_datetime, status, created_at, updated_at,"
            " attendees, booking_type, event_type, space_amount, total_amount, advance_amount,"
            " paid_amount, customer_note, admin_note, is_admin_booking, banner_image_url,"
            " stage_banner_url)"
            " SELECT ref, '', %(user)s, %(venue)s, %(space)s, st, en, status, cr, cr, 20,"
            " 'one_day', '', 1000, 1000, 250, 0, '', '', FALSE, '', ''"
            f" FROM ({select}) AS generated",
            {
                "user": template.user_id,
                "venue": template.venue_id,
                "space": template.space_id,
                "start": start,
                "created": start - timedelta(days=400),
            },
        )


def changelist_queries(client: Client, params: dict[str, Any]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        page = client.get(CHANGELIST, params)
    assert page.status_code == 200, params
    return [query["sql"] for query in captured.captured_queries]


def test_the_changelist_of_a_million_bookings_runs_a_constant_number_of_queries(admin_client):
    if connection.vendor not in _SELECT:
        pytest.skip(f"no row generator written for {connection.vendor}")
    template = BookingFactory()
    year = timezone.localdate(template.start_datetime).year
    views: list[dict[str, Any]] = [
        {},
        {"status__exact": "approved"},
        {"start_datetime__year": year},
        {"start_datetime__year": year, "start_datetime__month": 1},
        {"q": template.booking_reference},
    ]
    insert_bookings(template, 1, 999)
    over_a_thousand = {str(p): changelist_queries(admin_client, p) for p in views}

    insert_bookings(template, 1000, MILLION)

    # The first page and a deep one (row 500,000) cost what the first page over ten pages did.
    for params in [*views, {"p": 5000}]:
        baseline = over_a_thousand.get(str(params), over_a_thousand["{}"])
        queries = changelist_queries(admin_client, params)
        assert len(queries) <= len(baseline), "\n".join(
            [str(params), *(q[:160] for q in baseline), "--", *(q[:160] for q in queries)]
        )
    first_page = admin_client.get(CHANGELIST)
    assert first_page.context["cl"].result_count == MILLION + 1
    assert len(first_page.context["cl"].result_list) == 100
