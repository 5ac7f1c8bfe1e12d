"""Every list endpoint runs the same number of queries for a page of 1 and a page of 100."""

import pytest

from tests.conftest import bearer_client
from tests.factories import (
    BookingFactory,
    BookingItemFactory,
    GalleryImageFactory,
    ItemFactory,
    ProgramFactory,
    SpaceFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

ROWS = 101


def _bookings_with_items(user, count: int, **fields) -> None:
    for booking in BookingFactory.create_batch(count, user=user, **fields):
        BookingItemFactory.create_batch(2, booking=booking)


@pytest.fixture
def owner():
    return UserFactory()


LIST_ENDPOINTS = {
    "/api/spaces": lambda owner: SpaceFactory.create_batch(ROWS),
    "/api/items": lambda owner: ItemFactory.create_batch(ROWS),
    "/api/programs": lambda owner: ProgramFactory.create_batch(ROWS),
    "/api/gallery": lambda owner: GalleryImageFactory.create_batch(ROWS),
    "/api/bookings": lambda owner: _bookings_with_items(owner, ROWS),
    "/api/bookings/regular-programs": lambda owner: _bookings_with_items(
        owner, ROWS, booking_type="daily"
    ),
    "/api/admin/bookings": lambda owner: _bookings_with_items(owner, ROWS),
    "/api/admin/booking-items": lambda owner: _bookings_with_items(owner, ROWS // 2 + 1),
}


# The user lookup for the token, COUNT(*), the page's ids, the page's rows, one prefetch.
MAX_QUERIES = 5


@pytest.mark.parametrize("path", list(LIST_ENDPOINTS))
def test_list_query_count_is_the_same_for_page_size_1_and_100(
    path, owner, django_assert_max_num_queries
):
    LIST_ENDPOINTS[path](owner)
    owner.is_staff = path.startswith("/api/admin/")
    owner.save()
    client = bearer_client(owner)

    with django_assert_max_num_queries(MAX_QUERIES) as one_row:
        small = client.get(path, {"page_size": 1})
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        big = client.get(path, {"page_size": 100})

    assert small.status_code == big.status_code == 200
    assert len(small.json()["items"]) == 1
    assert len(big.json()["items"]) == 100


BARE_LIST_ENDPOINTS = {
    "/api/venues": lambda: VenueFactory.create_batch(ROWS),
    "/api/venues/spaces": lambda: SpaceFactory.create_batch(ROWS),
}


@pytest.mark.parametrize("path", list(BARE_LIST_ENDPOINTS))
def test_bare_list_query_count_is_the_same_for_limit_1_and_100(
    path, api_client, django_assert_max_num_queries
):
    """The page's ids, then its rows: no count, and nothing per row."""
    BARE_LIST_ENDPOINTS[path]()

    with django_assert_max_num_queries(2) as one_row:
        small = api_client.get(path, {"limit": 1})
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        big = api_client.get(path, {"limit": 100})

    assert len(small.json()) == 1
    assert len(big.json()) == 100
