"""The legacy pagination contract, on a real list endpoint (/api/spaces)."""

import time

import pytest

from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def spaces():
    """Seven spaces, each in its own venue: the list's order is creation order."""
    return [SpaceFactory(name=f"Space {i:03d}") for i in range(7)]


def test_a_page_has_exactly_the_items_and_pagination_keys(api_client, spaces):
    response = api_client.get("/api/spaces", {"page": 2, "page_size": 3})

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["items", "pagination"]
    assert body["pagination"] == {
        "page": 2,
        "page_size": 3,
        "total": 7,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }
    assert [v["name"] for v in body["items"]] == ["Space 003", "Space 004", "Space 005"]


def test_defaults_are_page_one_of_fifty(api_client, spaces):
    body = api_client.get("/api/spaces").json()

    assert body["pagination"] == {
        "page": 1,
        "page_size": 50,
        "total": 7,
        "total_pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    assert len(body["items"]) == 7


def test_page_size_above_100_is_clamped_to_100(api_client):
    SpaceFactory.create_batch(105)

    body = api_client.get("/api/spaces", {"page_size": 5000}).json()

    assert body["pagination"]["page_size"] == 100
    assert len(body["items"]) == 100
    assert body["pagination"]["total_pages"] == 2


def test_a_page_past_the_end_is_empty_not_an_error(api_client, spaces):
    body = api_client.get("/api/spaces", {"page": 9, "page_size": 3}).json()

    assert body["items"] == []
    assert body["pagination"]["has_next"] is False
    assert body["pagination"]["has_prev"] is True


def test_an_empty_list_has_zero_pages(api_client):
    body = api_client.get("/api/spaces").json()

    assert body == {
        "items": [],
        "pagination": {
            "page": 1,
            "page_size": 50,
            "total": 0,
            "total_pages": 0,
            "has_next": False,
            "has_prev": False,
        },
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
    ],
)
def test_bad_page_parameters_are_a_400_naming_the_parameter(api_client, params, field):
    response = api_client.get("/api/spaces", params)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith(field)


def test_pages_do_not_overlap_or_skip_rows(api_client, spaces):
    seen = []
    for page in (1, 2, 3):
        body = api_client.get("/api/spaces", {"page": page, "page_size": 3}).json()
        seen += [v["id"] for v in body["items"]]

    assert sorted(seen) == sorted(v.pk for v in spaces)
    assert len(seen) == len(set(seen))


def test_the_schema_documents_the_envelope(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    operation = schema["paths"]["/api/spaces"]["get"]
    envelope = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][envelope.rsplit("/", 1)[1]]
    assert set(component["properties"]) == {"items", "pagination"}
    assert set(component["properties"]["pagination"]["properties"]) == {
        "page",
        "page_size",
        "total",
        "total_pages",
        "has_next",
        "has_prev",
    }
    assert {p["name"] for p in operation["parameters"]} >= {"page", "page_size"}


def test_small_totals_are_always_exact(api_client, spaces):
    api_client.get("/api/spaces")
    SpaceFactory()

    assert api_client.get("/api/spaces").json()["pagination"]["total"] == 8


def test_large_totals_are_cached_briefly_while_rows_stay_fresh(api_client, spaces, settings):
    from django.core.cache import cache

    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 5
    api_client.get("/api/spaces")
    newest = SpaceFactory(name="Space 999")

    cached = api_client.get("/api/spaces", {"page_size": 100}).json()
    cache.clear()
    recounted = api_client.get("/api/spaces", {"page_size": 100}).json()

    assert cached["pagination"]["total"] == 7
    assert newest.pk in [v["id"] for v in cached["items"]]
    assert recounted["pagination"]["total"] == 8


def test_filtered_lists_are_counted_separately(api_client, settings):
    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 1
    first = SpaceFactory()
    SpaceFactory.create_batch(2)

    everything = api_client.get("/api/spaces").json()["pagination"]["total"]
    one_venue = api_client.get("/api/spaces", {"venue": first.venue_id}).json()
    assert (everything, one_venue["pagination"]["total"]) == (3, 1)


def test_a_stale_total_is_recounted_by_one_request_while_the_others_answer_it(
    spaces, settings, monkeypatch
):
    """No stampede when a cached total expires: the first request after it counts again, and
    requests arriving during that count answer the stale total instead of counting too."""
    from django.core.cache import cache

    from bookings.models import Space
    from lebrq import pagination

    settings.PAGINATION_COUNT_CACHE_MIN_ROWS = 5
    settings.PAGINATION_COUNT_CACHE_SECONDS = 10
    clock = [1_000_000.0]
    # lebrq.pagination reads time.time, as the cache does for its expiry: both move with it.
    monkeypatch.setattr(time, "time", lambda: clock[0])
    spaces_ = Space.objects.order_by("id")
    recount = pagination.count_cache_key(spaces_) + ":recount"

    assert pagination.cached_count(spaces_) == 7
    SpaceFactory()
    assert pagination.cached_count(spaces_) == 7  # fresh for 10 s
    clock[0] += 10
    assert cache.add(recount, 1)  # another request is counting right now
    assert pagination.cached_count(spaces_) == 7  # so this one answers the stale total
    cache.delete(recount)
    assert pagination.cached_count(spaces_) == 8  # nobody counting: this one counts
    assert cache.get(recount) is None  # and lets the next stale window be recounted
    SpaceFactory()
    assert pagination.cached_count(spaces_) == 8  # its total is fresh for the others
    clock[0] += 30  # unasked for three windows, the stale total is gone
    assert pagination.cached_count(spaces_) == 9
