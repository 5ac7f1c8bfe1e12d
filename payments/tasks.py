"""Payment work for the task worker (`manage.py db_worker`): never in a web request."""

from django.tasks import task

from bookings.tasks import write_invoice_pdf
from payments import services
from payments.choices import RefundStatus


@task()
def refund_send(refund_id: int) -> str:
    """Send one refund through the gateway; safe to rerun (services.refund_process)."""
    return str(services.refund_process(refund_id).status)


@task()
def payment_holds_expire() -> int:
    """Expire unpaid bookings whose hold ran out."""
    return services.payment_holds_expire()


@task()
def reconcile_payments() -> dict[str, int]:
    """Settle orders left pending, return unclaimed money, retry stuck refunds."""
    return services.reconcile_payments()


@task()
def refund_receipt_render(refund_id: int, version: str) -> str | None:
    """Write the completed refund's current receipt PDF if it is missing; its file name, or
    None if the refund is gone or not completed. Idempotent, like bookings' invoice_render
    (whose writer it uses: WeasyPrint is loaded only there, in the task worker)."""
    # Imported here, not at the top: payments.receipts enqueues this task.
    from payments.receipts import RefundNotFound, receipt_document, refund_for_receipt

    try:
        refund = refund_for_receipt(refund_id)
    except RefundNotFound:
        return None
    if refund.status != RefundStatus.COMPLETED:
        return None
    document = receipt_document(refund)
    write_invoice_pdf(document.html, document.path)
    return document.path.name
