"""django-axes' database handler, kept to the admin site.

AXES_ONLY_ADMIN_SITE stops axes from refusing API logins, but axes still records every failed
authenticate() of the site, API logins included: an attacker looping on /api/auth/login would
cost a database write per attempt and lock the staff out of the admin from that address. The
API's login has its own rate limits (THROTTLE_RATES), so here only the admin's attempts count.
"""

from typing import Any

from axes.handlers.database import AxesDatabaseHandler


class AdminOnlyDatabaseHandler(AxesDatabaseHandler):  # type: ignore[misc]
    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is not None and self.is_admin_request(request):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
        if request is not None and self.is_admin_request(request):
            super().user_logged_in(sender, request, user, **kwargs)
