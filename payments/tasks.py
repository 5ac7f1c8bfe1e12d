"""Payment work for the task worker (`manage.py db_worker`): never in a web request."""

from django.tasks import task

from payments import services


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
