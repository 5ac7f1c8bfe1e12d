"""Shapes of the HR screens (app/admin/hr/*.tsx, app/staff.tsx), as the legacy's pydantic
models (routers/staff.py StaffOut, attendance.py AttendanceOut, leave.py LeaveOut, payroll.py
PayrollOut, office.py OfficeOut) sent them: record timestamps naive UTC, money and hours as
JSON numbers."""

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from hr.choices import AttendanceStatus, LeaveStatus, LeaveType, PayrollStatus, SalaryType
from hr.models import Attendance, Leave, Office, Payroll, Staff
from lebrq.api.fields import DateBoundField, NaiveUtcDateTimeField, StoredDateField
from lebrq.api.serializers import LegacyModelSerializer


def money(**kwargs: Any) -> serializers.DecimalField:
    """Rupees and paise, sent as a JSON number."""
    return serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False, **kwargs
    )


def days(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6, decimal_places=1, coerce_to_string=False, **kwargs
    )


def hours(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=7, decimal_places=2, coerce_to_string=False, **kwargs
    )


def _none_if_blank(value: Any) -> Any:
    return value if value not in ("", None) else None


class StaffSerializer(LegacyModelSerializer[Staff]):
    """A whole staff record, personal and bank details included: HR staff only."""

    user_id = serializers.IntegerField(allow_null=True, read_only=True)
    fixed_salary = money(allow_null=True)
    hourly_wage = money(allow_null=True)

    OPTIONAL_TEXT = (
        "address",
        "aadhar_number",
        "pan_number",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relation",
        "photo_url",
        "bank_name",
        "bank_account_number",
        "bank_ifsc",
    )

    class Meta:
        model = Staff
        fields = [
            "id",
            "employee_code",
            "user_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "address",
            "aadhar_number",
            "pan_number",
            "emergency_contact_name",
            "emergency_contact_phone",
            "emergency_contact_relation",
            "bank_name",
            "bank_account_number",
            "bank_ifsc",
            "role",
            "department",
            "salary_type",
            "fixed_salary",
            "hourly_wage",
            "joining_date",
            "allowances",
            "deductions",
            "is_active",
            "photo_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Staff) -> dict[str, Any]:
        data = super().to_representation(instance)
        # The legacy's Optional[str] columns: null when not given.
        for name in self.OPTIONAL_TEXT:
            data[name] = _none_if_blank(data[name])
        return data


class StaffBriefSerializer(serializers.ModelSerializer[Staff]):
    """The person nested in attendance and leave rows (attendance.py's staff dict)."""

    class Meta:
        model = Staff
        fields = ["id", "employee_code", "first_name", "last_name"]
        read_only_fields = fields


class PayrollStaffSerializer(serializers.ModelSerializer[Staff]):
    class Meta:
        model = Staff
        fields = ["id", "employee_code", "first_name", "last_name", "department"]
        read_only_fields = fields


class AmountTableField(serializers.DictField):
    """allowances / deductions: {"hra": 5000, ..., "custom": {"name": amount}}; amounts are
    numbers of at least 0 (the payroll adds them)."""

    def __init__(self, *, keys: tuple[str, ...], **kwargs: Any) -> None:
        self.keys = keys
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        table = super().to_internal_value(data)
        errors: dict[str, str] = {}
        clean: dict[str, Any] = {}
        for name, value in table.items():
            if name == "custom":
                if value in (None, {}):
                    continue
                if not isinstance(value, dict):
                    errors[name] = "An object of name: amount."
                    continue
                custom = {}
                for label, amount in value.items():
                    parsed = self._amount(amount)
                    if parsed is None:
                        errors[f"custom.{label}"] = "A number of at least 0."
                    else:
                        custom[str(label)[:60]] = parsed
                clean[name] = custom
            elif name in self.keys:
                if value in (None, ""):
                    continue
                parsed = self._amount(value)
                if parsed is None:
                    errors[name] = "A number of at least 0."
                else:
                    clean[name] = parsed
            else:
                errors[name] = f"Unknown; one of {', '.join((*self.keys, 'custom'))}."
        if errors:
            raise serializers.ValidationError(errors)
        return clean

    @staticmethod
    def _amount(value: Any) -> int | float | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            return None
        try:
            amount = Decimal(str(value))
        except ArithmeticError:
            return None
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
            return None
        return int(amount) if amount == amount.to_integral_value() else float(amount)


class OptionalText(serializers.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, allow_blank=True, allow_null=True, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        return "" if data is None else super().to_internal_value(data)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return (True, "")
        return super().validate_empty_values(data)


class StaffInputSerializer(serializers.Serializer[dict[str, Any]]):
    """POST /hr/staff and PUT /hr/staff/{id} (app/admin/hr/staff/new.tsx): the form sends
    only the fields it has, numbers as JSON numbers, dates as YYYY-MM-DD."""

    first_name = serializers.CharField(max_length=120)
    last_name = serializers.CharField(max_length=120)
    email = serializers.EmailField(max_length=255)
    phone = serializers.CharField(max_length=32)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    address = OptionalText(max_length=2000)
    aadhar_number = OptionalText(max_length=20)
    pan_number = OptionalText(max_length=20)
    emergency_contact_name = OptionalText(max_length=120)
    emergency_contact_phone = OptionalText(max_length=32)
    emergency_contact_relation = OptionalText(max_length=50)
    bank_name = OptionalText(max_length=120)
    bank_account_number = OptionalText(max_length=34)
    bank_ifsc = OptionalText(max_length=11)
    role = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=100)
    salary_type = serializers.ChoiceField(choices=SalaryType.choices)
    fixed_salary = money(required=False, allow_null=True, min_value=Decimal("0"))
    hourly_wage = money(required=False, allow_null=True, min_value=Decimal("0"))
    joining_date = serializers.DateField()
    allowances = AmountTableField(keys=("hra", "travel", "food"), required=False, allow_null=True)
    deductions = AmountTableField(keys=("pf", "esi", "tds"), required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class AttendanceSerializer(LegacyModelSerializer[Attendance]):
    staff_id = serializers.IntegerField(read_only=True)
    total_hours = hours()
    overtime_hours = hours()
    corrected_by_user_id = serializers.IntegerField(source="corrected_by_id", allow_null=True)
    manual_correction_note = serializers.SerializerMethodField()
    staff = StaffBriefSerializer()

    class Meta:
        model = Attendance
        fields = [
            "id",
            "staff_id",
            "attendance_date",
            "check_in_time",
            "check_out_time",
            "total_hours",
            "overtime_hours",
            "status",
            "is_manual",
            "manual_correction_note",
            "corrected_by_user_id",
            "corrected_at",
            "created_at",
            "updated_at",
            "staff",
        ]
        read_only_fields = fields

    def get_manual_correction_note(self, instance: Attendance) -> str | None:
        return instance.manual_correction_note or None


class LeaveSerializer(LegacyModelSerializer[Leave]):
    staff_id = serializers.IntegerField(read_only=True)
    total_days = days()
    approved_by_user_id = serializers.IntegerField(source="approved_by_id", allow_null=True)
    reason = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()
    staff = StaffBriefSerializer()

    class Meta:
        model = Leave
        fields = [
            "id",
            "staff_id",
            "leave_type",
            "start_date",
            "end_date",
            "total_days",
            "reason",
            "status",
            "approved_by_user_id",
            "approved_at",
            "rejection_reason",
            "applied_at",
            "updated_at",
            "staff",
        ]
        read_only_fields = fields

    def get_reason(self, instance: Leave) -> str | None:
        return instance.reason or None

    def get_rejection_reason(self, instance: Leave) -> str | None:
        return instance.rejection_reason or None


class PendingLeaveSerializer(serializers.ModelSerializer[Leave]):
    """A row of the dashboard's recent_pending_leaves (hr_dashboard.py)."""

    staff_id = serializers.IntegerField(read_only=True)
    staff_name = serializers.CharField(source="staff.full_name")
    total_days = days()
    applied_at = NaiveUtcDateTimeField()

    class Meta:
        model = Leave
        fields = [
            "id",
            "staff_id",
            "staff_name",
            "leave_type",
            "start_date",
            "end_date",
            "total_days",
            "applied_at",
        ]
        read_only_fields = fields


class LeaveApplySerializer(serializers.Serializer[dict[str, Any]]):
    staff_id = serializers.IntegerField(min_value=1)
    leave_type = serializers.ChoiceField(choices=LeaveType.choices)
    start_date = StoredDateField()
    end_date = StoredDateField()
    reason = OptionalText(max_length=2000)


class LeaveDecisionSerializer(serializers.Serializer[dict[str, Any]]):
    """app/admin/hr/leave.tsx: {status: approved|rejected, rejection_reason: str|null}."""

    status = serializers.ChoiceField(choices=[LeaveStatus.APPROVED, LeaveStatus.REJECTED])
    rejection_reason = OptionalText(max_length=2000)


class PayrollSerializer(LegacyModelSerializer[Payroll]):
    staff_id = serializers.IntegerField(read_only=True)
    present_days = days()
    absent_days = days()
    leave_days = days()
    unpaid_leave_days = days()
    half_days = days()
    total_hours = hours(allow_null=True)
    overtime_hours = hours()
    basic_salary = money()
    calculated_salary = money()
    total_allowances = money()
    overtime_pay = money()
    total_deductions = money()
    leave_deductions = money()
    net_salary = money()
    salary_slip_url = serializers.SerializerMethodField()
    staff = PayrollStaffSerializer()

    class Meta:
        model = Payroll
        fields = [
            "id",
            "staff_id",
            "month",
            "year",
            "period_start",
            "period_end",
            "total_working_days",
            "present_days",
            "absent_days",
            "leave_days",
            "unpaid_leave_days",
            "half_days",
            "holidays",
            "total_hours",
            "overtime_hours",
            "basic_salary",
            "calculated_salary",
            "total_allowances",
            "overtime_pay",
            "total_deductions",
            "leave_deductions",
            "net_salary",
            "allowances_breakdown",
            "deductions_breakdown",
            "status",
            "is_locked",
            "salary_slip_url",
            "processed_at",
            "locked_at",
            "created_at",
            "updated_at",
            "staff",
        ]
        read_only_fields = fields

    def get_salary_slip_url(self, instance: Payroll) -> str | None:
        return instance.salary_slip_url or None


class PayrollPeriodSerializer(serializers.Serializer[dict[str, Any]]):
    """?staff_id=&month=&year= of calculate, process and lock (payroll.tsx)."""

    staff_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    month = serializers.IntegerField(min_value=1, max_value=12)
    year = serializers.IntegerField(min_value=2000, max_value=9999)


class OfficeSerializer(LegacyModelSerializer[Office]):
    class Meta:
        model = Office
        fields = [
            "id",
            "name",
            "qr_id",
            "latitude",
            "longitude",
            "allowed_radius",
            "is_active",
            "created_at",
            "updated_at",
            "qr_generated_at",
        ]
        read_only_fields = fields


class OfficeInputSerializer(serializers.Serializer[dict[str, Any]]):
    """app/admin/hr/office.tsx: {name, latitude, longitude, allowed_radius} (numbers)."""

    name = serializers.CharField(max_length=255)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    allowed_radius = serializers.FloatField(min_value=10, max_value=1000, default=100.0)
    is_active = serializers.BooleanField(required=False)


class SendOtpSerializer(serializers.Serializer[dict[str, Any]]):
    staff_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class VerifyOtpSerializer(serializers.Serializer[dict[str, Any]]):
    staff_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    otp = serializers.CharField(max_length=10)
    staff_latitude = serializers.FloatField(min_value=-90, max_value=90)
    staff_longitude = serializers.FloatField(min_value=-180, max_value=180)
    office_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


def _limit(default: int, maximum: int) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=maximum, default=default)


class StaffQuerySerializer(serializers.Serializer[dict[str, Any]]):
    search = serializers.CharField(required=False, allow_blank=True, max_length=120, default="")
    department = serializers.CharField(required=False, allow_blank=True, max_length=100)
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    limit = _limit(50, 1000)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class AttendanceQuerySerializer(serializers.Serializer[dict[str, Any]]):
    staff_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    # Bounds beyond what the database stores are moved inside it (0001-01-01: from the start).
    start_date = DateBoundField(required=False)
    end_date = DateBoundField(required=False)
    status = serializers.ChoiceField(choices=AttendanceStatus.choices, required=False)
    limit = _limit(100, 500)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class LeaveQuerySerializer(serializers.Serializer[dict[str, Any]]):
    staff_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    # The leave screen's chips (pending, approved, rejected); "all" or anything else matches
    # nothing, as the legacy's equality filter did.
    status = serializers.CharField(required=False, max_length=20)
    leave_type = serializers.CharField(required=False, max_length=20)
    # Bounds beyond what the database stores are moved inside it (0001-01-01: from the start).
    start_date = DateBoundField(required=False)
    end_date = DateBoundField(required=False)
    limit = _limit(100, 500)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class PendingQuerySerializer(serializers.Serializer[dict[str, Any]]):
    limit = _limit(50, 100)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)


class PayrollQuerySerializer(serializers.Serializer[dict[str, Any]]):
    staff_id = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=9999)
    status = serializers.ChoiceField(choices=PayrollStatus.choices, required=False)
    limit = _limit(100, 500)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
