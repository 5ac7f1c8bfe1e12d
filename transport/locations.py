"""Location suggestions and distances for the transport screens, as the legacy computed them
(routers/locations.py): places from the geocoder, the straight-line (haversine) distance
between them, and a duration from an average speed per travel mode."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from lebrq.geo import great_circle_metres
from transport.exceptions import LocationNotFound
from transport.providers import Place, geocode

# The legacy's average speeds (km/h); other modes count as driving.
SPEED_KMH = {"driving": 40, "walking": 5, "bicycling": 15, "transit": 30}
AUTOCOMPLETE_LIMIT = 5
GEOCODE_LIMIT = 3


@dataclass(frozen=True)
class OfficeAddress:
    address: str
    simplified_address: str
    name: str


@dataclass(frozen=True)
class Distance:
    origin: str
    destination: str
    distance_km: Decimal
    duration_seconds: int
    mode: str

    @property
    def distance_text(self) -> str:
        return f"{self.distance_km:.1f} km"

    @property
    def duration_text(self) -> str:
        seconds = self.duration_seconds
        if seconds < 3600:
            return f"{seconds // 60} mins"
        return f"{seconds // 3600} hours {(seconds % 3600) // 60} mins"


def office_address() -> OfficeAddress:
    return OfficeAddress(
        address=settings.TRANSPORT_OFFICE_ADDRESS,
        simplified_address=settings.TRANSPORT_OFFICE_SIMPLIFIED_ADDRESS,
        name=settings.TRANSPORT_OFFICE_NAME,
    )


def country_codes_from(components: str | None) -> str:
    """ "country:in" (the frontend's, after Google's form) → "in"; none → the setting's."""
    if components and components.startswith("country:"):
        return components.split(":", 1)[1].lower()
    codes: str = settings.GEOCODER_COUNTRY_CODES
    return codes


def autocomplete(query: str, *, country_codes: str) -> list[Place]:
    return geocode(query, country_codes=country_codes, limit=AUTOCOMPLETE_LIMIT)


def haversine_km(a: Place, b: Place) -> float:
    return great_circle_metres(a.lat, a.lon, b.lat, b.lon) / 1000


def _attempts(text: str, *fallbacks: str) -> list[str]:
    """The legacy's tries: the whole text, its first part, its last part (then fallbacks)."""
    parts = [part.strip() for part in text.split(",")]
    tries = [text.strip(), parts[0], parts[-1], *fallbacks]
    seen: list[str] = []
    for attempt in tries:
        if attempt and attempt.lower() not in (s.lower() for s in seen):
            seen.append(attempt)
    return seen


def _locate(text: str, *fallbacks: str, field: str) -> Place:
    country_codes = settings.GEOCODER_COUNTRY_CODES
    for attempt in _attempts(text, *fallbacks):
        places = geocode(attempt, country_codes=country_codes, limit=GEOCODE_LIMIT)
        if places:
            return places[0]
    raise LocationNotFound(
        f"{field.capitalize()} location not found: {text}",
        code=f"{field}_not_found",
        fields={field: ["The location service does not know this place."]},
    )


def distance(origin: str, destination: str, mode: str = "driving") -> Distance:
    """Distance between two places the geocoder finds, as the crow flies, rounded to 10 m
    (the legacy's round(km, 2)); the destination falls back to the office's town."""
    simplified = settings.TRANSPORT_OFFICE_SIMPLIFIED_ADDRESS
    start = _locate(origin, field="origin")
    end = _locate(destination, simplified, simplified.split(",")[0], field="destination")
    km = haversine_km(start, end)
    seconds = int(km / SPEED_KMH.get(mode, SPEED_KMH["driving"]) * 3600)
    return Distance(
        origin=origin,
        destination=destination,
        distance_km=Decimal(str(km)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        duration_seconds=seconds,
        mode=mode,
    )


def distance_to_office(pickup: str) -> Decimal:
    """What the transport screens measure for a pickup point: the distance to the office's
    simplified address (TransportationSection.tsx and the venue screens send that one)."""
    return distance(pickup, settings.TRANSPORT_OFFICE_SIMPLIFIED_ADDRESS).distance_km
