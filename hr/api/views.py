"""The HR screens' calls (app/admin/hr/*.tsx) and the staff attendance page (app/staff.tsx),
with the legacy's paths and shapes (docs/HR.md)."""

import ipaddress
from typing import Any

from django.conf import settings
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from hr import selectors, services, slips
from hr.access import is_hr_staff, masked
from hr.api import serializers
from hr.models import Staff
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.views import PublicAPIView
from lebrq.errors import Forbidden

TAGS = ["hr"]


class IsHrStaff(BasePermission):
    """Superusers and staff with hr.access_hr (hr/access.py); 401 without a login, 403 for
    customers and other staff."""

    message = "Admin or HR access required"

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_hr_staff(request.user)


class IsHrStaffOrEmployee(BasePermission):
    """HR staff, or a login linked to a staff record (the legacy's employee_or_above): the
    rest are refused before the body is read. Whose record it may touch is the view's check."""

    message = IsHrStaff.message

    def has_permission(self, request: Request, view: Any) -> bool:
        return is_hr_staff(request.user) or selectors.is_employee(request.user)


class HrView(APIView):
    permission_classes = [IsHrStaff]


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    body = serializer_class(data=data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _query(request: Request, serializer_class: type[Any]) -> dict[str, Any]:
    return _valid(serializer_class, request.query_params)


# --- Staff --------------------------------------------------------------------------------------


class StaffCollectionView(HrView):
    @extend_schema(
        parameters=[serializers.StaffQuerySerializer],
        responses=serializers.StaffSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = _query(request, serializers.StaffQuerySerializer)
        rows = selectors.staff_list(
            search=query["search"],
            department=query.get("department") or None,
            is_active=query["is_active"],
            limit=query["limit"],
            offset=query["offset"],
        )
        return Response(serializers.StaffSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.StaffInputSerializer,
        responses={201: serializers.StaffSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        fields = _valid(serializers.StaffInputSerializer, request.data)
        staff = services.staff_create(actor=authenticated_user(request), fields=fields)
        return Response(serializers.StaffSerializer(staff).data, status=status.HTTP_201_CREATED)


class StaffItemView(HrView):
    @extend_schema(responses=serializers.StaffSerializer, tags=TAGS)
    def get(self, request: Request, staff_id: int) -> Response:
        return Response(serializers.StaffSerializer(selectors.staff_get(staff_id)).data)

    @extend_schema(
        request=serializers.StaffInputSerializer, responses=serializers.StaffSerializer, tags=TAGS
    )
    def put(self, request: Request, staff_id: int) -> Response:
        body = serializers.StaffInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        staff = services.staff_update(staff_id=staff_id, fields=dict(body.validated_data))
        return Response(serializers.StaffSerializer(staff).data)

    @extend_schema(responses={204: None}, tags=TAGS)
    def delete(self, request: Request, staff_id: int) -> Response:
        services.staff_deactivate(staff_id=staff_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Attendance ---------------------------------------------------------------------------------


class AttendanceListView(HrView):
    @extend_schema(
        parameters=[serializers.AttendanceQuerySerializer],
        responses=serializers.AttendanceSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = _query(request, serializers.AttendanceQuerySerializer)
        rows = selectors.attendance_list(**query)
        return Response(serializers.AttendanceSerializer(rows, many=True).data)


def _scan_staff_row(staff: Staff, *, full_phone: bool) -> dict[str, Any]:
    return {
        "id": staff.pk,
        "employee_code": staff.employee_code,
        "name": staff.full_name,
        "phone": staff.phone if full_phone else masked(staff.phone),
        "department": staff.department,
        "role": staff.role,
    }


def _device_type(request: Request) -> str:
    agent = request.headers.get("user-agent", "").lower()
    if any(word in agent for word in ("mobile", "android", "iphone")):
        return "mobile"
    if "tablet" in agent or "ipad" in agent:
        return "tablet"
    return "web"


def _client_ip(request: Request) -> str | None:
    raw = request.META.get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


class ScanOfficeInfoMixin:
    """GET .../scan-office-info?qr_id=: the office a scanned QR code names and the active
    employees to pick from. Phones are masked but for HR staff (the admin scan page)."""

    full_phone = False

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=TAGS)
    def get(self, request: Request) -> Response:
        qr_id = request.query_params.get("qr_id", "").strip()
        office = selectors.office_by_qr(qr_id[:100])
        return Response(
            {
                "office_id": office.pk,
                "office_name": office.name,
                "latitude": office.latitude,
                "longitude": office.longitude,
                "allowed_radius": office.allowed_radius,
                "staff_list": [
                    _scan_staff_row(staff, full_phone=self.full_phone)
                    for staff in selectors.scan_staff()
                ],
            }
        )


class SendOtpMixin:
    @extend_schema(request=serializers.SendOtpSerializer, responses=OpenApiTypes.OBJECT, tags=TAGS)
    def post(self, request: Request) -> Response:
        data = _valid(serializers.SendOtpSerializer, request.data)
        sent = services.attendance_otp_send(staff_id=data["staff_id"])
        return Response(
            {
                "success": True,
                "message": f"OTP sent to {sent.masked_phone}",
                "otp_expires_in": settings.OTP_TTL_SECONDS,
            }
        )


class VerifyOtpMixin:
    @extend_schema(
        request=serializers.VerifyOtpSerializer, responses=OpenApiTypes.OBJECT, tags=TAGS
    )
    def post(self, request: Request) -> Response:
        data = _valid(serializers.VerifyOtpSerializer, request.data)
        mark = services.attendance_mark(
            staff_id=data["staff_id"],
            office_id=data["office_id"],
            otp=data["otp"],
            latitude=data["staff_latitude"],
            longitude=data["staff_longitude"],
            device_type=_device_type(request),
            ip_address=_client_ip(request),
        )
        attendance = mark.attendance
        stamps = serializers.AttendanceSerializer(attendance).data
        if mark.kind == "already_completed":
            return Response(
                {
                    "success": False,
                    "message": "Attendance already completed for today",
                    "attendance_type": mark.kind,
                    "attendance_data": {
                        "check_in_time": stamps["check_in_time"],
                        "check_out_time": stamps["check_out_time"],
                        "total_hours": stamps["total_hours"],
                    },
                }
            )
        title = mark.kind.replace("_", " ").title()
        return Response(
            {
                "success": True,
                "message": f"Attendance marked successfully ({title})",
                "attendance_type": mark.kind,
                "attendance_data": {
                    "id": attendance.pk,
                    "check_in_time": stamps["check_in_time"],
                    "check_out_time": stamps["check_out_time"],
                    "total_hours": stamps["total_hours"],
                    "date": attendance.attendance_date.isoformat(),
                },
            }
        )


# The staff page (app/staff.tsx) sends no token: the OTP to the employee's phone is the proof.
class PublicScanOfficeInfoView(ScanOfficeInfoMixin, PublicAPIView):
    pass


class PublicSendOtpView(SendOtpMixin, PublicAPIView):
    pass


class PublicVerifyOtpView(VerifyOtpMixin, PublicAPIView):
    pass


# The admin scan page (app/admin/hr/attendance/scan.tsx) sends the staff token.
class StaffScanOfficeInfoView(ScanOfficeInfoMixin, HrView):
    full_phone = True


class StaffSendOtpView(SendOtpMixin, HrView):
    pass


class StaffVerifyOtpView(VerifyOtpMixin, HrView):
    pass


# --- Dashboard ----------------------------------------------------------------------------------


class DashboardStatsView(HrView):
    @extend_schema(responses=OpenApiTypes.OBJECT, tags=TAGS)
    def get(self, request: Request) -> Response:
        stats = selectors.dashboard_stats()
        return Response(
            {
                "total_staff": stats.total_staff,
                "present_today": stats.present_today,
                "absent_today": stats.absent_today,
                "upcoming_birthdays": [
                    {**row, "date": row["date"].isoformat()} for row in stats.upcoming_birthdays
                ],
                "monthly_salary_expenses": stats.monthly_salary_expenses,
                "pending_leave_requests": stats.pending_leave_requests,
                "recent_pending_leaves": serializers.PendingLeaveSerializer(
                    stats.recent_pending_leaves, many=True
                ).data,
            }
        )


# --- Leave --------------------------------------------------------------------------------------


class LeaveCollectionView(APIView):
    """GET: HR staff. POST (apply): HR staff for anyone, an employee whose login is linked to
    their staff record for themselves (the legacy's employee_or_above)."""

    def get_permissions(self) -> list[Any]:
        # No request while the OpenAPI schema is generated.
        request: Request | None = getattr(self, "request", None)
        if request is not None and request.method == "POST":
            return [IsHrStaffOrEmployee()]
        return [IsHrStaff()]

    @extend_schema(
        parameters=[serializers.LeaveQuerySerializer],
        responses=serializers.LeaveSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = _query(request, serializers.LeaveQuerySerializer)
        rows = selectors.leave_list(**query)
        return Response(serializers.LeaveSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.LeaveApplySerializer,
        responses={201: serializers.LeaveSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = _valid(serializers.LeaveApplySerializer, request.data)
        user = authenticated_user(request)
        if not (is_hr_staff(user) or selectors.is_employee(user, staff_id=data["staff_id"])):
            raise Forbidden(IsHrStaff.message)
        leave = services.leave_apply(**data)
        return Response(
            serializers.LeaveSerializer(selectors.leave_get(leave.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class LeavePendingView(HrView):
    @extend_schema(
        parameters=[serializers.PendingQuerySerializer],
        responses=serializers.LeaveSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = _query(request, serializers.PendingQuerySerializer)
        rows = selectors.leave_pending(**query)
        return Response(serializers.LeaveSerializer(rows, many=True).data)


class LeaveApproveView(HrView):
    @extend_schema(
        request=serializers.LeaveDecisionSerializer,
        responses=serializers.LeaveSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, leave_id: int) -> Response:
        data = _valid(serializers.LeaveDecisionSerializer, request.data)
        leave = services.leave_decide(
            leave_id=leave_id,
            actor=authenticated_user(request),
            status=data["status"],
            rejection_reason=data.get("rejection_reason", ""),
        )
        return Response(serializers.LeaveSerializer(selectors.leave_get(leave.pk)).data)


# --- Offices ------------------------------------------------------------------------------------


class OfficeCollectionView(HrView):
    @extend_schema(responses=serializers.OfficeSerializer(many=True), tags=TAGS)
    def get(self, request: Request) -> Response:
        return Response(serializers.OfficeSerializer(selectors.office_list(), many=True).data)

    @extend_schema(
        request=serializers.OfficeInputSerializer,
        responses={201: serializers.OfficeSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        data = _valid(serializers.OfficeInputSerializer, request.data)
        office = services.office_create(
            actor=authenticated_user(request),
            name=data["name"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            allowed_radius=data["allowed_radius"],
        )
        return Response(serializers.OfficeSerializer(office).data, status=status.HTTP_201_CREATED)


class OfficeItemView(HrView):
    @extend_schema(responses=serializers.OfficeSerializer, tags=TAGS)
    def get(self, request: Request, office_id: int) -> Response:
        return Response(serializers.OfficeSerializer(selectors.office_get(office_id)).data)

    @extend_schema(
        request=serializers.OfficeInputSerializer, responses=serializers.OfficeSerializer, tags=TAGS
    )
    def put(self, request: Request, office_id: int) -> Response:
        body = serializers.OfficeInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        office = services.office_update(office_id=office_id, fields=dict(body.validated_data))
        return Response(serializers.OfficeSerializer(office).data)

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=TAGS)
    def delete(self, request: Request, office_id: int) -> Response:
        services.office_delete(office_id=office_id)
        return Response({"message": "Office deleted successfully"})


def _qr_body(qr: selectors.OfficeQr) -> dict[str, Any]:
    generated = qr.office.qr_generated_at
    return {
        "qr_id": qr.office.qr_id,
        "qr_code_base64": qr.png_data_uri,
        "office_name": qr.office.name,
        "generated_at": NaiveUtcDateTimeField().to_representation(generated) if generated else None,
    }


class OfficeGenerateQrView(HrView):
    """GET, as the legacy (a GET that writes: the QR code is generated once)."""

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=TAGS)
    def get(self, request: Request, office_id: int) -> Response:
        office = services.office_qr_generate(office_id=office_id)
        return Response(_qr_body(selectors.office_qr(office)))


class OfficeViewQrView(HrView):
    @extend_schema(responses=OpenApiTypes.OBJECT, tags=TAGS)
    def get(self, request: Request, office_id: int) -> Response:
        office = selectors.office_get(office_id)
        return Response(_qr_body(selectors.office_qr(office)))


# --- Payroll ------------------------------------------------------------------------------------


class PayrollListView(HrView):
    @extend_schema(
        parameters=[serializers.PayrollQuerySerializer],
        responses=serializers.PayrollSerializer(many=True),
        tags=TAGS,
    )
    def get(self, request: Request) -> Response:
        query = _query(request, serializers.PayrollQuerySerializer)
        rows = selectors.payroll_list(**query)
        return Response(serializers.PayrollSerializer(rows, many=True).data)


class PayrollActionView(HrView):
    """POST /hr/payroll/{calculate,process,lock}?staff_id=&month=&year= (no body)."""

    operation = ""

    @extend_schema(
        parameters=[serializers.PayrollPeriodSerializer],
        request=None,
        responses=serializers.PayrollSerializer,
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        period = _query(request, serializers.PayrollPeriodSerializer)
        if self.operation == "calculate":
            payroll = services.payroll_calculate(**period)
        elif self.operation == "process":
            payroll = services.payroll_process(actor=authenticated_user(request), **period)
        else:
            payroll = services.payroll_lock(**period)
        return Response(serializers.PayrollSerializer(selectors.payroll_get(payroll.pk)).data)


class SalarySlipView(HrView):
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (206, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such payroll, or not processed yet."),
            503: OpenApiResponse(description="Still rendering; retry after Retry-After."),
        },
        tags=TAGS,
    )
    def get(self, request: Request, payroll_id: int) -> HttpResponseBase:
        return slips.salary_slip_response(request, payroll_id)
