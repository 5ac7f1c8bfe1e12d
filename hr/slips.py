"""Salary slips: the PDF of a processed month's pay (GET /hr/payroll/{id}/salary-slip,
app/admin/hr/payroll.tsx).

Rendered like invoices and refund receipts (docs/DESIGN.md, Background tasks): by the
`salary_slip_render` task in the task worker, with bookings.tasks' writer, into
INVOICE_DIR/salary-slips/<payroll id>/<version>.pdf, and served from the file by
bookings.invoices' pdf_response (503 + Retry-After past INVOICE_WAIT_SECONDS). No web worker
holds the PDF. The version is a hash of the printed page, so a slip is never stale; a
locked payroll never changes, so its slip never does.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string

from bookings.invoices import enqueue_unless_pending, pdf_response
from hr.choices import PayrollStatus
from hr.exceptions import PayrollNotFound, SalarySlipNotGenerated
from hr.models import Payroll
from hr.payroll import ALLOWANCE_KEYS, DEDUCTION_KEYS
from hr.tasks import salary_slip_render

SLIPS_FOLDER = "salary-slips"
SLIP_STATUSES = (PayrollStatus.PROCESSED, PayrollStatus.LOCKED)
LABELS = {
    "hra": "HRA",
    "travel": "Travel allowance",
    "food": "Food allowance",
    "pf": "Provident Fund (PF)",
    "esi": "ESI",
    "tds": "TDS",
}


@dataclass(frozen=True)
class SlipLine:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class SlipDocument:
    html: str
    path: Path

    @property
    def version(self) -> str:
        return self.path.stem


def slip_url(payroll_id: int) -> str:
    """What payroll.salary_slip_url holds once processed: this API's download path."""
    return f"/api/hr/payroll/{payroll_id}/salary-slip"


def payroll_for_slip(payroll_id: int) -> Payroll:
    payroll = Payroll.objects.select_related("staff").filter(pk=payroll_id).first()
    if payroll is None:
        raise PayrollNotFound()
    return payroll


def _lines(table: object, keys: tuple[str, ...]) -> list[SlipLine]:
    if not isinstance(table, dict):
        return []
    lines = [
        SlipLine(LABELS[key], Decimal(str(table[key])))
        for key in keys
        if table.get(key) not in (None, "") and Decimal(str(table[key])) != 0
    ]
    custom = table.get("custom")
    if isinstance(custom, dict):
        lines.extend(
            SlipLine(str(name).replace("_", " ").title(), Decimal(str(value)))
            for name, value in custom.items()
            if value not in (None, "")
        )
    return lines


def slip_document(payroll: Payroll) -> SlipDocument:
    earnings = [SlipLine("Salary for days paid", payroll.calculated_salary)]
    earnings += _lines(payroll.allowances_breakdown, ALLOWANCE_KEYS)
    if payroll.overtime_pay:
        earnings.append(SlipLine("Overtime pay", payroll.overtime_pay))
    deductions = _lines(payroll.deductions_breakdown, DEDUCTION_KEYS)
    if payroll.leave_deductions:
        deductions.append(SlipLine("Unpaid leave", payroll.leave_deductions))
    html = render_to_string(
        "hr/salary_slip.html",
        {
            "platform_name": settings.PLATFORM_NAME,
            "payroll": payroll,
            "staff": payroll.staff,
            "earnings": earnings,
            "total_earnings": payroll.calculated_salary
            + payroll.total_allowances
            + payroll.overtime_pay,
            "deductions": deductions,
            "total_deductions": payroll.total_deductions + payroll.leave_deductions,
        },
    )
    # Named by what is printed alone: locking a processed payroll changes its row, not its
    # slip, so the slip rendered when it was processed is the one downloaded.
    version = hashlib.sha256(html.encode()).hexdigest()[:24]
    path = Path(settings.INVOICE_DIR) / SLIPS_FOLDER / str(payroll.pk) / f"{version}.pdf"
    return SlipDocument(html=html, path=path)


def enqueue_slip_render(payroll_id: int) -> None:
    """Queue the render of the payroll's current slip (after processing, so a download
    usually finds it ready)."""
    payroll = Payroll.objects.select_related("staff").filter(pk=payroll_id).first()
    if payroll is None or payroll.status not in SLIP_STATUSES:
        return
    _enqueue_render(payroll, slip_document(payroll))


def _enqueue_render(payroll: Payroll, document: SlipDocument) -> None:
    enqueue_unless_pending(
        salary_slip_render,
        document.path,
        identity={"payroll_id": payroll.pk, "version": document.version},
    )


def salary_slip_response(request: HttpRequest, payroll_id: int) -> HttpResponseBase:
    """The processed (or locked) payroll's slip as a ranged download; PayrollNotFound,
    SalarySlipNotGenerated before processing, InvoiceNotReady (503) while rendering."""
    payroll = payroll_for_slip(payroll_id)
    if payroll.status not in SLIP_STATUSES:
        raise SalarySlipNotGenerated()
    document = slip_document(payroll)
    return pdf_response(
        request,
        path=document.path,
        filename=f"salary_slip_{payroll.staff_id}_{payroll.year}_{payroll.month:02d}.pdf",
        enqueue=lambda: _enqueue_render(payroll, document),
    )
