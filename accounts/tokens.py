"""Bearer tokens that can be taken back.

simplejwt's tokens are stateless: before this, a token outlived logout and password change
(access 12 h, refresh 14 days). Three ways out now, none costing a database query on an
ordinary request:

- Every token carries `ash`, a short HMAC of the user's password hash (Django's own session
  auth hash, as sessions use it). A password change or reset changes it, so every token issued
  before no longer matches the user row that authentication loads anyway. Deactivation and
  suspension are checked on that same row.
- Logout puts the access token's id in the cache until the token would expire (one cache read
  per request; set REDIS_URL so every worker sees it) and blacklists the refresh token.
- Refresh tokens rotate: each use blacklists the old one (simplejwt's token_blacklist).

Tokens issued before `ash` existed have no claim and are accepted until they expire.
"""

import hashlib
import logging
import time
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken, Token

from accounts.models import User
from lebrq.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

AUTH_STATE_CLAIM = "ash"
_REVOKED_PREFIX = "revoked-token:"


def auth_state(user: User) -> str:
    """Changes whenever the user's password does (and with SECRET_KEY)."""
    return user.get_session_auth_hash()[:20]


def token_matches_user(token: Token | dict[str, Any], user: User) -> bool:
    return state_matches(token, auth_state(user))


def state_matches(token: Token | dict[str, Any], state: str) -> bool:
    """The token was issued for the user's current password (`state` is auth_state's)."""
    claim = token.get(AUTH_STATE_CLAIM)
    return claim is None or constant_time_compare(str(claim), state)


def tokens_for(user: User) -> dict[str, str]:
    """A new refresh token (recorded as outstanding) and its access token, legacy-named."""
    refresh = RefreshToken.for_user(user)
    refresh[AUTH_STATE_CLAIM] = auth_state(user)
    return {
        "access_token": str(refresh.access_token),
        "refresh_token": str(refresh),
        "token_type": "bearer",
    }


def _revocation_key(token_id: str) -> str:
    return _REVOKED_PREFIX + hashlib.sha256(token_id.encode()).hexdigest()[:40]


def revoke_until_expiry(token_id: str, expires_at: float) -> None:
    """Refuse a token (by its jti, or a legacy token's digest) until it would expire."""
    remaining = int(expires_at - time.time()) + 1
    if remaining > 0:
        try:
            cache.set(_revocation_key(token_id), True, timeout=remaining)
        except CACHE_ERRORS:
            logger.error("Logout could not revoke an access token: the cache is unreachable.")


def is_revoked(token_id: str) -> bool:
    # With the cache down, tokens are accepted (logged): refusing them all would log every
    # user out for as long as the cache is away.
    try:
        return bool(cache.get(_revocation_key(token_id)))
    except CACHE_ERRORS:
        logger.warning("Token revocations not checked: the cache is unreachable.")
        return False


def tokens_revoke_on_logout(*, user: User, access: Any, refresh: str | None) -> None:
    """Revoke the access token of this request (a simplejwt token or a legacy one) until it
    would expire, and blacklist the refresh token named, if it is this user's and valid."""
    if access is None:
        return
    if getattr(access, "legacy", False):
        revoke_until_expiry(access["digest"], access["exp"])
    else:
        revoke_until_expiry(str(access["jti"]), float(access["exp"]))
    if refresh:
        try:
            token = RefreshToken(refresh)  # type: ignore[arg-type]
        except TokenError:
            return  # expired, forged or already blacklisted: nothing left to revoke
        if str(token.get(jwt_settings.USER_ID_CLAIM)) == str(user.pk):
            token.blacklist()


FLUSH_BATCH = 5000


def expired_tokens_flush() -> int:
    """Delete up to FLUSH_BATCH refresh tokens past their expiry, with their blacklist rows:
    every login adds one (OutstandingToken), and an expired token is refused anyway. Bounded
    per run, so a backlog never makes one long transaction."""
    ids = list(
        OutstandingToken.objects.filter(expires_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )[:FLUSH_BATCH]
    )
    deleted, _ = OutstandingToken.objects.filter(pk__in=ids).delete()
    return deleted
