"""System checks: Nominatim's one request a second must be counted where every worker sees it."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.caches)
def nominatim_limiter_is_shared(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.GEOCODER_BACKEND == "nominatim" and backend.endswith("LocMemCache"):
        return [
            CheckWarning(
                "GEOCODER_BACKEND=nominatim counts its one request a second in the cache, and "
                "a local-memory cache is per process: each worker would keep its own count.",
                hint="Set CACHE_URL to a cache all workers share (redis://, dbcache://...).",
                id="transport.W001",
            )
        ]
    return []
