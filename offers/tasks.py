"""Offer work for the task worker."""

from django.tasks import task

from offers import services


@task()
def uses_release_unpaid() -> int:
    """Give back coupon and offer uses of bookings that ended unpaid, and delete quotes too
    old to claim (every minute)."""
    services.quotes_prune()
    return services.uses_release_unpaid()


@task()
def offer_notify_all(offer_id: int, actor_id: int | None) -> int:
    """Tell every customer with a mobile about a festival offer, in batches, once each."""
    return services.offer_notify_all(offer_id=offer_id, actor_id=actor_id)
