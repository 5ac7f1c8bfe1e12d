"""The legacy HR tables through import_legacy: offices, staff and their documents, attendance,
leave and payroll."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from hr.models import Attendance, Leave, Office, Payroll, Staff, StaffDocument
from tests.legacy import legacy_db
from tests.legacy.test_import import _import

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
HR_TABLES = {"offices", "staff", "staff_documents", "attendance", "leaves", "payroll"}


def _run(legacy_files, tmp_path, data, *flags):
    legacy_db.build(data)
    try:
        return _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, *flags)
    finally:
        legacy_db.drop()


def test_hr_records_keep_ids_money_days_and_locks(legacy_files, tmp_path):
    report = _run(legacy_files, tmp_path, legacy_db.rows(), "--on-invalid", "fix")

    assert report["committed"] is True, report["failures"]
    for table in HR_TABLES:
        assert report["checks"]["counts"][table]["skipped"] == 0, table
    assert not {entry["table"] for entry in report["ledger"]} & HR_TABLES
    # Plain-text one-time codes are not carried over (and not reported as lost data).
    assert "attendance_otps" not in {entry["table"] for entry in report["ledger"]}
    assert report["tables"]["payroll"]["money_new"]["net_salary"] == "22490.73"

    office = Office.objects.get(pk=1)
    assert (office.qr_id, office.allowed_radius, office.created_by_id) == (
        "OFFICE_INVENTED1",
        150.0,
        1,
    )
    assert office.latitude == pytest.approx(12.4996, abs=1e-4)

    staff = Staff.objects.get(pk=3)
    assert (staff.employee_code, staff.user_id, staff.email) == (
        "EMP-INV-3",
        7,
        "clerk@example.test",
    )
    assert (staff.aadhar_number, staff.pan_number) == ("999988887777", "ABCDE1234F")
    assert staff.fixed_salary == Decimal("23456.78")
    assert (staff.allowances, staff.deductions) == ({"travel": 1000}, {"pf": 500})

    # The ID proof is a private upload now, not a file on the old server.
    document = StaffDocument.objects.select_related("upload").get(pk=5)
    assert (document.staff_id, document.document_type, document.legacy_url) == (3, "id", "")
    assert document.upload is not None
    assert document.upload.is_public is False

    day = Attendance.objects.get(pk=8)
    assert (day.total_hours, day.overtime_hours) == (Decimal("9.25"), Decimal("1.25"))
    assert day.check_out_time == T0 + timedelta(hours=9, minutes=15)
    assert day.check_in_ip_address == "203.0.113.7"

    leave = Leave.objects.get(pk=4)
    assert (leave.leave_type, leave.status, leave.total_days) == (
        "sick",
        "approved",
        Decimal("1.5"),
    )

    payroll = Payroll.objects.get(pk=6)
    assert (payroll.year, payroll.month, payroll.present_days) == (2025, 2, Decimal("22.5"))
    # Locked in the legacy with status "processed": ours says locked in both.
    assert (payroll.is_locked, payroll.status) == (True, "locked")
    assert payroll.net_salary == Decimal("22490.73")
    # The slip is rendered again from the row; the legacy's file URL is not kept.
    assert payroll.salary_slip_url == ""


def test_a_second_attendance_row_for_one_day_is_refused(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["attendance"].append({**data["attendance"][0], "id": 9})

    report = _run(legacy_files, tmp_path, data, "--on-invalid", "skip")

    assert report["committed"] is True, report["failures"]
    assert list(Attendance.objects.values_list("pk", flat=True)) == [8]
    refused = [r for r in report["rows"] if r["table"] == "attendance"]
    assert [(r["legacy_id"], r["column"], r["action"]) for r in refused] == [
        (9, "attendance_date", "skipped")
    ]


def test_two_staff_records_with_one_aadhar_number_are_refused(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["staff"].append(
        {**data["staff"][0], "id": 4, "employee_code": "EMP-INV-4", "user_id": None,
         "email": "other@example.test", "pan_number": None}
    )  # fmt: skip

    report = _run(legacy_files, tmp_path, data, "--on-invalid", "skip")

    assert report["committed"] is True, report["failures"]
    assert list(Staff.objects.values_list("pk", flat=True)) == [3]
    refused = [r for r in report["rows"] if r["table"] == "staff"]
    assert [(r["legacy_id"], r["column"]) for r in refused] == [(4, "aadhar_number")]


def test_an_office_radius_out_of_range_is_clamped_only_when_fixing(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["offices"][0]["allowed_radius"] = 5000.0

    report = _run(legacy_files, tmp_path, data, "--on-invalid", "fix")

    assert report["committed"] is True, report["failures"]
    assert Office.objects.get(pk=1).allowed_radius == 1000.0
    notes = [r for r in report["rows"] if r["table"] == "offices"]
    assert [(r["legacy_id"], r["action"]) for r in notes] == [(1, "fixed: clamped to 10..1000 m")]
