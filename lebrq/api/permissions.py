from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsStaff(BasePermission):
    """Staff and admins (the Django `is_staff` flag); everyone else gets 403."""

    message = "Staff only."

    def has_permission(self, request: Request, view: Any) -> bool:
        # request.user is never None: DRF gives an AnonymousUser when nobody is logged in.
        return bool(request.user.is_authenticated and request.user.is_staff)
