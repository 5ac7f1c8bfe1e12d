"""Outgoing channels behind one interface, a backend per channel chosen by settings.

| channel  | setting                     | backends                                             |
|----------|-----------------------------|------------------------------------------------------|
| sms      | SMS_BACKEND (notify's)      | console, bulksms (the legacy's gateway, notify)      |
| email    | MESSAGING_EMAIL_BACKEND     | console, smtp (Django's SMTP e-mail backend)         |
| whatsapp | MESSAGING_WHATSAPP_BACKEND  | console, routemobile (templates), twilio (`twilio`)  |

Every backend answers a SendResult and never raises for a refusal or an outage: the task
(messaging/tasks.py) records it and retries what may succeed later. Console is the default
for every channel, so `make run` sends nothing anywhere.
"""

import logging
import smtplib
import threading
import time
from dataclasses import dataclass, field
from email.utils import make_msgid
from typing import Any, Protocol

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, mailers

from messaging.choices import Channel
from notify.providers import sms_backend

logger = logging.getLogger("messaging.outbound")


@dataclass(frozen=True)
class OutgoingMessage:
    to: str
    body: str
    subject: str = ""
    # A WhatsApp template name (or an SMS's DLT template id) and its variables, in order.
    template: str = ""
    params: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SendResult:
    accepted: bool
    provider_id: str = ""
    response: str = ""
    # A refusal that may pass later (a timeout, 429, 5xx); a 4xx refusal is final.
    retryable: bool = False


class ChannelBackend(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> SendResult: ...


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def indian_mobile(phone: str) -> str:
    """The 10-digit number of an Indian mobile written as +91..., 91..., 0... or bare."""
    digits = _digits(phone)
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    return digits


def _retryable_status(status: int) -> bool:
    return status == 429 or status >= 500


# --- Console ---------------------------------------------------------------------------------


class ConsoleBackend:
    """Writes each message to the log instead of sending it (the default of every channel)."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.name = "console"

    def send(self, message: OutgoingMessage) -> SendResult:
        # The text only with DEBUG on (`make run`): a production server left on this
        # backend must not write customers' messages into its logs.
        if settings.DEBUG:
            logger.info(
                "%s to %s%s: %s",
                self.channel,
                message.to,
                f" (template {message.template} {message.params})" if message.template else "",
                message.body,
            )
        else:
            logger.info(
                "%s to %s: <%d characters, shown with DEBUG only>",
                self.channel,
                message.to,
                len(message.body),
            )
        return SendResult(accepted=True, provider_id="", response="logged")


# --- SMS: notify's backends -----------------------------------------------------------------


class SmsChannelBackend:
    """The SMS channel through notify's provider (console, or the legacy's bulk-SMS gateway)."""

    def __init__(self) -> None:
        self.backend = sms_backend()
        self.name = f"sms:{self.backend.name}"

    def send(self, message: OutgoingMessage) -> SendResult:
        result = self.backend.send(
            to=indian_mobile(message.to), body=message.body, template_id=message.template
        )
        # The gateway answers "<code>|<mobile>:<request id>"; the request id is its id.
        provider_id = result.response.rsplit(":", 1)[-1] if result.accepted else ""
        return SendResult(
            accepted=result.accepted,
            provider_id=provider_id[:100],
            response=result.response,
            retryable=not result.accepted and "HTTP 4" not in result.response,
        )


# --- E-mail: Django's SMTP backend ----------------------------------------------------------


class SmtpEmailBackend:
    """Django's SMTP backend, the "default" of settings.MAILERS."""

    name = "smtp"

    def send(self, message: OutgoingMessage) -> SendResult:
        message_id = make_msgid(domain="lebrq")
        email = EmailMessage(
            subject=message.subject or settings.PLATFORM_NAME,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"Message-ID": message_id},
        )
        try:
            sent = mailers["default"].send_messages([email])
        except (OSError, smtplib.SMTPException) as exc:
            # A refused address will not pass later; a server that is down or busy may.
            permanent = isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPSenderRefused)
            return SendResult(
                accepted=False,
                response=f"{type(exc).__name__}: {exc}"[:1000],
                retryable=not permanent,
            )
        return SendResult(accepted=bool(sent), provider_id=message_id[:100], response="250")


# --- WhatsApp: Route Mobile -----------------------------------------------------------------


class RouteMobileBackend:
    """Route Mobile's WhatsApp Business API as the legacy used it: a JWT from
    POST <base>/auth/v1/login/ ({"JWTAUTH": token}), then POST <base>/wba/v1/messages with
    {"phone": 10 digits, "media": {"type": "media_template", "template_name", "lang_code",
    "body": [{"text": variable}...]}} for a template, {"phone", "text"} for a session reply.
    """

    name = "routemobile"
    _token_lock = threading.Lock()
    _token: tuple[str, float] | None = None

    def __init__(self) -> None:
        if not settings.ROUTE_MOBILE_BASE_URL:
            raise ImproperlyConfigured(
                "MESSAGING_WHATSAPP_BACKEND=routemobile needs ROUTE_MOBILE_BASE_URL."
            )
        self.base = settings.ROUTE_MOBILE_BASE_URL.rstrip("/")

    def _login(self, client: httpx.Client) -> str:
        with self._token_lock:
            cached = RouteMobileBackend._token
            if cached and cached[1] > time.monotonic():
                return cached[0]
            response = client.post(
                f"{self.base}/auth/v1/login/",
                json={
                    "username": settings.ROUTE_MOBILE_USERNAME,
                    "password": settings.ROUTE_MOBILE_PASSWORD,
                },
            )
            response.raise_for_status()
            data = response.json()
            token = str(data.get("JWTAUTH") or data.get("access_token") or "")
            if not token:
                raise httpx.HTTPError("Route Mobile's login answered no token")
            # Its tokens live an hour; keep one 55 minutes.
            RouteMobileBackend._token = (token, time.monotonic() + 55 * 60)
            return token

    @classmethod
    def forget_token(cls) -> None:
        with cls._token_lock:
            cls._token = None

    def payload(self, message: OutgoingMessage) -> dict[str, Any]:
        phone = indian_mobile(message.to)
        if not message.template:
            return {"phone": phone, "text": message.body}
        return {
            "phone": phone,
            "media": {
                "type": "media_template",
                "template_name": message.template,
                "lang_code": settings.ROUTE_MOBILE_LANGUAGE,
                # It refuses empty variables and templates without any.
                "body": [{"text": str(value).strip() or "N/A"} for value in message.params]
                or [{"text": " "}],
            },
        }

    def send(self, message: OutgoingMessage) -> SendResult:
        try:
            with httpx.Client(timeout=settings.MESSAGING_PROVIDER_TIMEOUT_SECONDS) as client:
                token = self._login(client)
                response = client.post(
                    f"{self.base}/wba/v1/messages",
                    json=self.payload(message),
                    headers={"Authorization": f"Bearer {token}"},
                )
                if response.status_code == 401:
                    self.forget_token()
        except httpx.HTTPError as exc:
            return SendResult(
                accepted=False, response=f"{type(exc).__name__}: {exc}", retryable=True
            )
        text = response.text[:1000]
        if not 200 <= response.status_code < 300:
            return SendResult(
                accepted=False,
                response=f"HTTP {response.status_code}: {text}",
                retryable=_retryable_status(response.status_code) or response.status_code == 401,
            )
        try:
            data = response.json()
        except ValueError:
            data = {}
        provider_id = str(data.get("mid") or data.get("message_id") or data.get("id") or "")
        return SendResult(accepted=True, provider_id=provider_id[:100], response=text)


# --- WhatsApp: Twilio -----------------------------------------------------------------------


class _RebasedHttpClient:
    """Twilio's HTTP client sending to another base URL (TWILIO_API_BASE_URL: the tests' fake
    of Twilio's API on loopback); everything else is the wrapped client's."""

    TWILIO_API = "https://api.twilio.com"

    def __init__(self, inner: Any, base: str) -> None:
        self.inner = inner
        self.base = base

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(self.TWILIO_API):
            url = self.base + url.removeprefix(self.TWILIO_API)
        return self.inner.request(method, url, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class TwilioBackend:
    """WhatsApp through Twilio's Messages API with its official client (`twilio`): a
    template is a Content SID (TWILIO_TEMPLATES maps our template names to them) with its
    variables; a session reply is a plain body."""

    name = "twilio"

    def __init__(self) -> None:
        if not (settings.TWILIO_ACCOUNT_SID and settings.TWILIO_AUTH_TOKEN):
            raise ImproperlyConfigured(
                "MESSAGING_WHATSAPP_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."
            )

    def _client(self) -> Any:
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        http_client = TwilioHttpClient(timeout=settings.MESSAGING_PROVIDER_TIMEOUT_SECONDS)
        base = settings.TWILIO_API_BASE_URL.rstrip("/")
        return Client(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=_RebasedHttpClient(http_client, base) if base else http_client,
        )

    def send(self, message: OutgoingMessage) -> SendResult:
        import json

        from twilio.base.exceptions import TwilioException, TwilioRestException

        digits = indian_mobile(message.to)
        to = f"whatsapp:+91{digits}" if len(digits) == 10 else f"whatsapp:+{_digits(message.to)}"
        arguments: dict[str, Any] = {"from_": f"whatsapp:{settings.TWILIO_WHATSAPP_FROM}", "to": to}
        content_sid = settings.TWILIO_TEMPLATES.get(message.template) if message.template else None
        if content_sid:
            arguments["content_sid"] = content_sid
            arguments["content_variables"] = json.dumps(
                {str(n): value for n, value in enumerate(message.params, start=1)}
            )
        else:
            arguments["body"] = message.body
        try:
            sent = self._client().messages.create(**arguments)
        except TwilioRestException as exc:
            return SendResult(
                accepted=False,
                response=f"HTTP {exc.status}: {exc.code} {exc.msg}"[:1000],
                retryable=_retryable_status(int(exc.status)),
            )
        except (TwilioException, OSError) as exc:
            return SendResult(
                accepted=False, response=f"{type(exc).__name__}: {exc}", retryable=True
            )
        return SendResult(
            accepted=sent.status not in ("failed", "undelivered"),
            provider_id=str(sent.sid or "")[:100],
            response=str(sent.status or ""),
        )


def backend_for(channel: str) -> ChannelBackend:
    """The configured backend of a channel."""
    if channel == Channel.SMS:
        return SmsChannelBackend()
    if channel == Channel.EMAIL:
        choice = settings.MESSAGING_EMAIL_BACKEND
        backends: dict[str, type[Any]] = {"smtp": SmtpEmailBackend}
    elif channel == Channel.WHATSAPP:
        choice = settings.MESSAGING_WHATSAPP_BACKEND
        backends = {"routemobile": RouteMobileBackend, "twilio": TwilioBackend}
    else:
        raise ImproperlyConfigured(f"No such channel: {channel!r}.")
    if choice == "console":
        return ConsoleBackend(channel)
    try:
        backend: ChannelBackend = backends[choice]()
    except KeyError:
        raise ImproperlyConfigured(
            f"The {channel} backend must be console or one of {', '.join(backends)}, "
            f"not {choice!r}."
        ) from None
    return backend
