"""Fakes of the outgoing channels' services, served by the suite on loopback (a plugin of
tests/conftest.py): an SMTP server, Route Mobile's WhatsApp API and Twilio's Messages API.

Each records what it received and answers what the test says next (a status, an outage).
"""

import base64
import json
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

# --- HTTP -----------------------------------------------------------------------------------


@dataclass
class FakeHttpApi:
    url: str = ""
    # Every request: (method, path, headers, parsed body).
    received: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    # Statuses to answer next, one per message request (then 2xx again).
    fail_next: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def requests_to(self, suffix: str) -> list[Any]:
        return [body for _, path, _, body in self.received if path.endswith(suffix)]


@contextmanager
def _serve(name: str, handler: type[BaseHTTPRequestHandler]) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


class _JsonHandler(BaseHTTPRequestHandler):
    api: FakeHttpApi

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _next_failure(self) -> int | None:
        with self.api.lock:
            return self.api.fail_next.pop(0) if self.api.fail_next else None

    def log_message(self, format: str, *args: object) -> None:
        pass


ROUTE_MOBILE_TOKEN = "fake-route-mobile-jwt"


@contextmanager
def fake_route_mobile() -> Iterator[FakeHttpApi]:
    """POST /auth/v1/login/ -> {"JWTAUTH"}; POST /wba/v1/messages (Bearer) -> 202 {"mid"}."""
    api = FakeHttpApi()

    class Handler(_JsonHandler):
        def do_POST(self) -> None:
            body = json.loads(self._body() or b"{}")
            api.received.append((self.command, self.path, dict(self.headers), body))
            if self.path == "/auth/v1/login/":
                if body != {"username": "lebrq", "password": "rm-secret"}:
                    self._answer(401, {"message": "bad credentials"})
                else:
                    self._answer(200, {"JWTAUTH": ROUTE_MOBILE_TOKEN})
                return
            if self.path != "/wba/v1/messages":
                self._answer(404, {"message": "no such path"})
                return
            if self.headers.get("Authorization") != f"Bearer {ROUTE_MOBILE_TOKEN}":
                self._answer(401, {"message": "unauthorized"})
                return
            failure = self._next_failure()
            if failure:
                self._answer(failure, {"message": "injected failure"})
                return
            with api.lock:
                mid = f"rm-{len(api.requests_to('/wba/v1/messages')):04d}"
            self._answer(202, {"mid": mid, "status": "accepted"})

    Handler.api = api
    with _serve("fake-route-mobile", Handler) as server:
        api.url = f"http://127.0.0.1:{server.server_address[1]}"
        yield api


TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-secret"


@contextmanager
def fake_twilio() -> Iterator[FakeHttpApi]:
    """POST /2010-04-01/Accounts/{sid}/Messages.json (Basic auth, a form) -> 201 message."""
    api = FakeHttpApi()

    class Handler(_JsonHandler):
        def do_POST(self) -> None:
            form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
            api.received.append((self.command, self.path, dict(self.headers), form))
            expected = "Basic " + base64.b64encode(f"{TWILIO_SID}:{TWILIO_TOKEN}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._answer(401, {"code": 20003, "message": "Authenticate", "status": 401})
                return
            if self.path != f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json":
                self._answer(404, {"code": 20404, "message": "Not found", "status": 404})
                return
            failure = self._next_failure()
            if failure:
                self._answer(failure, {"code": 20500, "message": "injected", "status": failure})
                return
            with api.lock:
                sid = f"SM{len(api.received):032d}"
            self._answer(
                201,
                {
                    "sid": sid,
                    "account_sid": TWILIO_SID,
                    "status": "queued",
                    "to": form.get("To"),
                    "from": form.get("From"),
                    "body": form.get("Body", ""),
                    "num_segments": "1",
                    "direction": "outbound-api",
                    "api_version": "2010-04-01",
                    "uri": f"/2010-04-01/Accounts/{TWILIO_SID}/Messages/{sid}.json",
                },
            )

    Handler.api = api
    with _serve("fake-twilio", Handler) as server:
        api.url = f"http://127.0.0.1:{server.server_address[1]}"
        yield api


# --- SMTP -----------------------------------------------------------------------------------


@dataclass
class FakeSmtp:
    host: str = "127.0.0.1"
    port: int = 0
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    # Reply codes to give the next DATA commands (e.g. 451: try again later).
    fail_next: list[int] = field(default_factory=list)


@contextmanager
def fake_smtp() -> Iterator[FakeSmtp]:
    """Just enough SMTP for smtplib: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""
    smtp = FakeSmtp()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())

        def handle(self) -> None:
            self.reply("220 fake-smtp ready")
            sender, recipients = "", list[str]()
            while True:
                line = self.rfile.readline().decode(errors="replace").rstrip("\r\n")
                if not line:
                    return
                verb = line.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    self.reply("250-fake-smtp")
                    self.reply("250 8BITMIME")
                elif verb == "HELO" or verb in ("NOOP", "RSET"):
                    self.reply("250 ok")
                elif verb == "MAIL":
                    sender, recipients = line.split(":", 1)[1].strip(), list[str]()
                    self.reply("250 ok")
                elif verb == "RCPT":
                    recipients.append(line.split(":", 1)[1].strip())
                    self.reply("250 ok")
                elif verb == "DATA":
                    self.reply("354 end with .")
                    data = b""
                    while True:
                        chunk = self.rfile.readline()
                        if chunk in (b".\r\n", b".\n", b""):
                            break
                        data += chunk[1:] if chunk.startswith(b"..") else chunk
                    if smtp.fail_next:
                        self.reply(f"{smtp.fail_next.pop(0)} try again later")
                        continue
                    smtp.messages.append(message_from_bytes(data))
                    smtp.envelopes.append((sender, recipients))
                    self.reply("250 queued as fake")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 not implemented")

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    smtp.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="fake-smtp", daemon=True)
    thread.start()
    try:
        yield smtp
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def route_mobile_api(settings) -> Iterator[FakeHttpApi]:
    """The WhatsApp channel on Route Mobile, pointed at its fake."""
    from messaging.providers import RouteMobileBackend

    RouteMobileBackend.forget_token()
    with fake_route_mobile() as api:
        settings.MESSAGING_WHATSAPP_BACKEND = "routemobile"
        settings.ROUTE_MOBILE_BASE_URL = api.url
        settings.ROUTE_MOBILE_USERNAME = "lebrq"
        settings.ROUTE_MOBILE_PASSWORD = "rm-secret"
        settings.MESSAGING_PROVIDER_TIMEOUT_SECONDS = 5
        yield api
    RouteMobileBackend.forget_token()


@pytest.fixture
def twilio_api(settings) -> Iterator[FakeHttpApi]:
    """The WhatsApp channel on Twilio (the official client), pointed at its fake."""
    with fake_twilio() as api:
        settings.MESSAGING_WHATSAPP_BACKEND = "twilio"
        settings.TWILIO_ACCOUNT_SID = TWILIO_SID
        settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
        settings.TWILIO_WHATSAPP_FROM = "+14155238886"
        settings.TWILIO_TEMPLATES = {"bookingreg": "HX" + "1" * 32}
        settings.TWILIO_API_BASE_URL = api.url
        settings.MESSAGING_PROVIDER_TIMEOUT_SECONDS = 5
        yield api


@pytest.fixture
def smtp_server(settings) -> Iterator[FakeSmtp]:
    """The e-mail channel on Django's SMTP backend, pointed at a fake SMTP server."""
    with fake_smtp() as smtp:
        settings.MESSAGING_EMAIL_BACKEND = "smtp"
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": smtp.host, "port": smtp.port, "timeout": 5},
            }
        }
        yield smtp
