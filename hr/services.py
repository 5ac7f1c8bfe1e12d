"""HR writes: staff records, offices and their QR code, attendance by QR scan + OTP, leave and
its approval, payroll (calculate, process, lock). Rules: docs/HR.md."""

import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from accounts.otp import mobile_digits, otp_send, otp_use_verified, otp_verify
from hr import payroll as pay
from hr.access import masked
from hr.choices import AttendanceStatus, LeaveStatus, PayrollStatus, SalaryType
from hr.exceptions import (
    AttendanceBusy,
    LeaveNotFound,
    LeaveNotPending,
    LeaveOverlaps,
    NotAtOffice,
    OfficeNotFound,
    PayrollLocked,
    PayrollNotFound,
    PayrollNotProcessed,
    QrAlreadyGenerated,
    StaffDuplicate,
    StaffNotFound,
)
from hr.models import Attendance, Leave, Office, Payroll, Staff
from lebrq.errors import InvalidInput
from lebrq.geo import great_circle_metres

STANDARD_HOURS = Decimal("8")
HOUR = Decimal("0.01")

# --- Staff --------------------------------------------------------------------------------------

# Unique among staff records, with the legacy's messages (the staff form matches on the word
# "email" / "phone" to mark the field).
UNIQUE_FIELDS = {
    "email": "Email already exists",
    "phone": "Phone number already exists",
    "aadhar_number": "Aadhar number already exists",
    "pan_number": "PAN number already exists",
}
STAFF_FIELDS = frozenset(
    {
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
    }
)


def _normalised(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - STAFF_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown staff fields: {', '.join(sorted(unknown))}")
    values = dict(fields)
    if values.get("phone") is not None:
        try:
            values["phone"] = mobile_digits(str(values["phone"]))
        except InvalidInput as error:
            message = error.fields.get("mobile", [error.message])[0]
            raise InvalidInput.for_field("phone", message) from None
    if values.get("email") is not None:
        values["email"] = str(values["email"]).strip().lower()
    for name in ("aadhar_number", "pan_number"):
        if name in values:
            # NULL when empty: the unique index allows many NULLs but one "".
            values[name] = (str(values[name] or "").strip().upper()) or None
    for name in ("allowances", "deductions"):
        if name in values and values[name] is None:
            values[name] = {}
    return values


def _check_unique(values: Mapping[str, Any], *, excluding: int | None = None) -> None:
    for name, message in UNIQUE_FIELDS.items():
        value = values.get(name)
        if not value:
            continue
        others = Staff.objects.filter(**{name: value})
        if excluding is not None:
            others = others.exclude(pk=excluding)
        if others.exists():
            raise StaffDuplicate(message, fields={name: [message]})


def _check_salary(staff: Staff) -> None:
    if staff.salary_type == SalaryType.MONTHLY and not staff.fixed_salary:
        raise InvalidInput.for_field(
            "fixed_salary", "Fixed salary is required for monthly salary type"
        )
    if staff.salary_type == SalaryType.HOURLY and not staff.hourly_wage:
        raise InvalidInput.for_field(
            "hourly_wage", "Hourly wage is required for hourly salary type"
        )


def _save_unique(staff: Staff) -> None:
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError:
        # Two requests with one e-mail (or Aadhar, PAN) at once: the index kept one.
        raise StaffDuplicate("A staff record with these details already exists") from None


def staff_create(*, actor: User, fields: Mapping[str, Any]) -> Staff:
    """A new staff record with the next free EMPnnn code (the legacy's form)."""
    values = _normalised(fields)
    _check_unique(values)
    staff = Staff(**{**values, "employee_code": f"NEW-{uuid.uuid4().hex}"}, created_by=actor)
    _check_salary(staff)
    with transaction.atomic():
        _save_unique(staff)
        staff.employee_code = _free_employee_code(staff.pk)
        staff.save(update_fields=["employee_code"])
    return staff


def _free_employee_code(staff_id: int) -> str:
    code = f"EMP{staff_id:03d}"
    taken = set(
        Staff.objects.filter(employee_code__startswith=code).values_list("employee_code", flat=True)
    )
    suffix = 1
    candidate = code
    while candidate in taken:
        suffix += 1
        candidate = f"{code}-{suffix}"
    return candidate


def staff_update(*, staff_id: int, fields: Mapping[str, Any]) -> Staff:
    values = _normalised(fields)
    with transaction.atomic():
        staff = Staff.objects.select_for_update().filter(pk=staff_id).first()
        if staff is None:
            raise StaffNotFound()
        _check_unique(values, excluding=staff.pk)
        for name, value in values.items():
            setattr(staff, name, value)
        _check_salary(staff)
        _save_unique(staff)
    return staff


def staff_deactivate(*, staff_id: int) -> None:
    """DELETE /hr/staff/{id}: a soft delete, as the legacy's (attendance and payroll keep
    their person)."""
    if not Staff.objects.filter(pk=staff_id).update(is_active=False, updated_at=timezone.now()):
        raise StaffNotFound()


# --- Offices ------------------------------------------------------------------------------------


def new_qr_id() -> str:
    return f"OFFICE_{secrets.token_urlsafe(16)}"


def office_create(
    *, actor: User, name: str, latitude: float, longitude: float, allowed_radius: float
) -> Office:
    office = Office(
        name=name,
        qr_id=new_qr_id(),
        latitude=latitude,
        longitude=longitude,
        allowed_radius=allowed_radius,
        created_by=actor,
    )
    office.save()
    return office


def office_update(*, office_id: int, fields: Mapping[str, Any]) -> Office:
    allowed = {"name", "latitude", "longitude", "allowed_radius", "is_active"}
    with transaction.atomic():
        office = Office.objects.select_for_update().filter(pk=office_id).first()
        if office is None:
            raise OfficeNotFound()
        for name, value in fields.items():
            if name in allowed and value is not None:
                setattr(office, name, value)
        office.save()
    return office


def office_delete(*, office_id: int) -> None:
    deleted, _ = Office.objects.filter(pk=office_id).delete()
    if not deleted:
        raise OfficeNotFound()


def office_qr_generate(*, office_id: int) -> Office:
    """Mark the office's QR code generated, once (the legacy's rule: its code is printed and
    put up; a second "generate" would suggest the old print stopped working)."""
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise OfficeNotFound()
    now = timezone.now()
    if not Office.objects.filter(pk=office_id, qr_generated_at__isnull=True).update(
        qr_generated_at=now, updated_at=now
    ):
        office.refresh_from_db()
        stamp = timezone.localtime(office.qr_generated_at or now)
        raise QrAlreadyGenerated(
            f"QR code has already been generated for this office on {stamp:%Y-%m-%d %H:%M:%S}."
            " QR code can only be generated once."
        )
    office.refresh_from_db()
    return office


# --- Attendance ---------------------------------------------------------------------------------


def distance_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), as the legacy's calculate_distance."""
    return great_circle_metres(lat1, lon1, lat2, lon2)


def _active_staff(staff_id: int, message: str = "Staff not found") -> Staff:
    staff = Staff.objects.filter(pk=staff_id, is_active=True).first()
    if staff is None:
        raise StaffNotFound(message)
    return staff


@dataclass(frozen=True)
class OtpSent:
    staff: Staff
    masked_phone: str


def attendance_otp_send(*, staff_id: int) -> OtpSent:
    """Send the employee a code by SMS (accounts.otp: hashed, expiring, a few an hour)."""
    staff = _active_staff(staff_id, "Staff not found or inactive")
    otp_send(mobile=staff.phone)
    return OtpSent(staff=staff, masked_phone=masked(staff.phone))


@dataclass(frozen=True)
class AttendanceMark:
    kind: str  # check_in | check_out | already_completed
    attendance: Attendance


def attendance_mark(
    *,
    staff_id: int,
    office_id: int,
    otp: str,
    latitude: float,
    longitude: float,
    device_type: str = "",
    ip_address: str | None = None,
) -> AttendanceMark:
    """The scan's second step: the code, then the place, then today's row.

    The first successful scan of the day checks in, the second checks out (hours, and
    overtime past 8 h), later ones change nothing (`already_completed`, the code unspent).
    One person's scans take turns on their staff row; a unique constraint keeps one row a day.
    """
    office = Office.objects.filter(pk=office_id, is_active=True).first()
    if office is None:
        raise OfficeNotFound()
    staff = _active_staff(staff_id)
    otp_verify(mobile=staff.phone, code=otp)
    distance = distance_metres(latitude, longitude, office.latitude, office.longitude)
    if distance > office.allowed_radius:
        raise NotAtOffice(
            f"You are not at the office location. Distance: {distance:.0f}m "
            f"(required: {office.allowed_radius:.0f}m)",
            extra={"distance": round(distance), "allowed_radius": office.allowed_radius},
        )
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk").first()
        attendance = Attendance.objects.filter(staff=staff, attendance_date=today).first()
        if attendance is None or attendance.check_in_time is None:
            kind = "check_in"
            if attendance is None:
                attendance = Attendance(staff=staff, attendance_date=today)
            attendance.office = office
            attendance.check_in_time = now
            attendance.check_in_latitude = latitude
            attendance.check_in_longitude = longitude
            attendance.check_in_device_type = device_type
            attendance.check_in_ip_address = ip_address
            attendance.status = AttendanceStatus.PRESENT
            try:
                with transaction.atomic():
                    attendance.save()
            except IntegrityError:
                raise AttendanceBusy() from None
        elif attendance.check_out_time is None:
            kind = "check_out"
            hours = Decimal((now - attendance.check_in_time).total_seconds()) / 3600
            attendance.check_out_time = now
            attendance.check_out_latitude = latitude
            attendance.check_out_longitude = longitude
            attendance.check_out_device_type = device_type
            attendance.check_out_ip_address = ip_address
            attendance.total_hours = hours.quantize(HOUR, rounding=ROUND_HALF_UP)
            attendance.overtime_hours = max(
                attendance.total_hours - STANDARD_HOURS, Decimal("0")
            ).quantize(HOUR)
            attendance.save()
        else:
            return AttendanceMark("already_completed", attendance)
        otp_use_verified(mobile=staff.phone)
    return AttendanceMark(kind, attendance)


# --- Leave --------------------------------------------------------------------------------------


def leave_days(start: date, end: date) -> Decimal:
    """Calendar days, both ends included (the legacy's calculate_leave_days)."""
    return Decimal((end - start).days + 1)


def _months_of(start: date, end: date) -> list[tuple[int, int]]:
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _refuse_if_locked(staff_id: int, start: date, end: date) -> None:
    months = Q()
    for year, month in _months_of(start, end):
        months |= Q(year=year, month=month)
    if Payroll.objects.filter(months, staff_id=staff_id, is_locked=True).exists():
        raise PayrollLocked("The payroll of a month this leave falls in is locked.")


# A leave longer than a year is a mistake (or an attack): the days column holds 99999.9 and
# approving one checks every payroll month it touches, one condition a month.
LEAVE_MAX_DAYS = 366


def leave_apply(
    *, staff_id: int, leave_type: str, start_date: date, end_date: date, reason: str = ""
) -> Leave:
    if start_date > end_date:
        raise InvalidInput.for_field("end_date", "Start date must be before or equal to end date")
    if leave_days(start_date, end_date) > LEAVE_MAX_DAYS:
        raise InvalidInput.for_field(
            "end_date", f"A leave lasts at most {LEAVE_MAX_DAYS} days; apply again for more."
        )
    with transaction.atomic():
        staff = Staff.objects.select_for_update().filter(pk=staff_id).first()
        if staff is None:
            raise StaffNotFound()
        overlapping = Leave.objects.filter(
            staff=staff,
            status__in=(LeaveStatus.PENDING, LeaveStatus.APPROVED),
            start_date__lte=end_date,
            end_date__gte=start_date,
        )
        if overlapping.exists():
            raise LeaveOverlaps()
        return Leave.objects.create(
            staff=staff,
            leave_type=leave_type,
            start_date=start_date,
            end_date=end_date,
            total_days=leave_days(start_date, end_date),
            reason=reason,
        )


def leave_decide(*, leave_id: int, actor: User, status: str, rejection_reason: str = "") -> Leave:
    """Approve or reject a pending leave. Approving one that falls in a locked payroll month
    is refused (PayrollLocked): a locked month never changes."""
    if status not in (LeaveStatus.APPROVED, LeaveStatus.REJECTED):
        raise InvalidInput.for_field("status", "Must be approved or rejected")
    with transaction.atomic():
        leave = Leave.objects.select_for_update().filter(pk=leave_id).first()
        if leave is None:
            raise LeaveNotFound()
        if leave.status != LeaveStatus.PENDING:
            raise LeaveNotPending()
        if status == LeaveStatus.APPROVED:
            _refuse_if_locked(leave.staff_id, leave.start_date, leave.end_date)
        leave.status = status
        leave.approved_by = actor
        leave.approved_at = timezone.now()
        if status == LeaveStatus.REJECTED:
            leave.rejection_reason = rejection_reason
        leave.save()
    return leave


# --- Payroll ------------------------------------------------------------------------------------


def _figures(staff: Staff, year: int, month: int) -> pay.PayrollFigures:
    first, last = pay.month_bounds(year, month)
    attendance = [
        pay.AttendanceDay(day=day, status=status, total_hours=hours, overtime_hours=overtime)
        for day, status, hours, overtime in Attendance.objects.filter(
            staff=staff, attendance_date__range=(first, last)
        ).values_list("attendance_date", "status", "total_hours", "overtime_hours")
    ]
    leaves = [
        pay.ApprovedLeave(leave_type=kind, start_date=start, end_date=end)
        for kind, start, end in Leave.objects.filter(
            staff=staff, status=LeaveStatus.APPROVED, start_date__lte=last, end_date__gte=first
        )
        .order_by("start_date", "id")
        .values_list("leave_type", "start_date", "end_date")
    ]
    terms = pay.PayTerms(
        salary_type=staff.salary_type,
        fixed_salary=staff.fixed_salary,
        hourly_wage=staff.hourly_wage,
        allowances=staff.allowances if isinstance(staff.allowances, dict) else {},
        deductions=staff.deductions if isinstance(staff.deductions, dict) else {},
    )
    return pay.calculate(terms, year, month, attendance, leaves)


def _locked_staff(staff_id: int) -> Staff:
    staff = Staff.objects.select_for_update().filter(pk=staff_id).first()
    if staff is None:
        raise StaffNotFound()
    return staff


def _calculate_in_transaction(staff: Staff, year: int, month: int) -> Payroll:
    payroll = (
        Payroll.objects.select_for_update().filter(staff=staff, year=year, month=month).first()
    )
    if payroll is not None and payroll.is_locked:
        raise PayrollLocked("Payroll for this month is locked and cannot be recalculated")
    figures = _figures(staff, year, month)
    if payroll is None:
        payroll = Payroll(staff=staff, year=year, month=month)
    for name, value in vars(figures).items():
        setattr(payroll, name, value)
    payroll.status = PayrollStatus.DRAFT
    payroll.salary_slip_url = ""
    payroll.save()
    return payroll


def payroll_calculate(*, staff_id: int, year: int, month: int) -> Payroll:
    """Compute (or recompute, back to draft) the month's payroll; PayrollLocked if locked."""
    with transaction.atomic():
        staff = _locked_staff(staff_id)
        return _calculate_in_transaction(staff, year, month)


def payroll_process(*, actor: User, staff_id: int, year: int, month: int) -> Payroll:
    """Mark the month's payroll processed (calculating it first if there is none) and queue
    its salary slip's render for the task worker."""
    from hr import slips  # slips renders the slip's HTML, which reads these models

    with transaction.atomic():
        staff = _locked_staff(staff_id)
        payroll = (
            Payroll.objects.select_for_update().filter(staff=staff, year=year, month=month).first()
        )
        if payroll is None:
            payroll = _calculate_in_transaction(staff, year, month)
        if payroll.is_locked:
            raise PayrollLocked("Payroll is already locked")
        payroll.status = PayrollStatus.PROCESSED
        payroll.processed_by = actor
        payroll.processed_at = timezone.now()
        payroll.salary_slip_url = slips.slip_url(payroll.pk)
        payroll.save()
        transaction.on_commit(lambda: slips.enqueue_slip_render(payroll.pk))
    return payroll


def payroll_lock(*, staff_id: int, year: int, month: int) -> Payroll:
    with transaction.atomic():
        payroll = (
            Payroll.objects.select_for_update()
            .filter(staff_id=staff_id, year=year, month=month)
            .first()
        )
        if payroll is None:
            raise PayrollNotFound()
        if payroll.is_locked:
            raise PayrollLocked("Payroll is already locked")
        if payroll.status != PayrollStatus.PROCESSED:
            raise PayrollNotProcessed()
        payroll.is_locked = True
        payroll.status = PayrollStatus.LOCKED
        payroll.locked_at = timezone.now()
        payroll.save()
    return payroll
