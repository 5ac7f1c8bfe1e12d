import pytest
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_ensure_admin_creates_a_superuser_once(settings):
    settings.ADMIN_USERNAME = "root-admin"
    settings.ADMIN_EMAIL = "root@example.com"
    settings.ADMIN_PASSWORD = "a-long-admin-passphrase"

    call_command("ensure_admin")
    call_command("ensure_admin")

    admin = User.objects.get(username="root-admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.role == "admin"
    assert admin.check_password("a-long-admin-passphrase")
    assert User.objects.filter(username="root-admin").count() == 1


def test_ensure_admin_leaves_an_existing_password_alone(settings):
    settings.ADMIN_USERNAME = "root-admin"
    settings.ADMIN_PASSWORD = "first-passphrase-1"
    call_command("ensure_admin")

    settings.ADMIN_PASSWORD = "second-passphrase-2"
    call_command("ensure_admin")

    assert User.objects.get(username="root-admin").check_password("first-passphrase-1")


def test_ensure_admin_refuses_to_invent_a_password(settings):
    settings.ADMIN_USERNAME = "root-admin"
    settings.ADMIN_PASSWORD = ""

    with pytest.raises(CommandError, match="ADMIN_PASSWORD"):
        call_command("ensure_admin")
    assert not User.objects.exists()
