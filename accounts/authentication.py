import hashlib
from typing import Any

import jwt
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from accounts import user_cache
from accounts.legacy_tokens import legacy_token_user
from accounts.models import User
from accounts.tokens import auth_state, is_revoked, state_matches

REVOKED = "This token is no longer valid; please log in again."


class LegacyToken(dict[str, Any]):
    """What request.auth holds for a request made with a legacy token: no claims but its
    digest (its revocation key) and expiry, so logout can revoke it."""

    legacy = True


def legacy_token_digest(raw: str) -> str:
    return "legacy:" + hashlib.sha256(raw.encode("latin-1")).hexdigest()


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's Bearer auth that also refuses accounts suspended after the token was issued,
    tokens revoked by logout or made stale by a password change (accounts.tokens), and,
    during the cut-over only, accepts the legacy backend's tokens (accounts.legacy_tokens)."""

    def authenticate(self, request: Request) -> Any:
        try:
            return super().authenticate(request)
        except InvalidToken:
            raw = self.get_raw_token(self.get_header(request))
            user = legacy_token_user(raw.decode("latin-1")) if raw else None
            if user is None or raw is None:
                raise
            digest = legacy_token_digest(raw.decode("latin-1"))
            if is_revoked(digest):
                raise AuthenticationFailed(REVOKED, code="token_revoked") from None
            self._refuse_suspended(user)
            # Signature and expiry were checked by legacy_token_user; only `exp` is read here.
            claims = jwt.decode(raw, options={"verify_signature": False})
            return user, LegacyToken(digest=digest, exp=claims["exp"])

    def get_user(self, validated_token: Any) -> Any:
        jti = validated_token.get("jti")
        if jti and is_revoked(str(jti)):
            raise AuthenticationFailed(REVOKED, code="token_revoked")
        user, state = self._user_and_state(validated_token)
        self._refuse_suspended(user)
        if not state_matches(validated_token, state):
            raise AuthenticationFailed(REVOKED, code="token_revoked")
        return user

    def _user_and_state(self, validated_token: Any) -> tuple[User, str]:
        """The token's user and their token state: from the user cache when it holds them
        (accounts.user_cache), else from the row (then cached)."""
        hit = None
        if user_cache.enabled():
            user_id = validated_token.get(jwt_settings.USER_ID_CLAIM)
            if user_id is None:
                raise InvalidToken("Token contained no recognizable user identification")
            hit = user_cache.cached(user_id)
        if hit is not None:
            cached_user, cached_state = hit
            if jwt_settings.CHECK_USER_IS_ACTIVE and not cached_user.is_active:
                raise AuthenticationFailed("User is inactive", code="user_inactive")
            return cached_user, cached_state
        user = super().get_user(validated_token)
        assert isinstance(user, User)  # AUTH_USER_MODEL
        state = auth_state(user)
        if user_cache.enabled():
            user_cache.remember(user, state)
        return user, state

    @staticmethod
    def _refuse_suspended(user: Any) -> None:
        if getattr(user, "is_suspended", False):
            raise AuthenticationFailed("This account is suspended.", code="user_suspended")
