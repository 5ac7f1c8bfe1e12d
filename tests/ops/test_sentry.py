"""Error reports reach Sentry (a fake of its ingest API on loopback) without personal data.

The reporting process is a subprocess configured by SENTRY_DSN alone, as production is: the
SDK patches Django process-wide, which this suite's other tests must not inherit.
"""

import gzip
import json
import os
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.c2lnbmF0dXJlLW5vdC1yZWFs"
SESSION = "sessionid-value-not-for-sentry"
EMAIL = "asha@example.com"

REPORTING_PROCESS = """
import django, os
django.setup()
import sentry_sdk
from django.test.utils import override_settings
from lebrq.asgi import application
from tests.ops.asgi import call, scope

body = b'{{"email": "{email}", "password": "{password}"}}'
headers = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(body)).encode()),
    (b"authorization", b"Bearer {token}"),
    (b"cookie", b"sessionid={session}"),
    (b"x-request-id", b"sentry-trace-000123"),
]
request = scope("/api/test/crash", headers=headers)
request["query_string"] = b"email={email}"
with override_settings(ROOT_URLCONF="tests.ops.urls", ALLOWED_HOSTS=["testserver"]):
    response = call(application, request, [body])
assert response.status == 500, response.status
sentry_sdk.flush(10)
"""


class FakeSentry(BaseHTTPRequestHandler):
    """Sentry's envelope endpoint: keeps what it is sent, answers 200."""

    received: list[bytes]

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            raw = gzip.decompress(raw)
        elif encoding == "deflate":
            raw = zlib.decompress(raw)
        elif encoding == "br":
            import brotli  # type: ignore[import-untyped]  # used if the SDK finds it

            raw = brotli.decompress(raw)
        self.received.append(raw)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sentry_api() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []
    handler = type("Handler", (FakeSentry,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://publickey@127.0.0.1:{server.server_port}/42", received
    finally:
        server.shutdown()
        server.server_close()


def events(envelopes: list[bytes]) -> list[dict[str, Any]]:
    found = []
    for envelope in envelopes:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_an_unhandled_exception_is_reported_with_its_request_id_and_no_personal_data(sentry_api):
    dsn, received = sentry_api
    env = {
        **os.environ,
        "SENTRY_DSN": dsn,
        "SENTRY_ENVIRONMENT": "test",
        "DJANGO_SETTINGS_MODULE": "lebrq.settings",
    }
    script = REPORTING_PROCESS.format(email=EMAIL, password=PASSWORD, token=TOKEN, session=SESSION)

    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, timeout=120)

    [event] = events(received)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "Something broke while booking"
    assert event["environment"] == "test"
    assert event["tags"]["request_id"] == "sentry-trace-000123"
    assert event["request"]["url"].endswith("/api/test/crash")
    headers = {name.lower(): value for name, value in event["request"]["headers"].items()}
    assert headers["x-request-id"] == "sentry-trace-000123"
    assert "authorization" not in headers
    assert "cookie" not in headers
    everything = b"".join(received).decode()
    for secret in (PASSWORD, TOKEN, SESSION, EMAIL, "Bearer"):
        assert secret not in everything
    # No stack frame carries its local variables (the request body among them).
    frames = exception["stacktrace"]["frames"]
    assert frames
    assert all("vars" not in frame for frame in frames)


def test_without_a_dsn_nothing_is_set_up():
    import sentry_sdk

    assert not sentry_sdk.get_client().is_active()


def test_a_database_outage_is_not_reported_but_other_errors_are():
    from django.db import OperationalError

    from lebrq.sentry import scrub_event

    outage = OperationalError(2003, "Can't connect to MySQL server")
    bug = KeyError("booking_id")

    assert scrub_event({}, {"exc_info": (type(outage), outage, None)}) is None
    assert scrub_event({}, {"exc_info": (type(bug), bug, None)}) == {}
