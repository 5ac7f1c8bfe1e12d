"""The user behind a Django (non-API) request, typed as our User."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User


def staff_user(request: HttpRequest) -> User:
    """The staff member making an admin request.

    The admin site lets only active staff reach its views, but request.user is typed
    `User | AnonymousUser`: this narrows it once, and refuses (403) anyone else should a view
    ever be reached without the admin's check.
    """
    user = request.user
    if not isinstance(user, User) or not user.is_staff:
        raise PermissionDenied
    return user
