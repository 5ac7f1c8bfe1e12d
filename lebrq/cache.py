"""What the shared cache raises when it cannot be reached.

With REDIS_URL, Django's RedisCache raises the redis client's errors; other backends raise
OSError. Rate limits and token revocations catch these to degrade (logged) instead of
failing every request while the cache is away.
"""

from redis.exceptions import RedisError

CACHE_ERRORS: tuple[type[Exception], ...] = (RedisError, OSError)
