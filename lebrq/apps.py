from django.apps import AppConfig


class LebrqConfig(AppConfig):
    """The project package as an app: the shared admin helpers, their template and tag."""

    name = "lebrq"
    verbose_name = "LeBRQ"

    def ready(self) -> None:
        from lebrq import checks  # noqa: F401  (registers the system checks)
