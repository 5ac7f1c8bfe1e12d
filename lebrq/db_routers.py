"""A read replica for the big read-only lists; the primary for everything else.

Without DATABASE_REPLICA_URL none of this runs: settings.DATABASE_ROUTERS is empty and
PinWritersToPrimaryMiddleware removes itself at start-up (one database, no extra query or
cache call per request).

With it (docs/SCALING.md, "Databases and task workers"):

- A read goes to the replica only inside a read scope that a list view opened and allowed
  (lebrq.api.replica.ReadsFromReplica: the staff lists, the catalog, the calendars), for a
  GET/HEAD whose reader is not pinned to the primary (below), and never inside a transaction
  on the primary. A replica that refuses connections is left alone for REPLICA_RETRY_SECONDS
  (its readers read the primary meanwhile). Every other read (services, the admin, tasks,
  customers' own screens) stays on the primary.
- Every write goes to the primary (db_for_write), and so does every SELECT ... FOR UPDATE:
  Django routes a locking queryset as a write.
- Read your writes: after any request that may have written (every method but
  GET/HEAD/OPTIONS/TRACE), its user and its client address are pinned to the primary for
  REPLICA_STICKY_SECONDS, in the cache (the shared Redis with REDIS_URL, so every app server
  sees the pin). A staff member who approves a booking then reloads the list sees it
  approved; the public pages (catalog, calendars) read no token and go by the address.
- Customers' own lists and details (their bookings, payments, tickets) never read the replica:
  they are small and found by owner through an index, so the primary serves them cheaply, and
  they are where lag would show a customer their own booking missing. Keeping them on the
  primary holds even when a pin is lost (the cache restarted, evicted the key) or the
  replica falls further behind than REPLICA_STICKY_SECONDS; a pin alone would not.
"""

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import LazyObject, empty

from lebrq.middleware import GetResponse, MaybeAwaitableResponse, awaited_response

logger = logging.getLogger(__name__)

PRIMARY = "default"
REPLICA = "replica"
# Methods that never write (RFC 9110's safe methods); any other request pins its reader.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def replica_configured() -> bool:
    """True when DATABASES has a "replica" alias (DATABASE_REPLICA_URL)."""
    return REPLICA in connections.settings


# After the replica refused a connection, its readers read the primary this long before it is
# tried again (not a knob): an outage of the replica costs capacity, not answers.
REPLICA_RETRY_SECONDS = 10.0
_replica_down_until = 0.0


def replica_reachable() -> bool:
    """Whether this thread has, or can open, a connection to the replica. The primary has
    every row the replica has, so reading it instead is always right, only dearer."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning(
            "The read replica is unreachable: its lists read the primary for %.0f s",
            REPLICA_RETRY_SECONDS,
            exc_info=True,
        )
        return False
    return True


class ReadScope:
    """Whether this request's reads may use the replica: decided once the reader is known."""

    use_replica = False


_read_scope: ContextVar[ReadScope | None] = ContextVar("lebrq_read_scope", default=None)


@contextmanager
def read_scope() -> Iterator[ReadScope]:
    """A scope in which reads go to the replica once `use_replica` is set (primary before)."""
    scope = ReadScope()
    token = _read_scope.set(scope)
    try:
        yield scope
    finally:
        _read_scope.reset(token)


class PrimaryReplicaRouter:
    """Reads inside an allowed read scope to the replica; everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        scope = _read_scope.get()
        if scope is None or not scope.use_replica:
            return PRIMARY
        # A transaction reads what it will write from the primary.
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        # The replica holds the primary's rows: an object read from one may point at the other.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica receives the schema through replication, never from `migrate`.
        return db == PRIMARY


# --- Read your writes -------------------------------------------------------------------------


def _pin_keys(user_id: Any, address: str | None) -> list[str]:
    keys = []
    if user_id is not None:
        keys.append(f"replica-pin:user:{user_id}")
    if address:
        keys.append(f"replica-pin:address:{address}")
    return keys


def pin_to_primary(*, user_id: Any, address: str | None) -> None:
    """Send this user's (and this address's) replica reads to the primary for a while."""
    keys = _pin_keys(user_id, address)
    if not keys:
        return
    try:
        cache.set_many(dict.fromkeys(keys, 1), timeout=settings.REPLICA_STICKY_SECONDS)
    except Exception:
        # The write is done and answered; failing its response would be worse than a reader
        # possibly seeing the replica's lag (customers' own screens read the primary anyway).
        logger.exception("Could not pin a writer's reads to the primary database")


def pinned_to_primary(*, user_id: Any, address: str | None) -> bool:
    """Whether a request by this user (or from this address) wrote within the sticky window."""
    keys = _pin_keys(user_id, address)
    if not keys:
        return False
    try:
        return bool(cache.get_many(keys))
    except Exception:
        # Cannot tell: the primary is always right.
        logger.warning("Could not read replica pins; reading the primary", exc_info=True)
        return True


def _resolved_user_id(request: HttpRequest) -> Any:
    """The user's id if something already resolved the user; never a query of its own."""
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        wrapped = user._wrapped
        user = None if wrapped is empty else wrapped
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def _writer(request: HttpRequest) -> dict[str, Any]:
    # Imported here: lebrq.api.throttling imports DRF, which needs settings loaded.
    from lebrq.api.throttling import client_address

    return {"user_id": _resolved_user_id(request), "address": client_address(request)}


class PinWritersToPrimaryMiddleware:
    """After a request that may have written, pins its user and address to the primary.

    DRF sets the authenticated user on the Django request, and the admin's session user is
    loaded by any write it serves, so the user is known here without a query. Pinned before
    the response leaves: the client's next request finds the pin.
    """

    async_capable = True
    sync_capable = True

    def __init__(self, get_response: GetResponse) -> None:
        if not replica_configured():
            raise MiddlewareNotUsed("No read replica (DATABASE_REPLICA_URL).")
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> MaybeAwaitableResponse:
        if self.is_async:
            return self.__acall__(request)
        response = self.get_response(request)
        if request.method not in SAFE_METHODS:
            pin_to_primary(**_writer(request))
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        response = await awaited_response(self.get_response(request))
        if request.method not in SAFE_METHODS:
            # Redis's client blocks; any thread will do (it is thread-safe).
            await sync_to_async(pin_to_primary, thread_sensitive=False)(**_writer(request))
        return response
