"""The count cache's key (lebrq.pagination.count_cache_key) names the rows a list counts, from
its bare primary-key query: never from the joined query a page shows (compiling that one only
to hash it cost as much as running it)."""

from unittest import mock

import pytest
from django.db.models.sql.compiler import SQLCompiler

from bookings import selectors
from bookings.models import Booking
from lebrq.pagination import count_cache_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_what_a_page_shows_does_not_change_the_key():
    """Joins, deferred columns and ordering change the page, not the count."""
    listed = selectors.booking_list_for_staff()

    assert count_cache_key(listed) == count_cache_key(Booking.objects.all())
    assert count_cache_key(listed.order_by("total_amount")) == count_cache_key(listed)


def test_every_filter_is_in_the_key():
    first, second = UserFactory(), UserFactory()
    listed = selectors.booking_list_for_staff()

    keys = {
        count_cache_key(listed),
        count_cache_key(listed.filter(user=first)),
        count_cache_key(listed.filter(user=second)),
        count_cache_key(listed.filter(status="pending")),
        count_cache_key(listed.filter(user__email__startswith="a")),  # a filter's own join
        count_cache_key(listed.filter(user=first, status="pending")),
    }
    assert len(keys) == 6
    # The same rows by another list's queryset: the same count, so the same key.
    assert count_cache_key(selectors.booking_list_for_user(first)) == count_cache_key(
        listed.filter(user=first)
    )


def test_the_key_compiles_no_select_related_join():
    """The key's SQL reads bookings alone: no users, spaces or venues columns are built."""
    compiled = []
    as_sql = SQLCompiler.as_sql

    def spy(compiler, *args, **kwargs):
        sql, params = as_sql(compiler, *args, **kwargs)
        compiled.append(sql)
        return sql, params

    with mock.patch.object(SQLCompiler, "as_sql", spy):
        count_cache_key(selectors.booking_list_for_staff())

    assert len(compiled) == 1
    assert "JOIN" not in compiled[0]
    assert "ORDER BY" not in compiled[0]
