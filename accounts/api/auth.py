from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from accounts.models import User


def authenticated_user(request: Request) -> User:
    """The logged-in user of a request its view's permissions already required to be
    authenticated, typed as our User (request.user may be AnonymousUser to the type checker)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
