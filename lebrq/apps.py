from django.apps import AppConfig


class LebrqConfig(AppConfig):
    """The project package as an app: the shared admin helpers, their template and tag."""

    name = "lebrq"
    verbose_name = "LeBRQ"

    def ready(self) -> None:
        from django.conf import settings

        from lebrq import checks  # noqa: F401  (registers the system checks)

        if "invoices" in settings.STORAGES:
            # With a bucket (lebrq.object_storage): boto3 and django-storages, ~21 MB, imported
            # here so gunicorn's preload does it once for every worker, not on a first upload.
            import lebrq.bucket_storage  # noqa: F401
