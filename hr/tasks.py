"""HR work for the task worker: salary slip PDFs."""

from django.tasks import task

from bookings.tasks import write_invoice_pdf
from hr.models import Payroll


@task()
def salary_slip_render(payroll_id: int, version: str) -> str | None:
    """Write the payroll's current salary slip PDF if it is missing; its file name, or None if
    the payroll is gone or not processed. Idempotent, like bookings' invoice_render (whose
    writer it uses: WeasyPrint is loaded only there, in the task worker)."""
    # Imported here, not at the top: hr.slips enqueues this task.
    from hr.slips import SLIP_STATUSES, slip_document

    payroll = Payroll.objects.select_related("staff").filter(pk=payroll_id).first()
    if payroll is None or payroll.status not in SLIP_STATUSES:
        return None
    document = slip_document(payroll)
    write_invoice_pdf(document.html, document.path)
    return document.path.name
