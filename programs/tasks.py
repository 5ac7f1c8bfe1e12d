"""Program work for the task worker (queued every minute by `manage.py payments_tick`)."""

from django.tasks import task

from programs import services


@task()
def ticket_payments_return_unclaimed() -> int:
    """Refund ticket payments whose participants never came."""
    return services.ticket_payments_return_unclaimed()
