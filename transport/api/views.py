"""Vehicles, vehicle bookings and locations, with the legacy's paths and shapes
(routers/vehicles.py, routers/locations.py).

Staff (the legacy's require_role("admin")): GET/POST /vehicles, PUT/DELETE /vehicles/{id},
POST /vehicles/{id}/upload-image. Anyone: GET /vehicles/available and the three /locations
calls (the screens send no token). Logged in, as the booking's owner or staff:
POST /vehicles/bookings.
"""

from typing import Any

from django.http import HttpRequest
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from lebrq.api.permissions import IsStaff
from lebrq.api.views import PublicAPIView
from transport import locations, selectors, services
from transport.api import serializers
from transport.selectors import Window
from uploads.api.serializers import UploadRequestSerializer
from uploads.api.views import uploaded_files
from uploads.choices import UploadKind
from uploads.parsers import StrictMultiPartParser
from uploads.uploadhandlers import SizeLimitedUploadHandler

_STAFF_ERRORS = {
    401: OpenApiResponse(description="Not logged in."),
    403: OpenApiResponse(description="Not staff."),
}


def _success_schema(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


@extend_schema(tags=["transport"])
class VehicleCollectionView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[serializers.StaffListQuerySerializer],
        responses={200: serializers.VehicleSerializer(many=True), **_STAFF_ERRORS},
        summary="Every vehicle, smallest first (skip/limit; at most 100 a page)",
    )
    def get(self, request: Request) -> Response:
        query = serializers.StaffListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.vehicles_staff_list(**query.validated_data)
        return Response(serializers.VehicleSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.VehicleWriteSerializer,
        responses={201: _success_schema("{success, message, code, data: {id}}"), 400: None},
    )
    def post(self, request: Request) -> Response:
        body = serializers.VehicleWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vendor_id, _ = body.vendor()
        vehicle = services.vehicle_create(values=body.values(), vendor_id=vendor_id)
        return Response(
            serializers.success("Vehicle created", "CREATED", {"id": vehicle.pk}),
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["transport"])
class VehicleItemView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.VehicleWriteSerializer,
        responses={200: _success_schema("{success, message, code, data: {id}}"), 404: None},
    )
    def put(self, request: Request, vehicle_id: int) -> Response:
        body = serializers.VehicleWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        vendor_id, set_vendor = body.vendor()
        vehicle = services.vehicle_update(
            vehicle_id=vehicle_id, values=body.values(), vendor_id=vendor_id, set_vendor=set_vendor
        )
        return Response(serializers.success("Vehicle updated", "UPDATED", {"id": vehicle.pk}))

    @extend_schema(
        responses={200: _success_schema("{success, message, code, data: {id}}"), 404: None},
        summary="Deactivate (the legacy's soft delete: its bookings keep referring to it)",
    )
    def delete(self, request: Request, vehicle_id: int) -> Response:
        vehicle = services.vehicle_deactivate(vehicle_id=vehicle_id)
        return Response(serializers.success("Vehicle deleted", "DELETED", {"id": vehicle.pk}))


@extend_schema(tags=["transport"])
class VehicleImageView(APIView):
    permission_classes = [IsStaff]
    parser_classes = [StrictMultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: an oversized picture is stopped early.
        request.upload_handlers = [SizeLimitedUploadHandler(request, UploadKind.IMAGE)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            200: _success_schema("{success, message, code, data: {image_url}}"),
            400: None,
            404: None,
            413: None,
            415: None,
        },
    )
    def post(self, request: Request, vehicle_id: int) -> Response:
        vehicle = services.vehicle_image_set(
            vehicle_id=vehicle_id,
            uploaded_files=uploaded_files(request),
            owner=authenticated_user(request),
        )
        return Response(
            serializers.success("Image uploaded", "SUCCESS", {"image_url": vehicle.image_url})
        )


@extend_schema(tags=["transport"])
class VehiclesAvailableView(PublicAPIView):
    @extend_schema(
        parameters=[serializers.AvailableQuerySerializer],
        responses={200: _success_schema("{vehicles: [...], total_count, available_count}")},
        summary="Active vehicles seating the party (and free in the window, when one is sent)",
    )
    def get(self, request: Request) -> Response:
        query = serializers.AvailableQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        window = (
            Window(start=data["start_datetime"], end=data["end_datetime"])
            if "start_datetime" in data
            else None
        )
        vehicles, total = selectors.vehicles_available(guests=data["guests"], window=window)
        return Response(
            {
                "vehicles": serializers.VehicleSerializer(vehicles, many=True).data,
                "total_count": total,
                "available_count": len(vehicles),
            }
        )


@extend_schema(tags=["transport"])
class VehicleBookingCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=serializers.VehicleBookingCreateSerializer,
        responses={
            200: serializers.VehicleBookingSerializer,
            400: None,
            401: None,
            403: None,
            404: None,
            409: None,
            503: None,
        },
        summary="Attach a vehicle to a booking, priced and measured by the server",
    )
    def post(self, request: Request) -> Response:
        body = serializers.VehicleBookingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        row, _ = services.vehicle_booking_create(
            actor=authenticated_user(request), request=body.booking_request()
        )
        return Response(serializers.VehicleBookingSerializer(row).data)


# --- Locations -----------------------------------------------------------------------------


@extend_schema(tags=["locations"])
class OfficeAddressView(PublicAPIView):
    @extend_schema(responses={200: _success_schema("{address, simplified_address, name}")})
    def get(self, request: Request) -> Response:
        office = locations.office_address()
        return Response(
            {
                "address": office.address,
                "simplified_address": office.simplified_address,
                "name": office.name,
            }
        )


@extend_schema(tags=["locations"])
class AutocompleteView(PublicAPIView):
    @extend_schema(
        parameters=[serializers.AutocompleteQuerySerializer],
        responses={200: _success_schema("{predictions: [...], status: 'OK'}"), 503: None},
    )
    def get(self, request: Request) -> Response:
        query = serializers.AutocompleteQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        places = locations.autocomplete(
            data["input"], country_codes=locations.country_codes_from(data.get("components"))
        )
        return Response(
            {"predictions": [serializers.prediction(p) for p in places], "status": "OK"}
        )


@extend_schema(tags=["locations"])
class DistanceView(PublicAPIView):
    @extend_schema(
        parameters=[serializers.DistanceQuerySerializer],
        responses={200: _success_schema("{distance_km, distance_text, ...}"), 404: None},
    )
    def get(self, request: Request) -> Response:
        query = serializers.DistanceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        result = locations.distance(data["origin"], data["destination"], data["mode"])
        return Response(serializers.distance_body(result))
