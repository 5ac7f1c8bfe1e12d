"""Payroll rules (docs/HR.md, Payroll), and a month computed, processed, locked and its salary
slip downloaded, rendered by the real task worker (app/admin/hr/payroll.tsx's buttons)."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from hr import payroll as pay
from hr.models import Attendance, Leave, Payroll
from tests.conftest import bearer_client
from tests.hr.conftest import hr_staff_user, make_staff

MONTHLY = pay.PayTerms(
    salary_type="monthly",
    fixed_salary=Decimal("27000"),
    hourly_wage=None,
    allowances={"hra": 1000, "travel": "500", "custom": {"phone": 250.5}},
    deductions={"pf": 1800, "tds": 0},
)


def pdf_text(response) -> str:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def day(n: int, status: str = "present", hours: str | None = None, overtime: str = "0"):
    return pay.AttendanceDay(
        day=date(2026, 1, n),
        status=status,
        total_hours=Decimal(hours) if hours else None,
        overtime_hours=Decimal(overtime),
    )


def test_working_days_leave_out_sundays():
    assert len(pay.working_days(2026, 1)) == 27  # 4 Sundays
    assert len(pay.working_days(2026, 2)) == 24


def test_a_monthly_salary_pays_days_worked_paid_leave_and_holidays_and_shows_unpaid_leave():
    attendance = [day(n) for n in (1, 2, 3, 5, 6)]  # Jan 4 is a Sunday
    attendance += [day(7, "half_day"), day(8, "holiday"), day(9, "present", "10", "2")]
    attendance += [day(11, "present")]  # a Sunday worked counts
    leaves = [
        pay.ApprovedLeave("sick", date(2026, 1, 12), date(2026, 1, 13)),
        # Unpaid, spanning the month's end: only its January working days count.
        pay.ApprovedLeave("unpaid", date(2026, 1, 30), date(2026, 2, 3)),
    ]

    figures = pay.calculate(MONTHLY, 2026, 1, attendance, leaves)

    assert figures.total_working_days == 27
    assert figures.present_days == Decimal("7.5")  # 6 full days + a Sunday + a half
    assert figures.half_days == 1
    assert figures.holidays == 1
    assert figures.leave_days == 2
    assert figures.unpaid_leave_days == 2  # Jan 30 and 31
    # Jan 10, 14-17, 19-24, 26-29 and half of Jan 7: 15.5 days absent.
    assert figures.absent_days == Decimal("15.5")
    daily = Decimal("27000") / 27
    assert figures.calculated_salary == pay.money(daily * Decimal("12.5"))  # 7.5 + 2 + 1 + 2
    assert figures.leave_deductions == Decimal("2000.00")
    assert figures.total_allowances == Decimal("1750.50")
    assert figures.total_deductions == Decimal("1800.00")
    assert figures.overtime_pay == pay.money(
        Decimal("2") * Decimal("27000") / (27 * 8) * Decimal("1.5")
    )
    assert figures.net_salary == (
        figures.calculated_salary
        + figures.total_allowances
        + figures.overtime_pay
        - figures.total_deductions
        - figures.leave_deductions
    )
    assert figures.net_salary == Decimal("10825.50")
    assert figures.total_hours is None


def test_an_hourly_wage_pays_the_hours_worked():
    terms = pay.PayTerms("hourly", None, Decimal("150"), {}, {"esi": 100})
    attendance = [day(5, hours="8.5"), day(6, hours="9.25", overtime="1.25")]

    figures = pay.calculate(terms, 2026, 1, attendance, [])

    assert figures.total_hours == Decimal("17.75")
    assert figures.basic_salary == Decimal("0.00")
    assert figures.calculated_salary == Decimal("2662.50")
    assert figures.overtime_pay == Decimal("281.25")  # 1.25 h x 150 x 1.5
    assert figures.net_salary == Decimal("2843.75")


@pytest.mark.django_db(transaction=True)
def test_a_month_computed_processed_locked_and_its_slip_downloaded(task_worker):
    hr_client = bearer_client(hr_staff_user())
    staff = make_staff(
        first_name="Anu",
        last_name="Thomas",
        fixed_salary=Decimal("27000"),
        allowances={"hra": 1000},
        deductions={"pf": 1800},
        bank_name="Canara Bank",
        bank_account_number="000123456789",
    )
    for n in range(5, 10):
        Attendance.objects.create(staff=staff, attendance_date=date(2026, 1, n))
    leave = Leave.objects.create(
        staff=staff,
        leave_type="casual",
        start_date=date(2026, 1, 12),
        end_date=date(2026, 1, 12),
        total_days=1,
    )
    approved = hr_client.post(f"/api/hr/leave/{leave.pk}/approve", {"status": "approved"})
    assert approved.status_code == 200

    query = f"staff_id={staff.pk}&month=1&year=2026"
    calculated = hr_client.post(f"/api/hr/payroll/calculate?{query}").json()
    # 6 days paid (5 worked + 1 casual leave) of 27 at 1000 a day, + HRA - PF.
    assert (calculated["calculated_salary"], calculated["net_salary"]) == (6000.0, 5200.0)
    processed = hr_client.post(f"/api/hr/payroll/process?{query}").json()
    locked = hr_client.post(f"/api/hr/payroll/lock?{query}").json()
    assert (processed["status"], locked["status"], locked["is_locked"]) == (
        "processed",
        "locked",
        True,
    )

    slip = hr_client.get(locked["salary_slip_url"])

    assert slip.status_code == 200
    assert slip["Content-Type"] == "application/pdf"
    assert slip["Content-Disposition"] == (
        f'attachment; filename="salary_slip_{staff.pk}_2026_01.pdf"'
    )
    text = pdf_text(slip)
    for expected in (
        "SALARY SLIP",
        staff.employee_code,
        "Anu Thomas",
        "01 Jan 2026 to 31 Jan 2026",
        "6,000.00",
        "HRA",
        "Provident Fund (PF)",
        "Net salary: ₹ 5,200.00",
        "ending 6789",
    ):
        assert expected in text, expected
    assert "000123456789" not in text
    # Rendered by the worker (queued when processed), once.
    renders = DBTaskResult.objects.filter(task_path="hr.tasks.salary_slip_render")
    assert renders.count() == 1
    assert Payroll.objects.get().is_locked
