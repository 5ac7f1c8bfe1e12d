"""Tokens the legacy backend issued, accepted during the cut-over (docs/CUTOVER.md).

The legacy signed its bearer tokens with PyJWT, HS256, its own SECRET_KEY; claims `sub` (the
user id as a string, or the username in register tokens), `uid`, `username`, `iat`, `exp`
(12 h). A customer logged in on the old app keeps working after the switch only if
LEGACY_JWT_SECRET holds that secret, and only until LEGACY_JWT_ACCEPT_UNTIL; with either unset
no legacy token is ever accepted. The user is found as the legacy found it: `uid`, else `sub`
as an id when it is all digits, else the username (`username` or `sub`). Legacy ids are kept
by `manage.py import_legacy`, so the ids name the same people.
"""

from datetime import datetime

import jwt
from django.conf import settings
from django.utils import timezone

from accounts.models import User

LEGACY_ALGORITHM = "HS256"


def legacy_tokens_accepted(now: datetime | None = None) -> bool:
    secret: str = settings.LEGACY_JWT_SECRET
    until: datetime | None = settings.LEGACY_JWT_ACCEPT_UNTIL
    if not secret or until is None:
        return False
    return (now or timezone.now()) < until


def legacy_token_user(raw_token: str) -> User | None:
    """The active user a legacy token names, or None (bad signature, expired, unknown user,
    or legacy tokens not accepted now)."""
    if not legacy_tokens_accepted():
        return None
    try:
        claims = jwt.decode(
            raw_token,
            settings.LEGACY_JWT_SECRET,
            algorithms=[LEGACY_ALGORITHM],
            options={"require": ["exp", "iat"]},
        )
    except jwt.PyJWTError:
        return None
    users = User.objects.filter(is_active=True)
    uid = claims.get("uid")
    if uid is not None:
        return users.filter(pk=uid).first() if isinstance(uid, int) else None
    sub = claims.get("sub")
    user = None
    if isinstance(sub, str) and sub.isdigit():
        user = users.filter(pk=int(sub)).first()
    username = claims.get("username") or sub
    if user is None and isinstance(username, str) and username:
        user = users.filter(username=username).first()
    return user
