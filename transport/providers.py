"""Geocoding behind one interface: a local backend (the default: it knows only the office, no
network) and OpenStreetMap's Nominatim over HTTP, as the legacy used (routers/locations.py).

Nominatim's usage policy (https://operations.osmfoundation.org/policies/nominatim/): an
identifying User-Agent, at most one request per second for the whole application, results
cached. `geocode` caches every answer in Django's cache, and the Nominatim backend takes its
turn from a limiter kept in the same cache, so every worker sharing the cache shares the one
request a second (transport/README.md, Geocoding).
"""

import hashlib
import logging
import math
import time
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from lebrq.cache import CACHE_ERRORS
from transport.exceptions import GeocoderUnavailable

logger = logging.getLogger("transport.geocoding")

# The largest answer read from the provider (the legacy's bound as well).
MAX_RESPONSE_BYTES = 1024 * 1024
# The most places one search returns.
MAX_RESULTS = 10


@dataclass(frozen=True)
class Place:
    display_name: str
    name: str
    lat: float
    lon: float
    osm_type: str = ""
    osm_id: str = ""


class Geocoder(Protocol):
    name: str

    def search(self, query: str, *, country_codes: str, limit: int) -> list[Place]: ...


def _normalized(text: str) -> str:
    return " ".join(text.lower().replace(",", " ").split())


class LocalGeocoder:
    """Knows one place, the office (TRANSPORT_OFFICE_*): development and tests run with no
    network. Any other query finds nothing."""

    name = "local"

    def search(self, query: str, *, country_codes: str, limit: int) -> list[Place]:
        wanted = _normalized(query)
        office = Place(
            display_name=settings.TRANSPORT_OFFICE_ADDRESS,
            name=settings.TRANSPORT_OFFICE_NAME,
            lat=settings.TRANSPORT_OFFICE_LATITUDE,
            lon=settings.TRANSPORT_OFFICE_LONGITUDE,
            osm_type="local",
            osm_id="office",
        )
        known = (
            settings.TRANSPORT_OFFICE_ADDRESS,
            settings.TRANSPORT_OFFICE_SIMPLIFIED_ADDRESS,
            settings.TRANSPORT_OFFICE_NAME,
        )
        if wanted and any(wanted in _normalized(text) for text in known):
            return [office][:limit]
        return []


def take_turn(key: str, interval: float, max_wait: float) -> None:
    """Wait for this process's turn among all callers sharing the cache: turns start at
    multiples of `interval` seconds and each is taken once (cache.add is atomic), so two
    requests never start less than `interval` apart. No turn within `max_wait`: 503."""
    now = time.time()
    first = math.ceil(now / interval)
    last = math.floor((now + max_wait) / interval)
    keep = math.ceil(max_wait + 2 * interval)
    for turn in range(first, last + 1):
        try:
            taken = cache.add(f"{key}:{turn}", 1, timeout=keep)
        except CACHE_ERRORS:
            # Without the shared turns nothing keeps the workers to the provider's rate:
            # refuse (503) rather than risk the provider blocking us for everyone.
            logger.warning("Geocoder turns unreachable in the cache: not calling the provider.")
            raise GeocoderUnavailable() from None
        if taken:
            delay = turn * interval - time.time()
            if delay > 0:
                time.sleep(delay)
            return
    raise GeocoderUnavailable(
        "The location service is busy; please retry in a moment.",
        code="location_service_busy",
        retry_after=max(1, math.ceil(max_wait)),
    )


class NominatimGeocoder:
    """GET <NOMINATIM_BASE_URL>/search?format=json, one request a second, with a timeout."""

    name = "nominatim"

    def __init__(self) -> None:
        if not settings.NOMINATIM_USER_AGENT.strip():
            raise ImproperlyConfigured("GEOCODER_BACKEND=nominatim needs NOMINATIM_USER_AGENT.")
        self.url = settings.NOMINATIM_BASE_URL.rstrip("/") + "/search"

    def search(self, query: str, *, country_codes: str, limit: int) -> list[Place]:
        params: dict[str, str | int] = {
            "q": query,
            "format": "json",
            "addressdetails": 1,
            "limit": limit,
        }
        if country_codes:
            params["countrycodes"] = country_codes
        if settings.NOMINATIM_EMAIL:
            params["email"] = settings.NOMINATIM_EMAIL
        body = self._get(params)
        return _places(body)[:limit]

    def _get(self, params: dict[str, str | int]) -> Any:
        headers = {"User-Agent": settings.NOMINATIM_USER_AGENT, "Accept": "application/json"}
        try:
            with httpx.Client(timeout=settings.NOMINATIM_TIMEOUT_SECONDS) as client:
                # The client is ready before the turn: the request leaves as the turn starts.
                take_turn(
                    "transport:nominatim:turn",
                    settings.NOMINATIM_MIN_INTERVAL_SECONDS,
                    settings.GEOCODER_MAX_WAIT_SECONDS,
                )
                with client.stream("GET", self.url, params=params, headers=headers) as response:
                    if response.status_code != 200:
                        logger.warning("Nominatim answered HTTP %s", response.status_code)
                        raise GeocoderUnavailable(retry_after=_retry_after(response))
                    content = bytearray()
                    for chunk in response.iter_bytes():
                        content += chunk
                        if len(content) > MAX_RESPONSE_BYTES:
                            logger.warning("Nominatim answer over %s bytes", MAX_RESPONSE_BYTES)
                            raise GeocoderUnavailable()
        except httpx.HTTPError as exc:
            logger.warning("Nominatim unreachable: %s: %s", type(exc).__name__, exc)
            raise GeocoderUnavailable(retry_after=5) from exc
        try:
            return httpx.Response(200, content=bytes(content)).json()
        except ValueError as exc:
            logger.warning("Nominatim answered something that is not JSON")
            raise GeocoderUnavailable() from exc


def _retry_after(response: httpx.Response) -> int:
    raw = response.headers.get("Retry-After", "")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 3600 else 5


def _places(body: Any) -> list[Place]:
    """The places of a Nominatim answer; entries without usable coordinates are skipped."""
    if not isinstance(body, list):
        raise GeocoderUnavailable()
    places = []
    for entry in body[:MAX_RESULTS]:
        if not isinstance(entry, dict):
            continue
        try:
            lat, lon = float(entry["lat"]), float(entry["lon"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        display_name = str(entry.get("display_name") or "")[:500]
        places.append(
            Place(
                display_name=display_name,
                name=str(entry.get("name") or display_name.split(",")[0])[:200],
                lat=lat,
                lon=lon,
                osm_type=str(entry.get("osm_type") or "")[:20],
                osm_id=str(entry.get("osm_id") or "")[:30],
            )
        )
    return places


BACKENDS: dict[str, type[LocalGeocoder] | type[NominatimGeocoder]] = {
    "local": LocalGeocoder,
    "nominatim": NominatimGeocoder,
}


def geocoder() -> Geocoder:
    try:
        backend_class = BACKENDS[settings.GEOCODER_BACKEND]
    except KeyError:
        raise ImproperlyConfigured(
            f"GEOCODER_BACKEND must be one of {', '.join(BACKENDS)}, "
            f"not {settings.GEOCODER_BACKEND!r}."
        ) from None
    return backend_class()


def geocode(query: str, *, country_codes: str, limit: int) -> list[Place]:
    """The provider's places for `query`, from the cache when it was asked before (answers
    that found nothing are cached too). Raises GeocoderUnavailable when the provider cannot
    answer now; such failures are not cached."""
    backend = geocoder()
    fingerprint = f"{backend.name}|{_normalized(query)}|{country_codes}|{limit}"
    key = "transport:geocode:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    try:
        cached = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("Geocoder cache unreachable: asking the provider.")
        cached = None
    if isinstance(cached, list):
        return [Place(**entry) for entry in cached]
    places = backend.search(query, country_codes=country_codes, limit=limit)
    try:
        cache.set(key, [asdict(place) for place in places], timeout=settings.GEOCODER_CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("Geocoder cache unreachable: the answer is not kept.")
    return places
