"""Staff writes of spaces on the legacy paths whose reads are public:
POST /venues/{id}/spaces, PATCH and DELETE /venues/spaces/{id}."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from bookings import services
from bookings.api import serializers
from bookings.api.staff_serializers import SpaceWriteSerializer
from bookings.api.views import LegacySpaceViewSet, VenueSpacesViewSet
from lebrq.api.permissions import IsStaff

ERRORS = {
    400: OpenApiResponse(description="A field or option table breaks its schema; nothing saved."),
    403: OpenApiResponse(description="Staff only."),
    404: OpenApiResponse(description="No such venue or space."),
}


class PublicReadsStaffWrites:
    """Reads stay public (no token read, docs/DESIGN.md); writes need a staff login.

    The legacy serves both on one path, and Django routes a path to one view, so the view picks
    its authenticators by method. ViewSet.as_view sets self.request (Django's request) before
    DRF asks for them.
    """

    request: Any

    def _reading(self) -> bool:
        # No request while the OpenAPI schema is generated: document the reads.
        return self.request is None or self.request.method in SAFE_METHODS

    def get_authenticators(self) -> list[BaseAuthentication]:
        if self._reading():
            return []
        authenticators: list[type[BaseAuthentication]] = api_settings.DEFAULT_AUTHENTICATION_CLASSES  # type: ignore[assignment]  # the stubs type the setting as str
        return [authenticator() for authenticator in authenticators]

    def get_permissions(self) -> list[BasePermission]:
        if self._reading():
            return [AllowAny()]
        return [IsStaff()]


class VenueSpacesWithCreateViewSet(PublicReadsStaffWrites, VenueSpacesViewSet):
    @extend_schema(
        tags=["staff"],
        summary="Add a space to the venue",
        request=SpaceWriteSerializer,
        responses={201: serializers.SpaceSerializer, **ERRORS},
    )
    def create(self, request: Request, venue_pk: int) -> Response:
        body = SpaceWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        space = services.space_create(venue_id=venue_pk, values=body.values())
        return Response(serializers.SpaceSerializer(space).data, status=status.HTTP_201_CREATED)


class SpaceDetailWithWritesViewSet(PublicReadsStaffWrites, LegacySpaceViewSet):
    @extend_schema(
        tags=["staff"],
        summary="Change a space: its prices, options, features, active flag...",
        request=SpaceWriteSerializer,
        responses={200: serializers.SpaceSerializer, **ERRORS},
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        body = SpaceWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        space = services.space_update(
            space_id=pk, values=body.values(), remove_feature_ids=body.remove_feature_ids()
        )
        return Response(serializers.SpaceSerializer(space).data)

    @extend_schema(
        tags=["staff"],
        summary="Delete a space no booking or item refers to",
        responses={
            204: None,
            409: OpenApiResponse(description="Bookings or items refer to it: deactivate it."),
            **ERRORS,
        },
    )
    def destroy(self, request: Request, pk: int) -> Response:
        services.space_delete(space_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
