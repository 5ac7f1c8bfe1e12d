"""A fake of Nominatim's search API (GET /search?format=json), served over HTTP on loopback by
the suite, and the `nominatim_api` fixture that points the geocoder at it (a plugin of
tests/conftest.py). Never the internet."""

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

# Real-world coordinates of a few places (public knowledge), keyed by a lower-case query.
PLACES = {
    "kasaragod, kerala, india": ("Kasaragod, Kasaragod district, Kerala, India", 12.4996, 74.9869),
    "kasaragod": ("Kasaragod, Kasaragod district, Kerala, India", 12.4996, 74.9869),
    "kanhangad": ("Kanhangad, Kasaragod district, Kerala, 671315, India", 12.3065, 75.0947),
    "mangalore": ("Mangaluru, Dakshina Kannada, Karnataka, India", 12.8698, 74.8430),
    "kochi": ("Kochi, Ernakulam, Kerala, India", 9.9312, 76.2673),
}


@dataclass
class Received:
    path: str
    params: dict[str, str]
    user_agent: str
    at: float


@dataclass
class FakeNominatim:
    url: str
    places: dict[str, tuple[str, float, float]] = field(default_factory=lambda: dict(PLACES))
    received: list[Received] = field(default_factory=list)
    # What the next answers are: a status other than 200, a delay, or a raw body.
    status: int = 200
    delay: float = 0.0
    raw_body: bytes | None = None

    def queries(self) -> list[str]:
        return [r.params.get("q", "") for r in self.received]

    def answer(self, params: dict[str, str]) -> list[dict[str, object]]:
        query = params.get("q", "").strip().lower()
        limit = int(params.get("limit", "10"))
        found = []
        for n, (key, (display, lat, lon)) in enumerate(self.places.items()):
            if key == query:
                found.append(
                    {
                        "place_id": 1000 + n,
                        "osm_type": "relation",
                        "osm_id": 2000 + n,
                        "lat": str(lat),
                        "lon": str(lon),
                        "display_name": display,
                        "name": display.split(",")[0],
                        "type": "city",
                    }
                )
        return found[:limit]


@contextmanager
def fake_nominatim() -> Iterator[FakeNominatim]:
    fake = FakeNominatim(url="")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = {k: v[0] for k, v in parse_qs(parts.query).items()}
            with lock:
                fake.received.append(
                    Received(parts.path, params, self.headers.get("User-Agent", ""), time.time())
                )
            if fake.delay:
                time.sleep(fake.delay)
            if parts.path != "/search":
                self._send(404, b"{}")
            elif fake.status != 200:
                self._send(fake.status, b'{"error": "injected"}')
            elif fake.raw_body is not None:
                self._send(200, fake.raw_body)
            else:
                self._send(200, json.dumps(fake.answer(params)).encode())

        def _send(self, status: int, body: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-nominatim", daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def nominatim_api(settings) -> Iterator[FakeNominatim]:
    """The Nominatim geocoder, pointed at a fake on loopback; turns 20 ms apart (the real
    1 s would make the suite slow; test_rate_limit checks the spacing with a longer one)."""
    with fake_nominatim() as fake:
        settings.GEOCODER_BACKEND = "nominatim"
        settings.NOMINATIM_BASE_URL = fake.url
        settings.NOMINATIM_USER_AGENT = "LeBRQ-tests/1.0 (suite)"
        settings.NOMINATIM_MIN_INTERVAL_SECONDS = 0.02
        settings.NOMINATIM_TIMEOUT_SECONDS = 2.0
        settings.GEOCODER_MAX_WAIT_SECONDS = 2.0
        yield fake
