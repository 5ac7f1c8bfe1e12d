"""Counting and slicing large querysets: shared by the API's pagination and the admin's."""

import hashlib
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from lebrq.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


# A stale total stays in the cache this many times PAGINATION_COUNT_CACHE_SECONDS, to be
# answered while one request counts again.
STALE_FACTOR = 3


def cached_count(queryset: QuerySet[Any]) -> int:
    """COUNT(*) of the queryset, cached briefly when it is large.

    InnoDB counts by scanning an index: ~0.4 s per million rows. Totals under
    PAGINATION_COUNT_CACHE_MIN_ROWS are always exact; larger ones may be up to
    PAGINATION_COUNT_CACHE_SECONDS old (plus the time one count takes), which a "page 3 of
    20,000" display tolerates.

    When a total goes stale, one request counts again and the others answer the stale total
    meanwhile: otherwise every request in flight at that moment would start the same
    1.5-second count at once (a worker admits 16), and a busy list would stall every
    PAGINATION_COUNT_CACHE_SECONDS (issue 24, own list at 50 clients).
    """
    key = count_cache_key(queryset)
    try:
        entry: tuple[int, float] | None = cache.get(key)
        if entry is not None:
            total, fresh_until = entry
            if time.time() < fresh_until or not cache.add(f"{key}:recount", 1, RECOUNT_SECONDS):
                return total
    except CACHE_ERRORS:
        # The count is the cache's to save, not to decide: exact, and slower, while it is away.
        logger.warning("Count cache unreachable: counting.")
        return queryset.count()
    total = queryset.count()
    if total >= settings.PAGINATION_COUNT_CACHE_MIN_ROWS:
        seconds = settings.PAGINATION_COUNT_CACHE_SECONDS
        try:
            cache.set(key, (total, time.time() + seconds), seconds * STALE_FACTOR)
            cache.delete(f"{key}:recount")
        except CACHE_ERRORS:
            logger.warning("Count cache unreachable: the total is not kept.")
    return total


# How long the recount's claim holds if its request dies before storing the new total.
RECOUNT_SECONDS = 30


def count_cache_key(queryset: QuerySet[Any]) -> str:
    """The cache key of the queryset's COUNT(*): the SQL of its bare primary-key query.

    A count depends on which rows match, not on the columns, joins (select_related) and
    ordering a page shows: compiling the list's joined query only to hash it took as long as
    running it. The bare query keeps every filter, and the joins those filters need.
    """
    sql, params = queryset.values_list("pk").order_by().query.sql_with_params()
    # v2: the entry is (total, fresh until); a bare total of the previous release is not read.
    return "page-count:v2:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()


def page_ids(queryset: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """The primary keys of rows [offset, offset + limit) of an ordered queryset, in its order:
    the narrowest query (an index-only scan for our list indexes)."""
    return list(queryset.values_list("pk", flat=True)[offset : offset + limit])


def in_order(rows: Iterable[Mapping[str, Any]], ids: Sequence[Any]) -> list[Mapping[str, Any]]:
    """`rows` (dicts with an "id", from .values()) in the order of `ids`: the page's order,
    whatever ordering the list was asked for, without sorting again in SQL."""
    by_id = {row["id"]: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def page_rows(queryset: QuerySet[Any], offset: int, limit: int) -> list[Any]:
    """The rows [offset, offset + limit) of an ordered queryset, by a deferred join.

    The page's ids come from the narrowest query (an index-only scan for our list indexes),
    then those rows are loaded with their joins and prefetches. Offsetting the joined query
    itself took 18 s at page 2,000 of a million bookings on MariaDB.
    """
    ids = page_ids(queryset, offset, limit)
    return list(queryset.filter(pk__in=ids)) if ids else []
