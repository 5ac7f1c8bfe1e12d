"""A month's pay from attendance and approved leave: pure arithmetic on Decimals, no database.

The rules (docs/HR.md, Payroll) keep the legacy's fields and intent (routers/payroll.py
calculate_monthly_payroll) and fix what it got wrong: its allowance and deduction sums called
sum() with four arguments (a TypeError, so the legacy never computed a payroll), it counted a
leave's whole length in every month it touched, left paid leave unpaid and took unpaid leave
off twice.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hr.choices import AttendanceStatus, LeaveType, SalaryType

ZERO = Decimal("0")
HALF = Decimal("0.5")
CENT = Decimal("0.01")
STANDARD_HOURS_PER_DAY = Decimal("8")
OVERTIME_RATE = Decimal("1.5")
SUNDAY = 6
ALLOWANCE_KEYS = ("hra", "travel", "food")
DEDUCTION_KEYS = ("pf", "esi", "tds")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def working_days(year: int, month: int) -> list[date]:
    """The month's days but Sundays (the legacy's working days)."""
    first, last = month_bounds(year, month)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() != SUNDAY]


def amount_sum(table: Mapping[str, Any] | None, keys: Iterable[str]) -> Decimal:
    """The named amounts of an allowances/deductions table plus its `custom` ones."""
    table = table or {}
    values: list[Any] = [table.get(key) for key in keys]
    custom = table.get("custom")
    if isinstance(custom, Mapping):
        values.extend(custom.values())
    return sum((Decimal(str(value)) for value in values if value not in (None, "")), ZERO)


@dataclass(frozen=True)
class AttendanceDay:
    day: date
    status: str
    total_hours: Decimal | None
    overtime_hours: Decimal


@dataclass(frozen=True)
class ApprovedLeave:
    leave_type: str
    start_date: date
    end_date: date


@dataclass(frozen=True)
class PayTerms:
    salary_type: str
    fixed_salary: Decimal | None
    hourly_wage: Decimal | None
    allowances: Mapping[str, Any]
    deductions: Mapping[str, Any]


@dataclass(frozen=True)
class PayrollFigures:
    period_start: date
    period_end: date
    total_working_days: int
    present_days: Decimal
    absent_days: Decimal
    leave_days: Decimal
    unpaid_leave_days: Decimal
    half_days: Decimal
    holidays: int
    total_hours: Decimal | None
    overtime_hours: Decimal
    basic_salary: Decimal
    calculated_salary: Decimal
    total_allowances: Decimal
    overtime_pay: Decimal
    total_deductions: Decimal
    leave_deductions: Decimal
    net_salary: Decimal
    allowances_breakdown: dict[str, Any]
    deductions_breakdown: dict[str, Any]


def calculate(
    terms: PayTerms,
    year: int,
    month: int,
    attendance: Iterable[AttendanceDay],
    leaves: Iterable[ApprovedLeave],
) -> PayrollFigures:
    first, last = month_bounds(year, month)
    workdays = working_days(year, month)
    by_day = {row.day: row for row in attendance if first <= row.day <= last}
    leave_type_of: dict[date, str] = {}
    for leave in leaves:
        day = max(leave.start_date, first)
        while day <= min(leave.end_date, last):
            leave_type_of.setdefault(day, leave.leave_type)
            day += timedelta(days=1)

    present = absent = paid_leave = unpaid_leave = half_days = ZERO
    holidays = 0

    def on_leave(day: date) -> bool:
        nonlocal paid_leave, unpaid_leave
        kind = leave_type_of.get(day)
        if kind is None:
            return False
        if kind == LeaveType.UNPAID:
            unpaid_leave += 1
        else:
            paid_leave += 1
        return True

    # Sundays count only when worked; every other day is one of: present, half a day present
    # (the other half absent, or on leave), holiday, leave (paid or unpaid), absent.
    for day in sorted(set(workdays) | set(by_day)):
        row = by_day.get(day)
        status = row.status if row is not None else None
        sunday = day.weekday() == SUNDAY
        if status == AttendanceStatus.PRESENT:
            present += 1
        elif status == AttendanceStatus.HALF_DAY:
            present += HALF
            half_days += 1
            kind = leave_type_of.get(day)
            if sunday:
                pass
            elif kind == LeaveType.UNPAID:
                unpaid_leave += HALF
            elif kind is not None:
                paid_leave += HALF
            else:
                absent += HALF
        elif sunday:
            continue
        elif status == AttendanceStatus.HOLIDAY:
            holidays += 1
        elif status == AttendanceStatus.LEAVE:
            if not on_leave(day):
                paid_leave += 1  # HR marked the day as leave without a request: paid
        elif not on_leave(day):
            absent += 1

    rows = list(by_day.values())
    hours = sum((row.total_hours or ZERO for row in rows), ZERO)
    overtime = sum((row.overtime_hours for row in rows), ZERO)
    working_day_count = len(workdays)
    allowances = amount_sum(terms.allowances, ALLOWANCE_KEYS)
    deductions = amount_sum(terms.deductions, DEDUCTION_KEYS)

    if terms.salary_type == SalaryType.HOURLY:
        basic = ZERO
        wage = terms.hourly_wage or ZERO
        calculated = money(hours * wage)
        hourly_rate = wage
        leave_deductions = ZERO
    else:
        basic = terms.fixed_salary or ZERO
        daily_rate = basic / working_day_count
        # Paid for the days worked, on paid leave or holiday, and for unpaid leave days too,
        # which leave_deductions then takes off again: the slip shows that deduction.
        credited = present + paid_leave + holidays + unpaid_leave
        calculated = money(daily_rate * credited)
        leave_deductions = money(daily_rate * unpaid_leave)
        hourly_rate = basic / (working_day_count * STANDARD_HOURS_PER_DAY)
    overtime_pay = money(overtime * hourly_rate * OVERTIME_RATE)
    total_allowances = money(allowances)
    total_deductions = money(deductions)
    net = calculated + total_allowances + overtime_pay - total_deductions - leave_deductions
    return PayrollFigures(
        period_start=first,
        period_end=last,
        total_working_days=working_day_count,
        present_days=present,
        absent_days=absent,
        leave_days=paid_leave,
        unpaid_leave_days=unpaid_leave,
        half_days=half_days,
        holidays=holidays,
        total_hours=hours if terms.salary_type == SalaryType.HOURLY else None,
        overtime_hours=overtime,
        basic_salary=money(basic),
        calculated_salary=calculated,
        total_allowances=total_allowances,
        overtime_pay=overtime_pay,
        total_deductions=total_deductions,
        leave_deductions=leave_deductions,
        net_salary=net,
        allowances_breakdown=dict(terms.allowances or {}),
        deductions_breakdown=dict(terms.deductions or {}),
    )
