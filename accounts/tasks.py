"""Account upkeep for the task worker (`manage.py db_worker`), queued by payments_tick."""

from django.tasks import task

from accounts.tokens import expired_tokens_flush


@task()
def expired_tokens_flush_task() -> int:
    """Forget refresh tokens past their expiry (simplejwt's flushexpiredtokens, bounded)."""
    return expired_tokens_flush()
