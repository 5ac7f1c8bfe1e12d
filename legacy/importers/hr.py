"""offices, staff, staff_documents, attendance, leaves, payroll (docs/HR.md).

The legacy's attendance_otps are not imported (legacy.importers.IGNORED_TABLES): one-time codes
stored in plain text, expired minutes after they were sent."""

import ipaddress
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.files import FileNotFound
from legacy.importers.base import TableImporter
from legacy.source import Row

SALARY_TYPES = {"monthly", "hourly"}
ATTENDANCE_STATUSES = {"present", "absent", "half_day", "holiday", "leave"}
LEAVE_TYPES = {"casual", "sick", "paid", "unpaid"}
LEAVE_STATUSES = {"pending", "approved", "rejected"}
PAYROLL_STATUSES = {"draft", "processed", "locked"}
DOCUMENT_TYPES = {"id", "photo", "offer_letter", "contract", "other"}
TENTH = Decimal("0.1")


def _stamps(row: Row, created: str = "created_at") -> tuple[Any, Any]:
    made = c.utc_aware(row[created]) or timezone.now()
    return made, c.utc_aware(row.get("updated_at")) or made


def _days(column: str, value: float | None) -> Decimal:
    """Days (present, leave...) as the legacy's FLOAT; ours keep a tenth (half days)."""
    if value is None:
        return Decimal("0")
    try:
        exact = Decimal(repr(float(value)))
    except InvalidOperation:
        raise c.Invalid(column, f"{value!r} is not a number") from None
    days = exact.quantize(TENTH, rounding=ROUND_HALF_UP)
    if days < 0 or abs(days - exact) > Decimal("0.001"):
        raise c.Invalid(column, f"{value} days is negative or finer than a tenth")
    return days


def _hours(value: float | None) -> Decimal | None:
    return None if value is None else c.money(value)


def _address(importer: TableImporter, column: str, value: str | None) -> str | None:
    text = c.text(value).strip()
    if not text:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        fixed: str | None = importer.ctx.problem(
            column, f"{text!r} is not an IP address", None, "emptied"
        )
        return fixed


class OfficesImporter(TableImporter):
    table = "offices"
    model_label = "hr.Office"
    domain = "hr"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "name", "qr_id", "latitude", "longitude", "is_active",
                          "qr_generated_at", "created_at", "updated_at")},
        "allowed_radius": "allowed_radius (clamped to 10..1000 m with --on-invalid fix)",
        "created_by_user_id": "created_by",
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from hr.models import Office

        ctx = self.ctx
        latitude, longitude = float(row["latitude"]), float(row["longitude"])
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise c.Invalid("latitude", f"({latitude}, {longitude}) is not a place on Earth")
        radius = 100.0 if row["allowed_radius"] is None else float(row["allowed_radius"])
        if not 10 <= radius <= 1000:
            radius = ctx.problem(
                "allowed_radius",
                f"{radius} m is out of 10..1000",
                min(max(radius, 10.0), 1000.0),
                "clamped to 10..1000 m",
            )
        created, updated = _stamps(row)
        return Office(
            id=row["id"],
            name=c.bounded("name", row["name"], 255),
            qr_id=c.bounded("qr_id", row["qr_id"], 100),
            latitude=latitude,
            longitude=longitude,
            allowed_radius=radius,
            is_active=c.flag(row["is_active"], True),
            qr_generated_at=c.utc_aware(row["qr_generated_at"]),
            created_at=created,
            updated_at=updated,
            created_by_id=ctx.maybe_parent(
                "created_by_user_id", "users", row["created_by_user_id"]
            ),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.name, obj.qr_id, round(obj.latitude, 5), round(obj.longitude, 5),
                obj.allowed_radius, obj.is_active)  # fmt: skip


class StaffImporter(TableImporter):
    table = "staff"
    model_label = "hr.Staff"
    domain = "hr"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "employee_code", "first_name", "last_name", "email", "phone",
                          "date_of_birth", "address", "emergency_contact_name",
                          "emergency_contact_phone", "emergency_contact_relation", "role",
                          "department", "salary_type", "joining_date", "allowances",
                          "deductions", "is_active", "photo_url", "created_at", "updated_at")},
        "user_id": "user",
        "aadhar_number": "aadhar_number (empty: NULL)",
        "pan_number": "pan_number (empty: NULL)",
        "fixed_salary": "fixed_salary",
        "hourly_wage": "hourly_wage",
        "created_by_user_id": "created_by",
    }  # fmt: skip
    dropped: ClassVar[dict[str, str]] = {"name": "first_name and last_name (the legacy's copy)"}
    money: ClassVar[dict[str, str]] = {"fixed_salary": "fixed_salary"}

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.unique: dict[str, set[str]] = {
            "employee_code": set(),
            "email": set(),
            "aadhar_number": set(),
            "pan_number": set(),
            "user_id": set(),
        }

    def _once(self, column: str, value: str | None) -> None:
        if value is None or value == "":
            return
        if value in self.unique[column]:
            raise c.Invalid(column, f"{value!r} belongs to another staff record")
        self.unique[column].add(value)

    def convert(self, row: Row) -> models.Model:
        from hr.models import Staff

        ctx = self.ctx
        code = c.bounded("employee_code", row["employee_code"], 50).strip()
        email = c.bounded("email", row["email"], 255).strip().lower()
        aadhar = c.bounded("aadhar_number", row["aadhar_number"], 20).strip() or None
        pan = c.bounded("pan_number", row["pan_number"], 20).strip().upper() or None
        user_id = ctx.maybe_parent("user_id", "users", row["user_id"])
        for column, value in (("employee_code", code), ("email", email),
                              ("aadhar_number", aadhar), ("pan_number", pan),
                              ("user_id", None if user_id is None else str(user_id))):  # fmt: skip
            self._once(column, value)
        if not code or not email:
            raise c.Invalid("employee_code", "the code or the e-mail is empty")
        joining = c.day(row["joining_date"])
        if joining is None:
            raise c.Invalid("joining_date", "missing")
        fixed = None if row["fixed_salary"] is None else c.money(row["fixed_salary"])
        hourly = None if row["hourly_wage"] is None else c.money(row["hourly_wage"])
        if (fixed is not None and fixed < 0) or (hourly is not None and hourly < 0):
            raise c.Invalid("fixed_salary", "a negative salary or wage")
        created, updated = _stamps(row)
        return Staff(
            id=row["id"],
            employee_code=code,
            user_id=user_id,
            first_name=c.bounded("first_name", row["first_name"], 120),
            last_name=c.bounded("last_name", row["last_name"], 120),
            email=email,
            phone=c.bounded("phone", row["phone"], 32),
            date_of_birth=c.day(row["date_of_birth"]),
            address=c.text(row["address"]),
            aadhar_number=aadhar,
            pan_number=pan,
            emergency_contact_name=c.bounded(
                "emergency_contact_name", row["emergency_contact_name"], 120
            ),
            emergency_contact_phone=c.bounded(
                "emergency_contact_phone", row["emergency_contact_phone"], 32
            ),
            emergency_contact_relation=c.bounded(
                "emergency_contact_relation", row["emergency_contact_relation"], 50
            ),
            role=c.bounded("role", row["role"], 100),
            department=c.bounded("department", row["department"], 100),
            salary_type=ctx.choose("salary_type", SALARY_TYPES, row["salary_type"]),
            fixed_salary=fixed,
            hourly_wage=hourly,
            joining_date=joining,
            allowances=c.json_value("allowances", row["allowances"], {}),
            deductions=c.json_value("deductions", row["deductions"], {}),
            is_active=c.flag(row["is_active"], True),
            photo_url=c.bounded("photo_url", row["photo_url"], 500),
            created_at=created,
            updated_at=updated,
            created_by_id=ctx.maybe_parent(
                "created_by_user_id", "users", row["created_by_user_id"]
            ),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.employee_code, obj.user_id, obj.email, obj.salary_type,
                obj.fixed_salary, obj.hourly_wage, obj.joining_date, obj.is_active)  # fmt: skip


class StaffDocumentsImporter(TableImporter):
    """Documents (ID proofs, contracts): copied from --files as private uploads."""

    table = "staff_documents"
    model_label = "hr.StaffDocument"
    domain = "hr"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "staff_id": "staff",
        "document_type": "document_type",
        "file_name": "file_name",
        "file_path": "upload (the file copied from --files), or legacy_url",
        "description": "description",
        "uploaded_at": "uploaded_at",
        "uploaded_by_user_id": "uploaded_by",
    }
    dropped: ClassVar[dict[str, str]] = {
        "file_url": "the URL of file_path (ours is the upload's)",
        "file_size": "the upload's size, measured again",
        "mime_type": "the upload's type, sniffed again",
    }

    def convert(self, row: Row) -> models.Model:
        from hr.models import StaffDocument

        ctx = self.ctx
        staff_id = ctx.parent("staff_id", "staff", row["staff_id"])
        path = c.text(row["file_path"]).strip() or c.text(row["file_url"]).strip()
        upload, legacy_url = None, ""
        try:
            upload = ctx.files.store_path(path, owner=None, public=False, documents=True)
        except FileNotFound as exc:
            ctx.report.files["missing"] += 1
            kept = c.bounded("file_url", row["file_url"], 500) or path[:500]
            legacy_url = str(ctx.problem("file_path", str(exc), kept, "legacy URL kept"))
        uploaded = c.utc_aware(row["uploaded_at"]) or timezone.now()
        if upload is not None:
            upload.created_at = uploaded
            upload.save(update_fields=["created_at"])
        return StaffDocument(
            id=row["id"],
            staff_id=staff_id,
            document_type=ctx.choose(
                "document_type", DOCUMENT_TYPES, row["document_type"], "other", "other"
            ),
            upload=upload,
            file_name=c.bounded("file_name", row["file_name"], 255),
            legacy_url=legacy_url,
            description=c.text(row["description"]),
            uploaded_at=uploaded,
            uploaded_by_id=ctx.maybe_parent(
                "uploaded_by_user_id", "users", row["uploaded_by_user_id"]
            ),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.staff_id, obj.document_type, obj.file_name, obj.legacy_url,
                obj.upload_id is not None)  # fmt: skip


class AttendanceImporter(TableImporter):
    table = "attendance"
    model_label = "hr.Attendance"
    domain = "hr"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "attendance_date", "check_in_time", "check_out_time",
                          "total_hours", "overtime_hours", "check_in_latitude",
                          "check_in_longitude", "check_out_latitude", "check_out_longitude",
                          "check_in_device_type", "check_in_ip_address", "check_out_device_type",
                          "check_out_ip_address", "status", "is_manual", "manual_correction_note",
                          "corrected_at", "created_at", "updated_at")},
        "staff_id": "staff",
        "corrected_by_user_id": "corrected_by",
    }  # fmt: skip

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.days: set[tuple[int, Any]] = set()

    def convert(self, row: Row) -> models.Model:
        from hr.models import Attendance

        ctx = self.ctx
        staff_id = ctx.parent("staff_id", "staff", row["staff_id"])
        day = c.day(row["attendance_date"])
        if day is None:
            raise c.Invalid("attendance_date", "missing")
        if (staff_id, day) in self.days:
            # Ours keeps one row a day per person (the legacy's race could make two).
            raise c.Invalid("attendance_date", f"a second row for staff {staff_id} on {day}")
        self.days.add((staff_id, day))
        check_in, check_out = c.utc_aware(row["check_in_time"]), c.utc_aware(row["check_out_time"])
        if check_in and check_out and check_out < check_in:
            raise c.Invalid("check_out_time", "before the check-in")
        created, updated = _stamps(row)
        return Attendance(
            id=row["id"],
            staff_id=staff_id,
            attendance_date=day,
            check_in_time=check_in,
            check_out_time=check_out,
            total_hours=_hours(row["total_hours"]),
            overtime_hours=_hours(row["overtime_hours"]) or Decimal("0"),
            check_in_latitude=row["check_in_latitude"],
            check_in_longitude=row["check_in_longitude"],
            check_out_latitude=row["check_out_latitude"],
            check_out_longitude=row["check_out_longitude"],
            check_in_device_type=c.bounded("check_in_device_type", row["check_in_device_type"], 50),
            check_in_ip_address=_address(self, "check_in_ip_address", row["check_in_ip_address"]),
            check_out_device_type=c.bounded(
                "check_out_device_type", row["check_out_device_type"], 50
            ),
            check_out_ip_address=_address(
                self, "check_out_ip_address", row["check_out_ip_address"]
            ),
            status=ctx.choose("status", ATTENDANCE_STATUSES, row["status"]),
            is_manual=c.flag(row["is_manual"]),
            manual_correction_note=c.text(row["manual_correction_note"]),
            corrected_by_id=ctx.maybe_parent(
                "corrected_by_user_id", "users", row["corrected_by_user_id"]
            ),
            corrected_at=c.utc_aware(row["corrected_at"]),
            created_at=created,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.staff_id, obj.attendance_date, obj.check_in_time, obj.check_out_time,
                obj.total_hours, obj.overtime_hours, obj.status)  # fmt: skip


class LeavesImporter(TableImporter):
    table = "leaves"
    model_label = "hr.Leave"
    domain = "hr"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "leave_type", "start_date", "end_date", "total_days", "reason",
                          "status", "approved_at", "rejection_reason", "applied_at",
                          "updated_at")},
        "staff_id": "staff",
        "approved_by_user_id": "approved_by",
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from hr.models import Leave

        ctx = self.ctx
        start, end = c.day(row["start_date"]), c.day(row["end_date"])
        if start is None or end is None or end < start:
            raise c.Invalid("end_date", f"{start}..{end} is not a period")
        applied, updated = _stamps(row, "applied_at")
        return Leave(
            id=row["id"],
            staff_id=ctx.parent("staff_id", "staff", row["staff_id"]),
            leave_type=ctx.choose("leave_type", LEAVE_TYPES, row["leave_type"]),
            start_date=start,
            end_date=end,
            total_days=_days("total_days", row["total_days"]),
            reason=c.text(row["reason"]),
            status=ctx.choose("status", LEAVE_STATUSES, row["status"] or "pending"),
            approved_by_id=ctx.maybe_parent(
                "approved_by_user_id", "users", row["approved_by_user_id"]
            ),
            approved_at=c.utc_aware(row["approved_at"]),
            rejection_reason=c.text(row["rejection_reason"]),
            applied_at=applied,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.staff_id, obj.leave_type, obj.start_date, obj.end_date,
                obj.total_days, obj.status)  # fmt: skip


_PAYROLL_DAYS = ("present_days", "absent_days", "leave_days", "unpaid_leave_days", "half_days")
_PAYROLL_MONEY = ("basic_salary", "calculated_salary", "total_allowances", "overtime_pay",
                  "total_deductions", "leave_deductions", "net_salary")  # fmt: skip


class PayrollImporter(TableImporter):
    table = "payroll"
    model_label = "hr.Payroll"
    domain = "hr"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "month", "year", "period_start", "period_end",
                          "total_working_days", "holidays", "total_hours", "overtime_hours",
                          "allowances_breakdown", "deductions_breakdown", "status", "is_locked",
                          "processed_at", "locked_at", "created_at", "updated_at",
                          *_PAYROLL_DAYS, *_PAYROLL_MONEY)},
        "staff_id": "staff",
        "processed_by_user_id": "processed_by",
    }  # fmt: skip
    dropped: ClassVar[dict[str, str]] = {
        "salary_slip_url": "the slip is rendered again from the row (GET .../salary-slip)",
    }
    money: ClassVar[dict[str, str]] = {name: name for name in _PAYROLL_MONEY}

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.months: set[tuple[int, int, int]] = set()

    def convert(self, row: Row) -> models.Model:
        from hr.models import Payroll

        ctx = self.ctx
        staff_id = ctx.parent("staff_id", "staff", row["staff_id"])
        month, year = int(row["month"]), int(row["year"])
        if not (1 <= month <= 12 and year >= 2000):
            raise c.Invalid("month", f"{year}-{month} is not a payroll month")
        if (staff_id, year, month) in self.months:
            raise c.Invalid("month", f"a second payroll for staff {staff_id} in {year}-{month}")
        self.months.add((staff_id, year, month))
        locked = c.flag(row["is_locked"])
        status = ctx.choose("status", PAYROLL_STATUSES, row["status"] or "draft")
        if locked and status != "locked":
            # Ours: a locked payroll says so in its status too (payroll_locked_status).
            ctx.report.converted("payroll.status", f"{status} + is_locked -> locked")
            status = "locked"
        period_start, period_end = c.day(row["period_start"]), c.day(row["period_end"])
        if period_start is None or period_end is None or period_end < period_start:
            raise c.Invalid("period_end", f"{period_start}..{period_end} is not a period")
        created, updated = _stamps(row)
        return Payroll(
            id=row["id"],
            staff_id=staff_id,
            month=month,
            year=year,
            period_start=period_start,
            period_end=period_end,
            total_working_days=int(row["total_working_days"]),
            **{name: _days(name, row[name]) for name in _PAYROLL_DAYS},
            holidays=int(row["holidays"] or 0),
            total_hours=_hours(row["total_hours"]),
            overtime_hours=_hours(row["overtime_hours"]) or Decimal("0"),
            **{name: c.money(row[name], default=Decimal("0")) for name in _PAYROLL_MONEY},
            allowances_breakdown=c.json_value(
                "allowances_breakdown", row["allowances_breakdown"], {}
            ),
            deductions_breakdown=c.json_value(
                "deductions_breakdown", row["deductions_breakdown"], {}
            ),
            status=status,
            is_locked=locked,
            processed_by_id=ctx.maybe_parent(
                "processed_by_user_id", "users", row["processed_by_user_id"]
            ),
            processed_at=c.utc_aware(row["processed_at"]),
            locked_at=c.utc_aware(row["locked_at"]),
            created_at=created,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.staff_id, obj.year, obj.month, obj.present_days, obj.net_salary,
                obj.basic_salary, obj.status, obj.is_locked)  # fmt: skip
