"""Sending a broker the credentials of the account staff made (the invitation e-mail).

One interface, two backends chosen by MESSAGING_EMAIL_BACKEND, the project's e-mail setting:
"console" (the default: a log line, the password left out of it) and "smtp" (Django's mailer,
settings.MAILERS["default"]). Called only from the task worker (brokers/tasks.py).
"""

import logging
import smtplib
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, mailers

logger = logging.getLogger(__name__)

SUBJECT = "Your LeBRQ broker account"


class InviteMailer(Protocol):
    name: str

    def send(self, *, to: str, username: str, password: str) -> bool: ...


def invitation_body(username: str, password: str) -> str:
    return (
        "You have been invited to LeBRQ as a broker.\n\n"
        f"Username: {username}\n"
        f"Temporary password: {password}\n\n"
        "Please log in and change your password."
    )


class ConsoleInviteMailer:
    name = "console"

    def send(self, *, to: str, username: str, password: str) -> bool:
        # A password never goes to a log, not even in development.
        logger.info("Broker invitation to %s for %s (password not logged)", to, username)
        return True


class SmtpInviteMailer:
    name = "smtp"

    def send(self, *, to: str, username: str, password: str) -> bool:
        email = EmailMessage(
            subject=SUBJECT,
            body=invitation_body(username, password),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[to],
        )
        try:
            return bool(mailers["default"].send_messages([email]))
        except (OSError, smtplib.SMTPException) as exc:
            logger.warning("Broker invitation to %s not sent: %s", to, type(exc).__name__)
            return False


def invite_mailer() -> InviteMailer:
    choice = settings.MESSAGING_EMAIL_BACKEND
    if choice == "console":
        return ConsoleInviteMailer()
    if choice == "smtp":
        return SmtpInviteMailer()
    raise ImproperlyConfigured(f"MESSAGING_EMAIL_BACKEND must be console or smtp, not {choice!r}.")
