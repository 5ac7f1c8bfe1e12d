"""Work for the task worker (`manage.py db_worker`), never a web request."""

import logging
import secrets

from django.tasks import task

from accounts.models import BrokerProfile
from brokers.providers import invite_mailer

logger = logging.getLogger(__name__)


@task()
def broker_invite_send(broker_id: int) -> str:
    """Give the broker's account a new temporary password and e-mail it to them.

    The password is made here, in the worker, so it is never stored in the clear (not in the
    task's arguments either). Safe to rerun: each run sends a password that works, and the
    previous one stops working, as the legacy's invite did.
    """
    profile = BrokerProfile.objects.select_related("user").filter(pk=broker_id).first()
    if profile is None or not profile.contact_email:
        return "no broker or no contact e-mail"
    password = secrets.token_urlsafe(8)
    user = profile.user
    user.set_password(password)
    user.save(update_fields=["password"])
    mailer = invite_mailer()
    if not mailer.send(to=profile.contact_email, username=user.username, password=password):
        return f"refused by {mailer.name}"
    return f"sent by {mailer.name}"
