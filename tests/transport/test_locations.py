"""GET /locations/office-address, /locations/autocomplete and /locations/distance, as
components/TransportationSection.tsx calls them (no token), against a fake Nominatim."""

import itertools
import math
import threading

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from transport import locations
from transport.providers import Place

pytestmark = pytest.mark.django_db

KOCHI = Place("Kochi", "Kochi", 9.9312, 76.2673)
KASARAGOD = Place("Kasaragod", "Kasaragod", 12.4996, 74.9869)


def _client_with_stale_token() -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-valid-token")
    return client


def test_office_address_whole_body_for_anyone_even_with_a_stale_token(settings):
    # TransportationSection.tsx:78 reads simplified_address, then address.
    for path in ("/api/locations/office-address", "/api/locations/office-address/"):
        response = _client_with_stale_token().get(path)
        assert response.status_code == 200
        assert response.json() == {
            "address": settings.TRANSPORT_OFFICE_ADDRESS,
            "simplified_address": "Kasaragod, Kerala, India",
            "name": "Le BRQ Office",
        }


def test_autocomplete_whole_body_through_nominatim_with_its_usage_policy(nominatim_api):
    # TransportationSection.tsx:125: ?input=...&components=country:in; reads predictions[]
    # .description, .place_id, .structured_formatting, .lat, .lon.
    response = APIClient().get(
        "/api/locations/autocomplete", {"input": "Kanhangad", "components": "country:in"}
    )

    assert response.status_code == 200
    assert response.json() == {
        "predictions": [
            {
                "description": "Kanhangad, Kasaragod district, Kerala, 671315, India",
                "place_id": "osm_relation_2002",
                "structured_formatting": {
                    "main_text": "Kanhangad",
                    "secondary_text": "Kasaragod district, Kerala, 671315, India",
                },
                "lat": 12.3065,
                "lon": 75.0947,
            }
        ],
        "status": "OK",
    }
    (request,) = nominatim_api.received
    assert request.path == "/search"
    assert request.user_agent == "LeBRQ-tests/1.0 (suite)"
    assert request.params == {
        "q": "Kanhangad",
        "format": "json",
        "addressdetails": "1",
        "limit": "5",
        "countrycodes": "in",
    }


def test_autocomplete_answers_are_cached(nominatim_api):
    for _ in range(3):
        response = APIClient().get("/api/locations/autocomplete", {"input": "kochi"})
        assert response.json()["predictions"][0]["lat"] == 9.9312
    assert len(nominatim_api.received) == 1
    # Nothing found is an answer too.
    for _ in range(2):
        assert APIClient().get("/api/locations/autocomplete", {"input": "Atlantis"}).json() == {
            "predictions": [],
            "status": "OK",
        }
    assert len(nominatim_api.received) == 2


@pytest.mark.parametrize(
    "params",
    [{}, {"input": "ab"}, {"input": "x" * 201}, {"input": "Kochi", "components": "in; drop"}],
)
def test_autocomplete_bad_input_is_400_and_never_reaches_the_provider(nominatim_api, params):
    response = APIClient().get("/api/locations/autocomplete", params)
    assert response.status_code == 400
    assert {"detail", "message", "code"} <= response.json().keys()
    assert nominatim_api.received == []


@pytest.mark.parametrize("status", [500, 429, 403])
def test_a_provider_error_is_503_with_retry_after_and_not_cached(nominatim_api, status):
    nominatim_api.status = status
    response = APIClient().get("/api/locations/autocomplete", {"input": "Kochi"})
    assert response.status_code == 503
    assert response.json()["code"] == "location_service_unavailable"
    assert int(response["Retry-After"]) >= 1

    nominatim_api.status = 200
    assert APIClient().get("/api/locations/autocomplete", {"input": "Kochi"}).status_code == 200


def test_a_slow_provider_times_out_as_503(nominatim_api, settings):
    settings.NOMINATIM_TIMEOUT_SECONDS = 0.2
    nominatim_api.delay = 1.0
    response = APIClient().get("/api/locations/distance", {"origin": "Kochi", "destination": "x"})
    assert response.status_code == 503


def test_a_garbled_answer_is_503(nominatim_api):
    nominatim_api.raw_body = b"<html>maintenance</html>"
    assert APIClient().get("/api/locations/autocomplete", {"input": "Kochi"}).status_code == 503


def test_distance_whole_body_haversine_between_geocoded_places(nominatim_api):
    # TransportationSection.tsx:187: origin = the picked suggestion, destination = the office's
    # simplified address; reads distance_km.
    response = APIClient().get(
        "/api/locations/distance",
        {"origin": "Kochi", "destination": "Kasaragod, Kerala, India"},
    )

    assert response.status_code == 200
    expected = round(locations.haversine_km(KOCHI, KASARAGOD), 2)
    assert response.json() == {
        "origin": "Kochi",
        "destination": "Kasaragod, Kerala, India",
        "distance_km": expected,
        "distance_text": f"{expected:.1f} km",
        "duration_seconds": int(locations.haversine_km(KOCHI, KASARAGOD) / 40 * 3600),
        "duration_text": "7 hours 56 mins",
        "mode": "driving",
    }
    assert 310 < expected < 325
    assert nominatim_api.received[0].params["countrycodes"] == "in"


def test_distance_tries_the_parts_of_an_address_as_the_legacy_did(nominatim_api):
    response = APIClient().get(
        "/api/locations/distance",
        {"origin": "Nowhere Lane, Kanhangad", "destination": "Some Hall, Unknown Town"},
    )
    assert response.status_code == 200
    # The origin's last part, the destination's office fallback.
    assert nominatim_api.queries() == [
        "Nowhere Lane, Kanhangad",
        "Nowhere Lane",
        "Kanhangad",
        "Some Hall, Unknown Town",
        "Some Hall",
        "Unknown Town",
        "Kasaragod, Kerala, India",
    ]
    assert response.json()["distance_km"] == round(
        locations.haversine_km(Place("", "", 12.3065, 75.0947), KASARAGOD), 2
    )


def test_an_unknown_origin_is_404_with_the_error_shape(nominatim_api):
    response = APIClient().get(
        "/api/locations/distance", {"origin": "Atlantis", "destination": "Kasaragod"}
    )
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "origin_not_found"
    assert body["detail"] == body["message"] == "Origin location not found: Atlantis"


def test_distance_needs_origin_and_destination(nominatim_api):
    assert APIClient().get("/api/locations/distance", {"origin": "Kochi"}).status_code == 400
    assert nominatim_api.received == []


def test_requests_to_nominatim_are_at_least_the_interval_apart(nominatim_api, settings):
    settings.NOMINATIM_MIN_INTERVAL_SECONDS = 0.3
    queries = ["Kochi", "Kanhangad", "Mangalore", "Kasaragod"]
    gate = threading.Barrier(len(queries))
    statuses = []

    def ask(query):
        gate.wait()
        statuses.append(
            APIClient().get("/api/locations/autocomplete", {"input": query}).status_code
        )

    threads = [threading.Thread(target=ask, args=(q,)) for q in queries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert statuses == [200] * 4
    times = sorted(r.at for r in nominatim_api.received)
    assert len(times) == 4
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Threads wake with some jitter; the turns themselves are 0.3 s apart.
    assert min(gaps) >= 0.3 - 0.05, gaps


def test_when_no_turn_is_free_within_the_wait_the_answer_is_503(nominatim_api, settings):
    settings.NOMINATIM_MIN_INTERVAL_SECONDS = 1.0
    settings.GEOCODER_MAX_WAIT_SECONDS = 0.5
    # Another worker holds every turn of the next seconds.
    import time

    now = time.time()
    for turn in range(math.floor(now) - 1, math.ceil(now) + 3):
        cache.set(f"transport:nominatim:turn:{turn}", 1, 30)

    response = APIClient().get("/api/locations/autocomplete", {"input": "Kochi"})

    assert response.status_code == 503
    assert response.json()["code"] == "location_service_busy"
    assert response["Retry-After"] == "1"
    assert nominatim_api.received == []


def test_with_the_shared_cache_away_the_provider_is_not_called_and_the_answer_is_503(
    nominatim_api, settings
):
    # The provider's rate is kept by turns in the shared cache: without them nothing stops
    # the workers together from exceeding it, so no call is made.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = APIClient().get("/api/locations/autocomplete", {"input": "Kochi"})

    assert response.status_code == 503
    assert response.json()["code"] == "location_service_unavailable"
    assert nominatim_api.received == []


def test_with_the_shared_cache_away_the_local_geocoder_still_answers(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    body = APIClient().get("/api/locations/autocomplete", {"input": "Kasaragod"}).json()

    assert [p["description"] for p in body["predictions"]] == [settings.TRANSPORT_OFFICE_ADDRESS]


def test_the_default_local_geocoder_knows_the_office_and_makes_no_request(settings):
    assert settings.GEOCODER_BACKEND == "local"
    response = APIClient().get(
        "/api/locations/distance",
        {"origin": "Karandakkad, Kasaragod", "destination": "Kasaragod, Kerala, India"},
    )
    assert response.status_code == 200
    assert response.json()["distance_km"] == 0
    body = APIClient().get("/api/locations/autocomplete", {"input": "Kasaragod"}).json()
    assert [p["description"] for p in body["predictions"]] == [settings.TRANSPORT_OFFICE_ADDRESS]
    assert (
        APIClient()
        .get("/api/locations/distance", {"origin": "Kochi", "destination": "Kasaragod"})
        .status_code
        == 404
    )


def test_haversine_matches_a_known_distance():
    # Kochi to Kasaragod as the crow flies is about 318 km.
    assert locations.haversine_km(KOCHI, KASARAGOD) == pytest.approx(318, abs=1.5)
    assert locations.haversine_km(KOCHI, KOCHI) == 0
