"""The staff bookings screen's other calls: its edit, the "new bookings" badge reset and the
auto-approve switch (app/admin/bookings.tsx, app/admin/bookings/[id].tsx)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from bookings import policies, services
from bookings.api.staff_serializers import (
    AutoApproveResultSerializer,
    AutoApproveSerializer,
    OkMessageSerializer,
    StaffBookingUpdateResultSerializer,
    StaffBookingUpdateSerializer,
)
from bookings.api.views import StaffBookingViewSet
from bookings.models.settings import SettingKey
from lebrq.api.permissions import IsStaff


class StaffBookingEditViewSet(StaffBookingViewSet):
    @extend_schema(
        summary="Staff note, customer note, head count; a status by its lifecycle action",
        request=StaffBookingUpdateSerializer,
        responses={
            200: StaffBookingUpdateResultSerializer,
            400: OpenApiResponse(description="A field is wrong; nothing changed."),
            409: OpenApiResponse(description="The booking cannot move to that status."),
        },
    )
    def partial_update(self, request: Request, pk: int) -> Response:
        body = StaffBookingUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking = services.booking_staff_update(
            booking_id=pk, actor=authenticated_user(request), changes=body.changes()
        )
        result = {"ok": True, "booking_id": booking.pk, "status": booking.status}
        return Response(StaffBookingUpdateResultSerializer(result).data)


@extend_schema(tags=["staff"])
class MarkBookingsViewedView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary="Staff have seen every booking made until now (resets the badge)",
        request=None,
        responses={200: OkMessageSerializer},
    )
    def post(self, request: Request) -> Response:
        services.bookings_mark_viewed()
        body = {"ok": True, "message": "All bookings marked as viewed"}
        return Response(OkMessageSerializer(body).data)


@extend_schema(tags=["staff"])
class AutoApproveSettingView(APIView):
    """Whether paid customer bookings are approved without staff review."""

    permission_classes = [IsStaff]

    @extend_schema(summary="Is auto-approve on?", responses={200: AutoApproveSerializer})
    def get(self, request: Request) -> Response:
        return Response(AutoApproveSerializer({"enabled": policies.auto_approve()}).data)

    @extend_schema(
        summary="Turn auto-approve on or off",
        request=AutoApproveSerializer,
        responses={200: AutoApproveResultSerializer},
    )
    def post(self, request: Request) -> Response:
        body = AutoApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        enabled: bool = body.validated_data["enabled"]
        services.settings_save({SettingKey.AUTO_APPROVE_ENABLED: "true" if enabled else "false"})
        return Response(AutoApproveResultSerializer({"ok": True, "enabled": enabled}).data)
