"""Contest work for the task worker (`manage.py db_worker`)."""

from collections.abc import Sequence

from django.conf import settings
from django.tasks import task

from contests import services


@task()
def contest_invitations_batch(
    contest_id: int, requested: Sequence[str], after_id: int, user_ids: Sequence[int] | None
) -> int:
    """Invite one batch of customers, then queue the next batch: never every customer at
    once. Rerunning a batch sends nothing twice (services.invitations_send_batch)."""
    last = services.invitations_send_batch(
        contest_id=contest_id,
        requested=list(requested),
        after_id=after_id,
        user_ids=list(user_ids) if user_ids is not None else None,
    )
    if last is not None:
        contest_invitations_batch.enqueue(
            contest_id=contest_id, requested=list(requested), after_id=last, user_ids=user_ids
        )
    return last or 0


@task()
def contest_proofs_sweep() -> int:
    """Delete proofs no entry claimed within CONTEST_PROOF_UNCLAIMED_HOURS (queued every
    minute by `manage.py payments_tick`, settings.PERIODIC_TASKS)."""
    return services.proofs_sweep(older_than_hours=settings.CONTEST_PROOF_UNCLAIMED_HOURS)
