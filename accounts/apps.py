from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import user_cache  # noqa: F401 - drops a changed user's cached row
        from accounts.api import schema  # noqa: F401 - registers the OpenAPI auth extension
