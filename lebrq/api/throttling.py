"""Rate limits on the endpoints an attacker loops on, counted in the shared cache.

DRF's SimpleRateThrottle keeps each client's recent request times in the default cache: with
REDIS_URL set every worker counts in the same place, so four workers do not give an attacker
four times the rate. A refused request is DRF's Throttled, which the API's exception handler
answers 429 + Retry-After in the error shape.

Rates come from settings.THROTTLE_RATES ({scope: "N/period"}, a missing or empty rate means
no limit), read on every request rather than once at import as DRF's own THROTTLE_RATES is,
so a deployment (and a test) changes them without code.
"""

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from lebrq.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)


class SettingsRateThrottle(SimpleRateThrottle):
    """A SimpleRateThrottle whose rate is settings.THROTTLE_RATES[scope]; subclasses say
    whom the count belongs to (`identity`) and may limit only some methods."""

    # Only requests with these methods count (reads of the same view are never limited).
    methods: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "DELETE"})

    def allow_request(self, request: Request, view: APIView) -> bool:
        # A rate limit is a guard, not the service: with the cache down, requests pass (and
        # the log says so) rather than every login failing with a 500.
        try:
            return bool(super().allow_request(request, view))
        except CACHE_ERRORS:
            logger.warning("Rate limit %s not checked: the cache is unreachable.", self.scope)
            return True

    def get_rate(self) -> str | None:
        rates: dict[str, str] = settings.THROTTLE_RATES
        return rates.get(self.scope or "") or None

    def identity(self, request: Request, view: APIView) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.method not in self.methods:
            return None
        identity = self.identity(request, view)
        if identity is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": identity}


class ClientAddressThrottle(SettingsRateThrottle):
    """Counted per client address (REMOTE_ADDR, or the address nginx saw when NUM_PROXIES
    says how many proxies stand in front)."""

    def identity(self, request: Request, view: APIView) -> str | None:
        return str(self.get_ident(request))


class AccountThrottle(SettingsRateThrottle):
    """Counted per account named in the body (`account_field`), whoever sends it: guessing
    one account's password from many addresses is slowed too. Hashed, so the cache key is
    short and safe whatever the client typed."""

    account_field = "username"

    def identity(self, request: Request, view: APIView) -> str | None:
        data: Any = request.data
        value = data.get(self.account_field) if hasattr(data, "get") else None
        if not isinstance(value, str) or not value.strip():
            return None
        normalised = "".join(value.split()).lower()
        return hashlib.sha256(normalised.encode()).hexdigest()[:32]


class UserThrottle(SettingsRateThrottle):
    """Counted per logged-in user (anonymous requests per address)."""

    def identity(self, request: Request, view: APIView) -> str | None:
        user = request.user
        if user.is_authenticated:
            return f"user-{user.pk}"
        return str(self.get_ident(request))


# --- The scopes (THROTTLE_RATES keys) -------------------------------------------------------


class LoginAddressThrottle(ClientAddressThrottle):
    scope = "login_ip"


class LoginAccountThrottle(AccountThrottle):
    scope = "login_account"


class RegisterAddressThrottle(ClientAddressThrottle):
    scope = "register_ip"


class OtpAddressThrottle(ClientAddressThrottle):
    scope = "otp_ip"


class OtpMobileThrottle(AccountThrottle):
    scope = "otp_account"
    account_field = "mobile"


class PasswordResetAddressThrottle(ClientAddressThrottle):
    scope = "password_reset_ip"


class PasswordResetMobileThrottle(AccountThrottle):
    scope = "password_reset_account"
    account_field = "mobile"


class UploadThrottle(UserThrottle):
    scope = "upload"


class BookingCreateThrottle(UserThrottle):
    """Only the actions that make bookings (one, or a series) count."""

    scope = "booking_create"
    creating_actions = frozenset({"create", "series"})

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if getattr(view, "action", None) not in self.creating_actions:
            return None
        return super().get_cache_key(request, view)


def client_address(request: HttpRequest) -> str:
    """The client address as the throttles count it (django-axes asks the same)."""
    # get_ident reads only headers and META, which a plain HttpRequest has too.
    return str(BaseThrottle().get_ident(request))  # type: ignore[arg-type]
