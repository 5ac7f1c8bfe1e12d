from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from lebrq.logs import install_query_meter

        # Count and time every query into its request; warn about slow ones.
        connection_created.connect(install_query_meter, dispatch_uid="lebrq-query-meter")
        # The task signals' receivers: request ids into tasks, task outcome metrics.
        from ops import task_telemetry  # noqa: F401
