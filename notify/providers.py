"""SMS providers behind one interface: a console backend (the default: the text goes to the
log, so `make run` works with no account) and the legacy's bulk-SMS HTTP gateway."""

import logging
from dataclasses import dataclass
from typing import Protocol

import httpx
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("notify.sms")

# Words in a 200 answer by which the gateway says it refused the message.
GATEWAY_ERROR_WORDS = ("error", "fail", "invalid", "rejected", "denied")


@dataclass(frozen=True)
class SmsResult:
    accepted: bool
    response: str


class SmsBackend(Protocol):
    name: str

    def send(self, *, to: str, body: str, template_id: str) -> SmsResult: ...


class ConsoleSmsBackend:
    """Writes each message to the log instead of sending it.

    The text itself only with DEBUG on (`make run`: the developer reads the OTP there). A
    production server left on this backend must not write one-time codes into its logs.
    """

    name = "console"

    def send(self, *, to: str, body: str, template_id: str) -> SmsResult:
        shown = body if settings.DEBUG else f"<{len(body)} characters, shown with DEBUG only>"
        logger.info("SMS to %s (template %s): %s", to, template_id or "-", shown)
        return SmsResult(accepted=True, response="logged")


class BulkSmsGatewayBackend:
    """The bulk-SMS gateway the legacy used: a form POST to <base>/bulksms/bulksms.

    It answers 200 with "<code>|<mobile>:<request id>"; codes starting 17 mean accepted.
    Indian DLT rules need the entity, template and telemarketer ids on every message.
    """

    name = "bulksms"

    def __init__(self) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise ImproperlyConfigured("SMS_BACKEND=bulksms needs SMS_GATEWAY_URL.")
        self.url = settings.SMS_GATEWAY_URL.rstrip("/") + "/bulksms/bulksms"

    def send(self, *, to: str, body: str, template_id: str) -> SmsResult:
        form = {
            "username": settings.SMS_GATEWAY_USERNAME,
            "password": settings.SMS_GATEWAY_PASSWORD,
            "type": "0",
            "dlr": "0",
            "destination": to,
            "source": settings.SMS_SENDER_ID,
            "message": body,
            "entityid": settings.SMS_ENTITY_ID,
            "tempid": template_id,
            "tmid": settings.SMS_TM_ID,
        }
        try:
            response = httpx.post(self.url, data=form, timeout=settings.SMS_TIMEOUT_SECONDS)
        except httpx.HTTPError as exc:
            return SmsResult(accepted=False, response=f"{type(exc).__name__}: {exc}")
        text = response.text.strip()[:1000]
        if response.status_code != 200:
            return SmsResult(accepted=False, response=f"HTTP {response.status_code}: {text}")
        refused = any(word in text.lower() for word in GATEWAY_ERROR_WORDS)
        code = text.split("|", 1)[0].strip()
        return SmsResult(accepted=not refused and code.startswith("17"), response=text)


BACKENDS: dict[str, type[ConsoleSmsBackend] | type[BulkSmsGatewayBackend]] = {
    "console": ConsoleSmsBackend,
    "bulksms": BulkSmsGatewayBackend,
}


def sms_backend() -> SmsBackend:
    try:
        backend_class = BACKENDS[settings.SMS_BACKEND]
    except KeyError:
        raise ImproperlyConfigured(
            f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {settings.SMS_BACKEND!r}."
        ) from None
    return backend_class()
