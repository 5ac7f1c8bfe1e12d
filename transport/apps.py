from django.apps import AppConfig


class TransportConfig(AppConfig):
    name = "transport"
    verbose_name = "Transport: vehicles, vehicle bookings, locations"

    def ready(self) -> None:
        from transport import checks  # noqa: F401  (registers the system checks)
