from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.conf import settings
        from django.db.backends.signals import connection_created

        from ops.heap import configure_malloc

        # Before any thread starts (glibc fixes its arena count with the second arena); with
        # gunicorn's preload this runs in the master, and the forked workers inherit it.
        configure_malloc(
            arena_max=settings.HEAP_ARENA_MAX,
            mmap_threshold=settings.HEAP_MMAP_THRESHOLD_KB * 1024,
            trim_threshold=settings.HEAP_TRIM_THRESHOLD_KB * 1024,
        )

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
