from typing import Any

from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt import authentication


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's Bearer auth that also refuses accounts suspended after the token was issued."""

    def get_user(self, validated_token: Any) -> Any:
        user = super().get_user(validated_token)
        if getattr(user, "is_suspended", False):
            raise AuthenticationFailed("This account is suspended.", code="user_suspended")
        return user
