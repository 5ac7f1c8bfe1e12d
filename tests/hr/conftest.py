import itertools
from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth.models import Permission

from hr.models import Office, Staff
from tests.conftest import bearer_client
from tests.factories import UserFactory

OTP_CODE = "123456"
# The office's point, and a spot about 30 m away (inside its 100 m) and one ~1.1 km away.
OFFICE_AT = (12.4996, 74.9869)
NEARBY = (12.4998, 74.9871)
FAR_AWAY = (12.5096, 74.9869)

_phones = itertools.count(10)


def make_staff(**fields) -> Staff:
    n = next(_phones)
    values = {
        "employee_code": f"EMP{n:03d}",
        "first_name": "Meera",
        "last_name": f"Nair{n}",
        "email": f"meera{n}@lebrq.example",
        "phone": f"9{n:09d}",
        "role": "Coordinator",
        "department": "Events",
        "salary_type": "monthly",
        "fixed_salary": Decimal("27000.00"),
        "joining_date": date(2025, 1, 6),
    }
    values.update(fields)
    return Staff.objects.create(**values)


def hr_staff_user(**fields):
    user = UserFactory(staff=True, **fields)
    user.user_permissions.add(Permission.objects.get(codename="access_hr"))
    return user


@pytest.fixture
def hr_user(db):
    return hr_staff_user()


@pytest.fixture
def hr_client(hr_user):
    return bearer_client(hr_user)


@pytest.fixture
def office(db):
    return Office.objects.create(
        name="Kasaragod office",
        qr_id="OFFICE_testqr",
        latitude=OFFICE_AT[0],
        longitude=OFFICE_AT[1],
        allowed_radius=100.0,
    )


@pytest.fixture
def fixed_otp():
    """Every code accounts.otp makes is OTP_CODE (the SMS itself goes through the outbox)."""
    with mock.patch("accounts.otp.secrets.randbelow", return_value=int(OTP_CODE)):
        yield OTP_CODE
