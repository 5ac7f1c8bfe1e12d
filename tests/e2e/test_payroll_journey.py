"""A month's payroll, as the HR screens (app/admin/hr/payroll.tsx) make their calls, against the
real server: gunicorn + uvicorn workers and the task worker on MariaDB.

an employee joins (POST /hr/staff) -> a month of attendance (recorded by the QR scans; written
here directly, the OTP goes by SMS) -> calculate -> process -> lock -> the salary slip PDF,
rendered by the task worker (503 with Retry-After until it is ready), downloaded whole and by
range -> a locked month refuses to change.

Run with `make e2e` (database lebrq_payroll_journey_e2e, dropped and recreated).
"""

import io
import os
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pypdf import PdfReader

from tests.e2e.stack import (
    DEFAULT_DATABASE_URL,
    Gunicorn,
    app_environment,
    manage,
    prepare_database,
)

pytestmark = pytest.mark.e2e

PORT = 19151
STAFF = ("staff", "staff-pass-123")
# Last month: whole, in the past, so the figures do not move while the test runs.
FIRST = (datetime.now(UTC).date().replace(day=1) - timedelta(days=1)).replace(day=1)

# The seed's staff member is given the HR screens (the permission docs/HR.md names, given
# through the admin in production).
GRANT_HR = """
from django.contrib.auth.models import Permission
from accounts.models import User
User.objects.get(username="staff").user_permissions.add(
    Permission.objects.get(content_type__app_label="hr", codename="access_hr")
)
"""
# The employee's attendance for the month's first five days that are not Sundays.
ATTENDANCE = f"""
from datetime import date, timedelta
from hr.models import Attendance, Staff
staff = Staff.objects.get(pk=STAFF_ID)
day, recorded = date({FIRST.year}, {FIRST.month}, 1), 0
while recorded < 5:
    if day.weekday() != 6:
        Attendance.objects.create(staff=staff, attendance_date=day)
        recorded += 1
    day += timedelta(days=1)
"""
# The server numbers employees itself (as the legacy did): no employee_code is sent.
EMPLOYEE = {
    "first_name": "Anu",
    "last_name": "Thomas",
    "email": "anu@example.test",
    "phone": "9800000011",
    "role": "Coordinator",
    "department": "Events",
    "salary_type": "monthly",
    "fixed_salary": 26000,
    "joining_date": (FIRST - timedelta(days=60)).isoformat(),
    "allowances": {"hra": 2000},
    "deductions": {"pf": 1800},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("payroll-journey")
    stack_url = os.environ.get("E2E_DATABASE_URL", DEFAULT_DATABASE_URL)
    database_url = stack_url.removesuffix("_e2e") + "_payroll_journey_e2e"
    env = app_environment(workdir, database_url, FILE_SERVE_MODE="django")
    prepare_database(env)
    server = Gunicorn(env, PORT, workdir / "gunicorn.log")
    server.start()
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{PORT}/api", timeout=60) as client:
            yield env, client
    finally:
        server.stop()


def login(api: httpx.Client, credentials: tuple[str, str]) -> dict[str, str]:
    username, password = credentials
    response = api.post("/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_a_month_is_calculated_processed_locked_and_its_slip_downloaded(stack):
    env, api = stack
    hr = login(api, STAFF)
    # Staff without the HR permission are refused (docs/HR.md).
    assert api.post("/hr/staff", json=EMPLOYEE, headers=hr).status_code == 403
    # Granted now, it counts at once: checked per request, not baked into the token.
    manage(env, "shell", "-c", GRANT_HR)
    joined = api.post("/hr/staff", json=EMPLOYEE, headers=hr)
    assert joined.status_code == 201, joined.text
    staff_id = joined.json()["id"]
    manage(env, "shell", "-c", ATTENDANCE.replace("STAFF_ID", str(staff_id)))
    period = f"staff_id={staff_id}&month={FIRST.month}&year={FIRST.year}"

    calculated = api.post(f"/hr/payroll/calculate?{period}", headers=hr)
    assert calculated.status_code == 200, calculated.text
    payroll = calculated.json()
    assert (payroll["status"], payroll["present_days"], payroll["salary_slip_url"]) == (
        "draft",
        5.0,
        None,
    )
    assert payroll["total_allowances"] == 2000.0
    assert payroll["total_deductions"] == 1800.0
    net = payroll["net_salary"]
    assert 0 < net < 26000
    # Not processed yet: nothing to lock, no slip.
    assert api.post(f"/hr/payroll/lock?{period}", headers=hr).status_code == 409
    assert api.get(f"/hr/payroll/{payroll['id']}/salary-slip", headers=hr).status_code == 404

    processed = api.post(f"/hr/payroll/process?{period}", headers=hr).json()
    assert processed["salary_slip_url"] == f"/api/hr/payroll/{payroll['id']}/salary-slip"
    locked = api.post(f"/hr/payroll/lock?{period}", headers=hr).json()
    assert (locked["status"], locked["is_locked"]) == ("locked", True)

    slip_path = processed["salary_slip_url"].removeprefix("/api")
    deadline = time.monotonic() + 90
    while (slip := api.get(slip_path, headers=hr)).status_code == 503:
        assert slip.headers["Retry-After"]
        assert time.monotonic() < deadline, "the task worker did not render the slip"
        time.sleep(0.5)
    assert slip.status_code == 200, slip.text[:300]
    assert slip.headers["content-type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(slip.content)).pages)
    assert "Anu Thomas" in text
    assert f"{net:,.2f}" in text or f"{net:.2f}" in text
    # A range of it, as a download manager or the browser's PDF viewer asks.
    part = api.get(slip_path, headers={**hr, "Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.content == slip.content[:100]

    # A locked month never changes.
    for action in ("calculate", "process", "lock"):
        refused = api.post(f"/hr/payroll/{action}?{period}", headers=hr)
        assert (refused.status_code, refused.json()["code"]) == (409, "payroll_locked"), action
    listed = api.get(f"/hr/payroll?month={FIRST.month}&year={FIRST.year}", headers=hr).json()
    assert [(row["id"], row["net_salary"]) for row in listed] == [(payroll["id"], net)]
