from django.apps import AppConfig


class MessagingConfig(AppConfig):
    """Customers and staff talking: message threads, voice notes, in-app notifications, guest
    invitations and WhatsApp, with every outgoing message sent by the task worker through one
    provider interface per channel (messaging/__init__.py)."""

    name = "messaging"
    verbose_name = "Messaging"

    def ready(self) -> None:
        # The events of other apps that tell a customer something (bookings approved or
        # rejected, payments received, refunds processed).
        from messaging import signals  # noqa: F401
