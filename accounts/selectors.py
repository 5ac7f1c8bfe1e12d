from django.db.models import QuerySet

from accounts.models import User


def user_list() -> QuerySet[User]:
    """Every account, oldest first, with only what the staff list shows."""
    return User.objects.only("id", "username", "role").order_by("id")
