"""Which views read the replica: the big read-only lists opt in with ReadsFromReplica.

The routing itself, and why customers' own screens never opt in, is lebrq/db_routers.py.
"""

from typing import Any

from django.http.response import HttpResponseBase
from rest_framework.request import Request

from lebrq import db_routers
from lebrq.api.throttling import client_address


class ReadsFromReplica:
    """GET/HEAD of this view read the replica when one is configured (put it first among the
    view's bases), unless its reader wrote within REPLICA_STICKY_SECONDS.

    The scope opens before authentication, which therefore reads the primary, and is allowed
    once the reader is known: by user when signed in, and always by client address too, since
    the public pages (catalog, calendars) read no token: a customer who has just booked, or a
    staff member who has just edited a space, finds it there. One cache round trip (both keys
    in one get_many) per such request. Writes and locks in the view go to the primary whatever
    the scope says.
    """

    _read_scope: db_routers.ReadScope | None = None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not db_routers.replica_configured():
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]  # a mixin: APIView comes after it
        with db_routers.read_scope() as scope:
            self._read_scope = scope
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc,no-any-return]  # a mixin: APIView comes after it

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]  # a mixin: APIView comes after it
        scope = self._read_scope
        if scope is None or request.method not in ("GET", "HEAD"):
            return
        user = request.user
        scope.use_replica = (
            not db_routers.pinned_to_primary(
                user_id=user.pk if user.is_authenticated else None,
                address=client_address(request._request),
            )
            and db_routers.replica_reachable()
        )
