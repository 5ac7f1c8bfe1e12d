"""Is an inbound WhatsApp callback really from our provider? Route Mobile sends the shared
token we gave it (ROUTE_MOBILE_WEBHOOK_TOKEN) in X-Webhook-Token; Twilio signs each request
with our auth token (X-Twilio-Signature, checked by its official validator). The legacy took
any POST: anyone could write into the staff's inbox and make us message any number."""

import hmac
from collections.abc import Mapping

from django.conf import settings


def route_mobile_token_ok(token: str) -> bool:
    expected: str = settings.ROUTE_MOBILE_WEBHOOK_TOKEN
    # No token configured refuses everything rather than accepting everything.
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def twilio_signature_ok(*, url: str, params: Mapping[str, str], signature: str) -> bool:
    from twilio.request_validator import RequestValidator

    if not settings.TWILIO_AUTH_TOKEN or not signature:
        return False
    return bool(RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, dict(params), signature))
