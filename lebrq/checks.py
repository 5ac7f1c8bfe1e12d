"""System checks of the project package's own settings."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

from lebrq import db_routers


@register(Tags.caches)
def replica_pins_are_shared(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With a read replica, the pins that send a writer's reads to the primary live in the
    cache: a per-process cache would let the writer's next request, served by another worker,
    read the lagging replica."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if db_routers.replica_configured() and backend.endswith(("LocMemCache", "DummyCache")):
        return [
            CheckWarning(
                "DATABASE_REPLICA_URL is set but the cache is per process: a user's reads "
                "pinned to the primary after a write are pinned in one worker only.",
                hint="Set REDIS_URL (or CACHE_URL) to a cache every app server shares.",
                id="lebrq.W001",
            )
        ]
    return []
