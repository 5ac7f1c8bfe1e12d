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
        from django.tasks.signals import log_task_started, task_started

        from ops import task_telemetry  # noqa: F401

        # Django's "Task ... state=RUNNING" line after ours opens the task's context, so that
        # line carries the request id too (receivers run in the order they were connected).
        task_started.disconnect(log_task_started)
        task_started.connect(log_task_started)
