from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.choices import Role
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Create the superuser named by ADMIN_USERNAME / ADMIN_EMAIL / ADMIN_PASSWORD if it "
        "does not exist yet. Safe to run on every deploy: an existing account is left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        username = settings.ADMIN_USERNAME.strip()
        password = settings.ADMIN_PASSWORD
        if not username:
            raise CommandError("ADMIN_USERNAME is empty.")
        if User.objects.filter(username__iexact=username).exists():
            self.stdout.write(f"Admin user {username!r} already exists; left unchanged.")
            return
        if not password:
            # Never fall back to a default password (the legacy service seeded a known one).
            raise CommandError(
                f"No user {username!r} yet and ADMIN_PASSWORD is not set: set it to create one."
            )
        User.objects.create_superuser(
            username=username,
            email=settings.ADMIN_EMAIL or None,
            password=password,
            role=Role.ADMIN,
        )
        self.stdout.write(self.style.SUCCESS(f"Created admin user {username!r}."))
