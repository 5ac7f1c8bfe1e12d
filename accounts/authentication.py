from typing import Any

from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts.legacy_tokens import legacy_token_user


class LegacyToken(dict[str, Any]):
    """What request.auth holds for a request made with a legacy token (claims are not kept)."""

    legacy = True


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's Bearer auth that also refuses accounts suspended after the token was issued,
    and, during the cut-over only, accepts the legacy backend's tokens (accounts.legacy_tokens)."""

    def authenticate(self, request: Request) -> Any:
        try:
            return super().authenticate(request)
        except InvalidToken:
            raw = self.get_raw_token(self.get_header(request))
            user = legacy_token_user(raw.decode("latin-1")) if raw else None
            if user is None:
                raise
            self._refuse_suspended(user)
            return user, LegacyToken()

    def get_user(self, validated_token: Any) -> Any:
        user = super().get_user(validated_token)
        self._refuse_suspended(user)
        return user

    @staticmethod
    def _refuse_suspended(user: Any) -> None:
        if getattr(user, "is_suspended", False):
            raise AuthenticationFailed("This account is suspended.", code="user_suspended")
