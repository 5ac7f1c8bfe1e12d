"""The list pages are read off an index in their order: no sort of the whole filtered table.

The deep page of a customer's 200,000 bookings took 208 ms with a filesort and 60 ms without
(make bench-bookings): an index must end in the list's order, ties by id included.
"""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking
from bookings.public import todays_events
from bookings.selectors import (
    booking_item_list_for_staff,
    booking_list_for_staff,
    booking_list_for_user,
)
from tests.factories import BookingFactory, BookingItemFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def plan_of_a_page(queryset) -> str:
    """The plan of the id query that picks a page (see lebrq.pagination.page_rows)."""
    page = queryset.values_list("pk", flat=True)[100:150]
    if connection.vendor == "postgresql":
        # On tiny tables PostgreSQL prefers to scan and sort; make sorting the last resort so
        # the plan shows whether an index can give the order at all.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL enable_seqscan = off")
    return page.explain()


def sorts(plan: str) -> bool:
    return "filesort" in plan if connection.vendor == "mysql" else "Sort" in plan


@pytest.fixture
def lines():
    first = BookingItemFactory()
    BookingItemFactory.create_batch(
        30, booking__user=first.booking.user, vendor=first.vendor, item=first.item
    )
    BookingFactory.create_batch(30, status=BookingStatus.APPROVED)
    return first


def test_the_own_list_and_its_status_filter_need_no_sort(lines):
    own = booking_list_for_user(lines.booking.user)

    assert not sorts(plan_of_a_page(own))
    assert not sorts(plan_of_a_page(own.filter(status=BookingStatus.PENDING)))


def test_the_staff_list_and_its_status_filter_need_no_sort(lines):
    staff = booking_list_for_staff()

    assert not sorts(plan_of_a_page(staff))
    assert not sorts(plan_of_a_page(staff.filter(status=BookingStatus.APPROVED)))


def test_the_staff_item_list_and_its_filters_need_no_sort(lines):
    items = booking_item_list_for_staff()

    assert not sorts(plan_of_a_page(items))
    assert not sorts(plan_of_a_page(items.filter(vendor=lines.vendor)))
    assert not sorts(plan_of_a_page(items.filter(payment_settled=False)))


def test_the_check_sees_a_sort_when_no_index_gives_the_order(lines):
    assert sorts(plan_of_a_page(booking_list_for_staff().order_by("-attendees", "-id")))


def rows_read_from_bookings(queryset) -> int:
    """How many rows MariaDB actually read from the bookings table for this query."""
    plan = json.loads(queryset.explain(format="json", analyze=True))
    if isinstance(plan, str):  # MariaDB's JSON arrives as one quoted JSON string
        plan = json.loads(plan)
    found = [
        node["r_rows"]
        for node in _walk(plan)
        if isinstance(node, dict) and node.get("table_name") == "bookings" and "r_rows" in node
    ]
    assert found, plan
    return int(sum(found))


def _walk(node):
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from _walk(child)


@pytest.fixture
def a_year_of_past_bookings():
    template = BookingFactory()
    spaces = [template.space, *(SpaceFactory(venue=template.venue) for _ in range(4))]
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Booking.objects.bulk_create(
        Booking(
            user_id=template.user_id,
            venue_id=template.venue_id,
            space_id=spaces[day % len(spaces)].pk,
            start_datetime=midnight - timedelta(days=day, hours=-10),
            end_datetime=midnight - timedelta(days=day, hours=-12),
            status=BookingStatus.APPROVED,
        )
        for day in range(1, 366)
    )
    for hour in (9, 14, 18):
        BookingFactory(
            space=template.space,
            start_datetime=midnight + timedelta(hours=hour),
            end_datetime=midnight + timedelta(hours=hour + 2),
        )
    return midnight


@pytest.mark.skipif(
    connection.vendor != "mysql", reason="reads ANALYZE FORMAT=JSON, MariaDB's actual row counts"
)
def test_todays_events_read_the_day_not_the_past_year(a_year_of_past_bookings):
    today = timezone.localdate()

    assert len(todays_events(today)) == 3
    assert rows_read_from_bookings(todays_events(today)) <= 10
    # Even when the optimizer walks the start index (the plan it chose once the suite's
    # tables had grown), the range is bounded below: the day, not the year.
    assert rows_read_with_index(todays_events(today), "bookings_start_idx") <= 10


def rows_read_with_index(queryset, index: str) -> int:
    sql, params = queryset.query.sql_with_params()
    forced = sql.replace("FROM `bookings`", f"FROM `bookings` FORCE INDEX (`{index}`)", 1)
    assert forced != sql, sql
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE FORMAT=JSON {forced}", params)
        plan = json.loads(cursor.fetchone()[0])
    found = [
        node["r_rows"]
        for node in _walk(plan)
        if isinstance(node, dict) and node.get("table_name") == "bookings" and "r_rows" in node
    ]
    assert found, plan
    return int(sum(found))


@pytest.mark.skipif(
    connection.vendor != "mysql", reason="reads ANALYZE FORMAT=JSON, MariaDB's actual row counts"
)
def test_the_check_sees_a_query_that_reads_the_past(a_year_of_past_bookings):
    everything_before_tonight = Booking.objects.filter(
        start_datetime__lt=a_year_of_past_bookings + timedelta(days=1)
    ).order_by("start_datetime", "id")

    assert rows_read_from_bookings(everything_before_tonight) >= 365
