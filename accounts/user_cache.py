"""The user row that authentication needs, from the shared cache instead of a query per request.

Every authenticated request loaded its user's row to check the account is active, not
suspended and that the token still matches the password (accounts.tokens): ~1.3 ms of each
list request (issue 24). With AUTH_USER_CACHE_SECONDS set (the default when REDIS_URL is), the
row (its password left out: it loads on the rare request that needs it) and the token state
derived from it are kept in the cache, and dropped whenever the row changes: on save and delete
(signals, and again once the change is committed, so a request racing the transaction cannot
put the old row back), and where services update users in bulk (forget()).

Only a cache every worker shares can be told that a user was suspended: with the per-process
default cache this stays off.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import post_delete, post_save

from accounts.models import User
from lebrq.cache import CACHE_ERRORS

logger = logging.getLogger(__name__)

_PREFIX = "auth-user:v1:"


def _fields() -> list[str]:
    return [f.attname for f in User._meta.concrete_fields if f.attname != "password"]


def enabled() -> bool:
    return bool(settings.AUTH_USER_CACHE_SECONDS > 0)


def _key(user_id: Any) -> str:
    return f"{_PREFIX}{user_id}"


def cached(user_id: Any) -> tuple[User, str] | None:
    """The user (password deferred) and their token state, or None when not cached."""
    try:
        entry = cache.get(_key(user_id))
    except CACHE_ERRORS:
        logger.warning("User cache unreachable: reading the user row instead.")
        return None
    if entry is None:
        return None
    values, state = entry
    user = User.from_db(DEFAULT_DB_ALIAS, _fields(), values)
    assert isinstance(user, User)
    return user, state


def remember(user: User, state: str) -> None:
    values = [getattr(user, name) for name in _fields()]
    try:
        cache.set(_key(user.pk), (values, state), timeout=settings.AUTH_USER_CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("User cache unreachable: the user row is not kept.")


def forget(*user_ids: Any) -> None:
    """Drop these users' rows now and again once the current transaction commits."""
    if not enabled() or not user_ids:
        return
    keys = [_key(user_id) for user_id in user_ids]

    def drop() -> None:
        try:
            cache.delete_many(keys)
        except CACHE_ERRORS:
            logger.error("User cache unreachable: a changed user may be served stale.")

    drop()
    transaction.on_commit(drop)


def _forget_saved(sender: Any, instance: User, **kwargs: Any) -> None:
    forget(instance.pk)


post_save.connect(_forget_saved, sender=User, dispatch_uid="auth-user-cache-save")
post_delete.connect(_forget_saved, sender=User, dispatch_uid="auth-user-cache-delete")
