"""Staff writes of spaces on the legacy paths whose reads are public:
POST /venues/{id}/spaces, PATCH and DELETE /venues/spaces/{id}."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from bookings import services
from bookings.api import serializers
from bookings.api.staff_serializers import SpaceWriteSerializer
from bookings.api.views import LegacySpaceViewSet, VenueSpacesViewSet
from lebrq.api.views import PublicReadsStaffWrites

ERRORS = {
    400: OpenApiResponse(description="A field or option table breaks its schema; nothing saved."),
    403: OpenApiResponse(description="Staff only."),
    404: OpenApiResponse(description="No such venue or space."),
}


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
