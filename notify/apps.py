from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Messages to people outside the app (SMS now; WhatsApp and e-mail join here): an outbox
    row per message, sent by the task worker through one provider interface per kind."""

    name = "notify"
    verbose_name = "Outgoing messages"
