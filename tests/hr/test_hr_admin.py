"""Every HR model is in the admin, its pages open, lists do not grow queries with rows, and
only HR staff see staff records there."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from hr.models import Attendance, Leave, Payroll
from tests.factories import UserFactory
from tests.hr.conftest import make_staff

pytestmark = pytest.mark.django_db


def url(model, page: str = "changelist") -> str:
    return reverse(f"admin:hr_{model._meta.model_name}_{page}")


def _rows(n: int) -> None:
    for _ in range(n):
        staff = make_staff()
        Attendance.objects.create(staff=staff, attendance_date=date(2026, 1, 7))
        Leave.objects.create(
            staff=staff,
            leave_type="sick",
            start_date=date(2026, 1, 8),
            end_date=date(2026, 1, 8),
            total_days=1,
        )
        Payroll.objects.create(
            staff=staff,
            month=1,
            year=2026,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 1, 31),
            total_working_days=27,
            present_days=Decimal("1"),
            basic_salary=Decimal("100"),
            calculated_salary=Decimal("3.70"),
            net_salary=Decimal("3.70"),
        )


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_hr_model_is_registered_and_its_pages_open(superuser_client, office):
    _rows(1)
    for model in apps.get_app_config("hr").get_models():
        assert model in admin.site._registry, model
        assert superuser_client.get(url(model)).status_code == 200, model
        if model is not Payroll:
            assert superuser_client.get(url(model, "add")).status_code == 200, model
    # Payroll is read-only there: a locked month cannot change.
    assert superuser_client.get(url(Payroll, "add")).status_code == 403


@pytest.mark.parametrize("model", [Attendance, Leave, Payroll], ids=lambda m: m.__name__)
def test_changelists_do_not_grow_queries_with_rows(
    superuser_client, django_assert_max_num_queries, model
):
    _rows(1)
    with django_assert_max_num_queries(50) as one:
        assert superuser_client.get(url(model)).status_code == 200
    _rows(15)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert superuser_client.get(url(model)).status_code == 200


def test_other_staff_do_not_see_staff_records():
    client = Client()
    client.force_login(UserFactory(staff=True))
    make_staff()
    assert client.get(url(apps.get_model("hr", "Staff"))).status_code == 403
