"""A fake of the bulk-SMS gateway, served over HTTP on loopback by the suite, and the
`sms_gateway` fixture that points the bulk-SMS backend at it (a plugin of tests/conftest.py)."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


@dataclass
class FakeGateway:
    """What it received, and what it answers next (status and body)."""

    url: str
    received: list[dict[str, str]] = field(default_factory=list)
    status: int = 200
    answer: str = "1701|{destination}:req-0001"

    def messages_to(self, mobile: str) -> list[str]:
        return [form["message"] for form in self.received if form["destination"] == mobile]


@contextmanager
def fake_sms_gateway() -> Iterator[FakeGateway]:
    gateway = FakeGateway(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            form = {
                key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()
            }
            if self.path != "/bulksms/bulksms":
                self.send_response(404)
                self.end_headers()
                return
            gateway.received.append(form)
            body = gateway.answer.format(destination=form.get("destination", "")).encode()
            self.send_response(gateway.status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="fake-sms-gateway", daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def sms_gateway(settings) -> Iterator[FakeGateway]:
    """The bulk-SMS backend, pointed at a fake gateway on loopback."""
    with fake_sms_gateway() as gateway:
        settings.SMS_BACKEND = "bulksms"
        settings.SMS_GATEWAY_URL = gateway.url
        settings.SMS_GATEWAY_USERNAME = "lebrq"
        settings.SMS_GATEWAY_PASSWORD = "gateway-secret"
        settings.SMS_SENDER_ID = "LEBRQS"
        settings.SMS_ENTITY_ID = "1601000000000000001"
        settings.SMS_TM_ID = "1601000000000000001,1602000000000000002"
        settings.SMS_OTP_TEMPLATE_ID = "1607000000000000003"
        settings.SMS_TIMEOUT_SECONDS = 5
        yield gateway
