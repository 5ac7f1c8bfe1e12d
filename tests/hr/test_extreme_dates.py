"""Dates at the ends of the calendar (issue 19): a list's bounds beyond what the database
stores are moved inside it, a leave's dates outside it are a 400; never a 500."""

from datetime import date

import pytest

from hr.models import Attendance, Leave
from tests.hr.conftest import make_staff

pytestmark = pytest.mark.django_db

ERROR_SHAPE = {"detail", "message", "code"}


@pytest.fixture
def hr_client(hr_client):
    # A 500 comes back as a response to assert on, not as the exception.
    hr_client.raise_request_exception = False
    return hr_client


@pytest.fixture
def rows_at_the_ends():
    """Rows on the first and last day the bounds are moved to, and one in between."""
    staff = make_staff()
    days = (date(1000, 1, 2), date(2026, 1, 7), date(9999, 12, 30))
    attendance = [Attendance.objects.create(staff=staff, attendance_date=day) for day in days]
    leaves = [
        Leave.objects.create(
            staff=staff, leave_type="casual", start_date=day, end_date=day, total_days=1
        )
        for day in days
    ]
    return attendance, leaves


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("0001-01-01", "9999-12-31", [2, 1, 0]),
        ("0001-01-01", "0001-01-05", [0]),
        ("9999-12-31", "9999-12-31", [2]),
        ("0001-01-01", None, [2, 1, 0]),
        (None, "0001-01-01", [0]),
    ],
    ids=["all-time", "year-1", "year-9999", "from-year-1", "to-year-1"],
)
@pytest.mark.parametrize("which", ["attendance", "leave"])
def test_list_bounds_beyond_the_database_are_moved_inside_it(
    hr_client, rows_at_the_ends, which, start, end, expected
):
    rows = dict(zip(("attendance", "leave"), rows_at_the_ends, strict=True))[which]
    query = {k: v for k, v in {"start_date": start, "end_date": end}.items() if v}

    response = hr_client.get(f"/api/hr/{which}", query)

    assert response.status_code == 200, response.content
    assert sorted(row["id"] for row in response.json()) == sorted(rows[i].pk for i in expected)


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "0001-01-01"), ("9999-12-31", "9999-12-31"), ("0001-01-01", "9999-12-31")],
)
def test_a_leave_outside_the_stored_calendar_is_a_400(hr_client, start, end):
    staff = make_staff()

    response = hr_client.post(
        "/api/hr/leave",
        {"staff_id": staff.pk, "leave_type": "casual", "start_date": start, "end_date": end},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) >= ERROR_SHAPE
    assert not Leave.objects.exists()


def test_a_leave_lasts_at_most_a_year(hr_client):
    """1000-01-02 to 9999-12-30 are both storable, but ~3.3 million days overflowed the
    days column into a 500; 367 days are refused, a leap year is taken."""
    staff = make_staff()

    def apply(start: str, end: str):
        body = {"staff_id": staff.pk, "leave_type": "casual", "start_date": start, "end_date": end}
        return hr_client.post("/api/hr/leave", body, format="json")

    whole_range = apply("1000-01-02", "9999-12-30")
    too_long = apply("2027-01-01", "2028-01-02")  # 367 days
    a_year = apply("2028-01-01", "2028-12-31")  # 366 days: a leap year

    assert whole_range.status_code == too_long.status_code == 400
    assert set(too_long.json()) >= ERROR_SHAPE
    assert "end_date" in too_long.json()["errors"]
    assert a_year.status_code == 201, a_year.content
    assert list(Leave.objects.values_list("total_days", flat=True)) == [366]
