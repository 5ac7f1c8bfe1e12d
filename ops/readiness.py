"""What /api/health/ready looks at besides the database: the services several app servers
share, when they are configured (docs/SCALING.md, Health of the shared services).

Only the database decides readiness: without it nothing can be served, so the probe answers
503. The shared cache and the bucket are reported but do not fail the probe: the app degrades
without them (rate limits and revocations fall back, logged; only file transfers need the
bucket), every app server would fail alike, and a balancer taking them all out would turn a
partial outage into a whole one. Monitoring alerts on the reported names instead.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage

from lebrq.cache import CACHE_ERRORS
from lebrq.object_storage import in_bucket

logger = logging.getLogger(__name__)

# The probe is public and never shed: at most one bucket request per process in this many
# seconds, whatever the probe rate (a HeadBucket is billed by the provider).
BUCKET_CHECK_INTERVAL_SECONDS = 10.0
_CACHE_PROBE_KEY = "lebrq:readiness"

_bucket_lock = threading.Lock()
_bucket_results: dict[tuple[str, str], tuple[float, str]] = {}


def check_cache() -> str | None:
    """ "ok" or the error's class name when the cache is shared (REDIS_URL); None otherwise
    (a per-process cache cannot be away)."""
    if not settings.REDIS_URL:
        return None
    try:
        cache.get(_CACHE_PROBE_KEY)
    except CACHE_ERRORS as exc:
        logger.warning("Readiness check: shared cache unavailable: %s", exc)
        return type(exc).__name__
    return "ok"


def check_bucket() -> str | None:
    """ "ok" or the error's class name when files live in a bucket; None when they are on this
    machine's disk. A result is reused for BUCKET_CHECK_INTERVAL_SECONDS."""
    storage = default_storage
    if not in_bucket(storage):
        return None
    key = storage.bucket_identity()
    now = time.monotonic()
    with _bucket_lock:
        cached = _bucket_results.get(key)
        if cached is not None and now - cached[0] < BUCKET_CHECK_INTERVAL_SECONDS:
            return cached[1]
        # Claimed before asking: probes arriving meanwhile answer the previous result (or
        # "checking" the first time) rather than queue behind a bucket that may be slow.
        _bucket_results[key] = (now, cached[1] if cached else "checking")
    try:
        storage.check_reachable()
        result = "ok"
    except Exception as exc:  # any failure of the provider's client is "not reachable"
        logger.warning("Readiness check: bucket unavailable: %s", exc)
        result = type(exc).__name__
    with _bucket_lock:
        _bucket_results[key] = (now, result)
    return result
