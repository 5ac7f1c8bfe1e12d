from typing import Any

from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from lebrq.api.permissions import IsStaff


class PublicAPIView(APIView):
    """A view anyone may call (viewsets put it first among their bases): no login asked, and
    none read, so a stale token the browser still sends can never turn a public page into a
    401."""

    permission_classes = [AllowAny]
    authentication_classes = []


class PublicReadsStaffWrites:
    """Reads public like PublicAPIView (no token read); writes need `write_permission_classes`
    (staff by default). Put it first among a view's bases.

    The legacy serves both on one path, and Django routes a path to one view, so the view picks
    its authenticators and permissions by method. There is no request while the OpenAPI schema
    is generated: the reads are documented then.
    """

    request: Any
    write_permission_classes: list[type[BasePermission]] = [IsStaff]

    def _reading(self) -> bool:
        return self.request is None or self.request.method in SAFE_METHODS

    def get_authenticators(self) -> list[BaseAuthentication]:
        if self._reading():
            return []
        authenticators: list[type[BaseAuthentication]] = api_settings.DEFAULT_AUTHENTICATION_CLASSES  # type: ignore[assignment]  # the stubs type the setting as str
        return [authenticator() for authenticator in authenticators]

    def get_permissions(self) -> list[BasePermission]:
        if self._reading():
            return [AllowAny()]
        return [permission() for permission in self.write_permission_classes]
