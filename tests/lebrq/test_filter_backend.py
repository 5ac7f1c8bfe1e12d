"""lebrq.api.filters.FilterBackend: django-filter's backend, which builds a FilterSet only when
the request names one of its filters or the FilterSet filters by itself."""

import pytest

from bookings.filters import ItemFilter, OwnBookingFilter, StaffBookingFilter
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(monkeypatch):
    """The FilterSet classes instantiated during the test, in order."""
    seen: list[str] = []
    for filterset_class in (ItemFilter, OwnBookingFilter, StaffBookingFilter):
        original = filterset_class.__init__

        def spy(self, *args, __original=original, **kwargs):
            seen.append(type(self).__name__)
            __original(self, *args, **kwargs)

        monkeypatch.setattr(filterset_class, "__init__", spy)
    return seen


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def test_an_unfiltered_page_builds_no_filterset_and_lists_the_same(api_client, built):
    ItemFactory(name="Cake", category="cake")
    ItemFactory(name="Lunch", category="food")

    assert sorted(names(api_client.get("/api/items", {"page": 1, "page_size": 10}))) == [
        "Cake",
        "Lunch",
    ]
    assert built == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "food"}, ["Lunch"]),
        ({"q": "cak"}, ["Cake"]),
        # A bad value of a named filter is still the FilterSet's 400.
        ({"space": "not-a-number"}, None),
    ],
)
def test_a_named_filter_builds_the_filterset_and_applies(api_client, built, params, expected):
    ItemFactory(name="Cake", category="cake")
    ItemFactory(name="Lunch", category="food")

    response = api_client.get("/api/items", params)

    if expected is None:
        assert response.status_code == 400
    else:
        assert names(response) == expected
    assert built == ["ItemFilter"]


def test_a_filterset_with_its_own_default_is_always_built(customer_client, built):
    # OwnBookingFilter hides cancelled bookings when no status is asked for.
    assert customer_client.get("/api/bookings").status_code == 200
    assert built == ["OwnBookingFilter"]


def test_range_parameters_count_by_their_filter_name_prefix(staff_client, built):
    assert staff_client.get("/api/admin/bookings").status_code == 200
    assert staff_client.get("/api/admin/bookings", {"from_date": "2026-01-01"}).status_code == 200
    assert built == ["StaffBookingFilter"]
