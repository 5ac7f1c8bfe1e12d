"""HR reads for the screens: each list bounded by the legacy's limit (docs/HR.md, Lists) and
loaded in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import segno
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from hr.choices import AttendanceStatus, LeaveStatus, PayrollStatus
from hr.exceptions import OfficeNotFound, QrNotGenerated, StaffNotFound
from hr.models import Attendance, Leave, Office, Payroll, Staff

# The legacy's limits (routers/staff.py, attendance.py, leave.py, payroll.py): le=1000 for
# staff (the payroll screen asks for 1000), le=500 elsewhere, le=100 for pending leave.
STAFF_MAX_LIMIT = 1000
LIST_MAX_LIMIT = 500
PENDING_MAX_LIMIT = 100
# The legacy listed every office and, on the QR page, every active employee; we stop here.
OFFICES_MAX_ROWS = 200
SCAN_STAFF_MAX_ROWS = 1000
DASHBOARD_ROWS = 10
BIRTHDAY_WINDOW_DAYS = 30


def staff_get(staff_id: int) -> Staff:
    staff = Staff.objects.filter(pk=staff_id).first()
    if staff is None:
        raise StaffNotFound()
    return staff


def staff_list(
    *,
    search: str = "",
    department: str | None = None,
    is_active: bool | None = None,
    limit: int = 50,
    offset: int = 0,
) -> QuerySet[Staff]:
    rows = Staff.objects.all()
    term = search.strip()
    if term:
        rows = rows.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
            | Q(employee_code__icontains=term)
        )
    if department:
        rows = rows.filter(department=department)
    if is_active is not None:
        rows = rows.filter(is_active=is_active)
    return rows.order_by("-created_at", "-id")[offset : offset + limit]


def is_employee(user: Any, *, staff_id: int | None = None) -> bool:
    """Whether `user` is logged in and linked to a staff record (to `staff_id`'s, if given)."""
    if not getattr(user, "is_authenticated", False):
        return False
    rows = Staff.objects.filter(user_id=user.pk)
    if staff_id is not None:
        rows = rows.filter(pk=staff_id)
    return rows.exists()


def scan_staff() -> QuerySet[Staff]:
    """The active employees a scanned office QR code lists, by name (what the scan screen
    shows: no personal details but the phone, which the views mask)."""
    return (
        Staff.objects.filter(is_active=True)
        .only("id", "employee_code", "first_name", "last_name", "phone", "department", "role")
        .order_by("first_name", "last_name", "id")[:SCAN_STAFF_MAX_ROWS]
    )


def office_by_qr(qr_id: str) -> Office:
    office = Office.objects.filter(qr_id=qr_id, is_active=True).first()
    if office is None:
        raise OfficeNotFound("Invalid QR code or office not found")
    return office


def office_get(office_id: int) -> Office:
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        raise OfficeNotFound()
    return office


def office_list() -> QuerySet[Office]:
    return Office.objects.order_by("-created_at", "-id")[:OFFICES_MAX_ROWS]


@dataclass(frozen=True)
class OfficeQr:
    office: Office
    png_data_uri: str


def office_qr(office: Office) -> OfficeQr:
    """The office's QR code (it carries qr_id, what the scan screen sends back) as a PNG data
    URI, the legacy's form (the screen shows it in an <Image> and saves it as .png). segno
    writes the PNG itself: a few kB, no image library."""
    if office.qr_generated_at is None:
        raise QrNotGenerated()
    png = segno.make(office.qr_id, error="m").png_data_uri(scale=10, border=5)
    return OfficeQr(office=office, png_data_uri=png)


def attendance_list(
    *,
    staff_id: int | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> QuerySet[Attendance]:
    rows = Attendance.objects.select_related("staff")
    if staff_id:
        rows = rows.filter(staff_id=staff_id)
    if start_date:
        rows = rows.filter(attendance_date__gte=start_date)
    if end_date:
        rows = rows.filter(attendance_date__lte=end_date)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-attendance_date", "-created_at", "-id")[offset : offset + limit]


def leave_list(
    *,
    staff_id: int | None = None,
    status: str | None = None,
    leave_type: str | None = None,
    start_date: date | None = None,
    end_date: date | None = None,
    limit: int = 100,
    offset: int = 0,
) -> QuerySet[Leave]:
    rows = Leave.objects.select_related("staff")
    if staff_id:
        rows = rows.filter(staff_id=staff_id)
    if status:
        rows = rows.filter(status=status)
    if leave_type:
        rows = rows.filter(leave_type=leave_type)
    if start_date:
        rows = rows.filter(start_date__gte=start_date)
    if end_date:
        rows = rows.filter(end_date__lte=end_date)
    return rows.order_by("-applied_at", "-id")[offset : offset + limit]


def leave_pending(*, limit: int = 50, offset: int = 0) -> QuerySet[Leave]:
    return (
        Leave.objects.select_related("staff")
        .filter(status=LeaveStatus.PENDING)
        .order_by("applied_at", "id")[offset : offset + limit]
    )


def leave_get(leave_id: int) -> Leave:
    return Leave.objects.select_related("staff").get(pk=leave_id)


def payroll_list(
    *,
    staff_id: int | None = None,
    month: int | None = None,
    year: int | None = None,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> QuerySet[Payroll]:
    rows = Payroll.objects.select_related("staff")
    if staff_id:
        rows = rows.filter(staff_id=staff_id)
    if month:
        rows = rows.filter(month=month)
    if year:
        rows = rows.filter(year=year)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-year", "-month", "-id")[offset : offset + limit]


def payroll_get(payroll_id: int) -> Payroll:
    return Payroll.objects.select_related("staff").get(pk=payroll_id)


def _birthday_in(year: int, born: date) -> date:
    """The birthday in `year`; 29 February is kept on the 28th in other years (the legacy's
    date(year, 2, 29) raised, and its dashboard failed, for the whole year)."""
    try:
        return born.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def upcoming_birthdays(today: date) -> list[dict[str, Any]]:
    """Active staff whose birthday falls in the next 30 days (today included), soonest
    first, at most 10."""
    last = today + timedelta(days=BIRTHDAY_WINDOW_DAYS)
    months = {today.month, last.month}
    if (today.month % 12) + 1 != last.month and today.month != last.month:
        months.add((today.month % 12) + 1)
    candidates = Staff.objects.filter(
        is_active=True, date_of_birth__isnull=False, date_of_birth__month__in=months
    ).values_list("id", "first_name", "last_name", "date_of_birth")
    found = []
    for staff_id, first_name, last_name, born in candidates:
        if born is None:
            continue
        birthday = _birthday_in(today.year, born)
        if birthday < today:
            birthday = _birthday_in(today.year + 1, born)
        if birthday <= last:
            found.append(
                {
                    "staff_id": staff_id,
                    "name": f"{first_name} {last_name}",
                    "date": birthday,
                    "days_until": (birthday - today).days,
                }
            )
    found.sort(key=lambda row: (row["date"], row["staff_id"]))
    return found[:DASHBOARD_ROWS]


@dataclass(frozen=True)
class DashboardStats:
    total_staff: int
    present_today: int
    absent_today: int
    upcoming_birthdays: list[dict[str, Any]]
    monthly_salary_expenses: Decimal
    pending_leave_requests: int
    recent_pending_leaves: list[Leave]


def dashboard_stats() -> DashboardStats:
    today = timezone.localdate()
    today_rows = Attendance.objects.filter(attendance_date=today)
    expenses = Payroll.objects.filter(
        month=today.month,
        year=today.year,
        status__in=(PayrollStatus.PROCESSED, PayrollStatus.LOCKED),
    ).aggregate(total=Sum("net_salary"))["total"]
    return DashboardStats(
        total_staff=Staff.objects.filter(is_active=True).count(),
        present_today=today_rows.filter(status=AttendanceStatus.PRESENT).count(),
        absent_today=today_rows.filter(status=AttendanceStatus.ABSENT).count(),
        upcoming_birthdays=upcoming_birthdays(today),
        monthly_salary_expenses=expenses or Decimal("0"),
        pending_leave_requests=Leave.objects.filter(status=LeaveStatus.PENDING).count(),
        recent_pending_leaves=list(leave_pending(limit=DASHBOARD_ROWS)),
    )
