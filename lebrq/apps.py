from django.apps import AppConfig


class LebrqConfig(AppConfig):
    """The project package as an app: the shared admin helpers, their template and tag."""

    name = "lebrq"
    verbose_name = "LeBRQ"
