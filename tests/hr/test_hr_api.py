"""The HR screens' calls with the bodies their call sites send and read (app/admin/hr/*.tsx,
app/staff.tsx), and who may make them."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import OtpChallenge
from hr.models import Attendance, Leave, Office, Payroll, Staff
from tests.conftest import bearer_client
from tests.factories import UserFactory
from tests.hr.conftest import FAR_AWAY, NEARBY, OTP_CODE, make_staff

pytestmark = pytest.mark.django_db

ANY = object()


def naive_utc(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


# --- Authorization ------------------------------------------------------------------------------

HR_CALLS = [
    ("get", "/api/hr/staff"),
    ("post", "/api/hr/staff"),
    ("get", "/api/hr/staff/{staff}"),
    ("put", "/api/hr/staff/{staff}"),
    ("delete", "/api/hr/staff/{staff}"),
    ("get", "/api/hr/attendance"),
    ("get", "/api/hr/attendance/scan-office-info?qr_id=OFFICE_testqr"),
    ("post", "/api/hr/attendance/send-otp"),
    ("post", "/api/hr/attendance/verify-otp"),
    ("get", "/api/hr/dashboard/stats"),
    ("get", "/api/hr/leave"),
    # Apply: HR staff or an employee linked to a staff record (below); others before the body.
    ("post", "/api/hr/leave"),
    ("get", "/api/hr/leave/pending"),
    ("post", "/api/hr/leave/{leave}/approve"),
    ("get", "/api/hr/office"),
    ("post", "/api/hr/office"),
    ("put", "/api/hr/office/{office}"),
    ("delete", "/api/hr/office/{office}"),
    ("get", "/api/hr/office/{office}/generate-qr"),
    ("get", "/api/hr/office/{office}/view-qr"),
    ("get", "/api/hr/payroll"),
    ("post", "/api/hr/payroll/calculate?staff_id={staff}&month=1&year=2026"),
    ("post", "/api/hr/payroll/process?staff_id={staff}&month=1&year=2026"),
    ("post", "/api/hr/payroll/lock?staff_id={staff}&month=1&year=2026"),
    ("get", "/api/hr/payroll/{payroll}/salary-slip"),
]


@pytest.mark.parametrize(("method", "path"), HR_CALLS)
@pytest.mark.parametrize(
    ("persona", "expected"), [("anonymous", 401), ("customer", 403), ("other_staff", 403)]
)
def test_hr_calls_are_for_hr_staff_only(
    api_client, customer_client, staff_client, office, method, path, persona, expected
):
    staff = make_staff()
    leave = Leave.objects.create(
        staff=staff,
        leave_type="casual",
        start_date=date(2026, 1, 5),
        end_date=date(2026, 1, 5),
        total_days=1,
    )
    client = {"anonymous": api_client, "customer": customer_client, "other_staff": staff_client}[
        persona
    ]
    url = path.format(staff=staff.pk, leave=leave.pk, office=office.pk, payroll=1)

    response = getattr(client, method)(url, {}, format="json")

    assert response.status_code == expected, response.content
    body = response.json()
    assert body["detail"] == body["message"]
    assert body["code"]
    # Nothing changed.
    staff.refresh_from_db()
    assert staff.is_active
    assert Office.objects.filter(pk=office.pk, qr_generated_at__isnull=True).exists()
    assert Leave.objects.get().status == "pending"
    assert not Payroll.objects.exists()


# The staff page's calls (app/staff.tsx): anyone reaches them; a stale or foreign token is
# not read. Empty bodies are 400, so each was let in and looked at.
PUBLIC_CALLS = [
    ("get", "/api/hr/attendance/qr/scan-office-info?qr_id=OFFICE_testqr", 200),
    ("post", "/api/hr/attendance/qr/send-otp", 400),
    ("post", "/api/hr/attendance/qr/verify-otp", 400),
]


@pytest.mark.parametrize(("method", "path", "expected"), PUBLIC_CALLS)
@pytest.mark.parametrize("persona", ["anonymous", "stale_token", "customer", "other_staff"])
def test_the_staff_page_calls_are_public(
    api_client, customer_client, staff_client, office, method, path, expected, persona
):
    if persona == "stale_token":
        api_client.credentials(HTTP_AUTHORIZATION="Bearer stale")
    client = {"customer": customer_client, "other_staff": staff_client}.get(persona, api_client)

    response = getattr(client, method)(path, {}, format="json")

    assert response.status_code == expected, response.content
    assert not Attendance.objects.exists()


def test_an_employee_is_let_in_to_apply_and_then_the_body_is_checked():
    employee_login = UserFactory()
    make_staff(user=employee_login)

    response = bearer_client(employee_login).post("/api/hr/leave", {}, format="json")

    assert response.status_code == 400
    assert {"staff_id", "leave_type", "start_date", "end_date"} <= response.json()["errors"].keys()
    assert not Leave.objects.exists()


def test_a_superuser_is_hr_staff(api_client):
    admin = UserFactory(staff=True, is_superuser=True)
    assert bearer_client(admin).get("/api/hr/staff").status_code == 200


# --- Staff --------------------------------------------------------------------------------------

STAFF_FORM = {  # what app/admin/hr/staff/new.tsx sends for a new monthly employee
    "first_name": "Ravi",
    "last_name": "Kumar",
    "email": "Ravi.Kumar@lebrq.example",
    "phone": "9812345670",
    "role": "Technician",
    "department": "Sound",
    "salary_type": "monthly",
    "joining_date": "2026-01-05",
    "date_of_birth": "1990-03-14",
    "address": "Karandakkad, Kasaragod",
    "aadhar_number": "1234 5678 9012",
    "pan_number": "abcde1234f",
    "emergency_contact_name": "Latha",
    "emergency_contact_phone": "9812345671",
    "emergency_contact_relation": "Mother",
    "fixed_salary": 26000,
    "allowances": {"hra": 2000, "travel": 1000.5},
    "deductions": {"pf": 1800},
}


def test_staff_created_read_listed_updated_and_deactivated(hr_client, hr_user):
    created = hr_client.post("/api/hr/staff", STAFF_FORM, format="json")

    assert created.status_code == 201, created.content
    body = created.json()
    staff = Staff.objects.get()
    assert body == {
        "id": staff.pk,
        "employee_code": f"EMP{staff.pk:03d}",
        "user_id": None,
        "first_name": "Ravi",
        "last_name": "Kumar",
        "email": "ravi.kumar@lebrq.example",
        "phone": "9812345670",
        "date_of_birth": "1990-03-14",
        "address": "Karandakkad, Kasaragod",
        "aadhar_number": "1234 5678 9012",
        "pan_number": "ABCDE1234F",
        "emergency_contact_name": "Latha",
        "emergency_contact_phone": "9812345671",
        "emergency_contact_relation": "Mother",
        "bank_name": None,
        "bank_account_number": None,
        "bank_ifsc": None,
        "role": "Technician",
        "department": "Sound",
        "salary_type": "monthly",
        "fixed_salary": 26000.0,
        "hourly_wage": None,
        "joining_date": "2026-01-05",
        "allowances": {"hra": 2000, "travel": 1000.5},
        "deductions": {"pf": 1800},
        "is_active": True,
        "photo_url": None,
        "created_at": naive_utc(staff.created_at),
        "updated_at": naive_utc(staff.updated_at),
    }
    assert staff.created_by == hr_user
    assert hr_client.get(f"/api/hr/staff/{staff.pk}/").json() == body

    # The edit form sends the whole form back, with is_active.
    updated = hr_client.put(
        f"/api/hr/staff/{staff.pk}",
        {**STAFF_FORM, "role": "Senior technician", "is_active": True, "fixed_salary": 28000},
        format="json",
    )
    assert updated.status_code == 200
    assert (updated.json()["role"], updated.json()["fixed_salary"]) == ("Senior technician", 28000)

    listed = hr_client.get("/api/hr/staff?search=ravi&department=Sound&limit=100&offset=0")
    assert [row["id"] for row in listed.json()] == [staff.pk]
    assert listed.json()[0]["aadhar_number"] == "1234 5678 9012"  # HR staff see it all

    deleted = hr_client.delete(f"/api/hr/staff/{staff.pk}")
    assert deleted.status_code == 204
    staff.refresh_from_db()
    assert not staff.is_active
    assert [row["is_active"] for row in hr_client.get("/api/hr/staff").json()] == [False]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "taken@lebrq.example"}, "email", "Email already exists"),
        ({"phone": "+91 98111 11111"}, "phone", "Phone number already exists"),
        ({"phone": "12345"}, "phone", None),
        ({"fixed_salary": None}, "fixed_salary", None),
        ({"salary_type": "weekly"}, "salary_type", None),
        ({"allowances": {"hra": -5}}, "allowances", None),
        ({"allowances": {"bonus": 5}}, "allowances", None),
        ({"fixed_salary": 1000.555}, "fixed_salary", None),
        ({"joining_date": "05/01/2026"}, "joining_date", None),
    ],
)
def test_bad_staff_forms_are_refused_and_nothing_is_saved(hr_client, change, field, message):
    make_staff(email="taken@lebrq.example", phone="9811111111")

    response = hr_client.post("/api/hr/staff", {**STAFF_FORM, **change}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert field in body["errors"], body
    if message:
        assert body["detail"] == message or message in body["detail"]
    assert Staff.objects.count() == 1


def test_staff_not_found_is_404(hr_client):
    assert hr_client.get("/api/hr/staff/999999").status_code == 404
    assert hr_client.delete("/api/hr/staff/999999").status_code == 404


# --- Offices and their QR code ------------------------------------------------------------------


def test_offices_added_edited_qr_generated_once_viewed_and_deleted(hr_client):
    created = hr_client.post(
        "/api/hr/office",
        {"name": "Main office", "latitude": 12.4996, "longitude": 74.9869, "allowed_radius": 150},
        format="json",
    )
    assert created.status_code == 201
    office = Office.objects.get()
    expected = {
        "id": office.pk,
        "name": "Main office",
        "qr_id": office.qr_id,
        "latitude": 12.4996,
        "longitude": 74.9869,
        "allowed_radius": 150.0,
        "is_active": True,
        "created_at": naive_utc(office.created_at),
        "updated_at": naive_utc(office.updated_at),
        "qr_generated_at": None,
    }
    assert created.json() == expected
    assert office.qr_id.startswith("OFFICE_")
    assert hr_client.get("/api/hr/office").json() == [expected]

    not_yet = hr_client.get(f"/api/hr/office/{office.pk}/view-qr")
    assert not_yet.status_code == 409

    generated = hr_client.get(f"/api/hr/office/{office.pk}/generate-qr")
    assert generated.status_code == 200
    office.refresh_from_db()
    body = generated.json()
    assert body == {
        "qr_id": office.qr_id,
        "qr_code_base64": body["qr_code_base64"],
        "office_name": "Main office",
        "generated_at": naive_utc(office.qr_generated_at),
    }
    assert body["qr_code_base64"].startswith("data:image/png;base64,")
    again = hr_client.get(f"/api/hr/office/{office.pk}/generate-qr")
    assert again.status_code == 409
    assert "can only be generated once" in again.json()["detail"]
    assert hr_client.get(f"/api/hr/office/{office.pk}/view-qr").json() == body

    edited = hr_client.put(
        f"/api/hr/office/{office.pk}",
        {
            "name": "Main office (2nd floor)",
            "latitude": 12.5,
            "longitude": 74.99,
            "allowed_radius": 100,
        },
        format="json",
    )
    assert edited.json()["name"] == "Main office (2nd floor)"
    assert edited.json()["qr_id"] == office.qr_id  # the printed code keeps working

    too_small = hr_client.put(f"/api/hr/office/{office.pk}", {"allowed_radius": 5}, format="json")
    assert too_small.status_code == 400

    deleted = hr_client.delete(f"/api/hr/office/{office.pk}/")
    assert deleted.json() == {"message": "Office deleted successfully"}
    assert not Office.objects.exists()
    assert hr_client.delete(f"/api/hr/office/{office.pk}").status_code == 404


# --- Attendance by QR scan and OTP --------------------------------------------------------------


def verify(client, staff, office, *, code=OTP_CODE, where=NEARBY, prefix="/api/hr/attendance/qr"):
    return client.post(
        f"{prefix}/verify-otp",
        {
            "staff_id": staff.pk,
            "otp": code,
            "staff_latitude": where[0],
            "staff_longitude": where[1],
            "office_id": office.office_id if hasattr(office, "office_id") else office.pk,
        },
        format="json",
    )


def test_the_staff_page_scans_sends_a_code_and_checks_in_then_out(api_client, office, fixed_otp):
    staff = make_staff(first_name="Anu", last_name="Thomas", phone="9812300001")
    make_staff(is_active=False)

    # A stale admin token must not break the public page.
    api_client.credentials(HTTP_AUTHORIZATION="Bearer stale")
    scanned = api_client.get(f"/api/hr/attendance/qr/scan-office-info?qr_id={office.qr_id}")
    assert scanned.status_code == 200
    assert scanned.json() == {
        "office_id": office.pk,
        "office_name": "Kasaragod office",
        "latitude": office.latitude,
        "longitude": office.longitude,
        "allowed_radius": 100.0,
        "staff_list": [
            {
                "id": staff.pk,
                "employee_code": staff.employee_code,
                "name": "Anu Thomas",
                "phone": "******0001",  # masked: the page is public
                "department": "Events",
                "role": "Coordinator",
            }
        ],
    }
    api_client.credentials()

    sent = api_client.post("/api/hr/attendance/qr/send-otp", {"staff_id": staff.pk}, format="json")
    assert sent.json() == {
        "success": True,
        "message": "OTP sent to ******0001",
        "otp_expires_in": 300,
    }
    assert OtpChallenge.objects.get().mobile == "9812300001"

    checked_in = verify(api_client, staff, office)
    assert checked_in.status_code == 200, checked_in.content
    attendance = Attendance.objects.get()
    assert checked_in.json() == {
        "success": True,
        "message": "Attendance marked successfully (Check In)",
        "attendance_type": "check_in",
        "attendance_data": {
            "id": attendance.pk,
            "check_in_time": naive_utc(attendance.check_in_time),
            "check_out_time": None,
            "total_hours": None,
            "date": timezone.localdate().isoformat(),
        },
    }
    assert (attendance.status, attendance.office, attendance.check_in_ip_address) == (
        "present",
        office,
        "127.0.0.1",
    )
    # The code is spent.
    assert verify(api_client, staff, office).status_code == 400

    api_client.post("/api/hr/attendance/qr/send-otp", {"staff_id": staff.pk}, format="json")
    Attendance.objects.filter(pk=attendance.pk).update(
        check_in_time=timezone.now() - timedelta(hours=9, minutes=30)
    )
    checked_out = verify(api_client, staff, office)
    attendance.refresh_from_db()
    assert checked_out.json()["attendance_type"] == "check_out"
    assert checked_out.json()["attendance_data"]["total_hours"] == 9.5
    assert (attendance.total_hours, attendance.overtime_hours) == (Decimal("9.50"), Decimal("1.50"))

    api_client.post("/api/hr/attendance/qr/send-otp", {"staff_id": staff.pk}, format="json")
    done = verify(api_client, staff, office)
    assert done.status_code == 200
    assert done.json() == {
        "success": False,
        "message": "Attendance already completed for today",
        "attendance_type": "already_completed",
        "attendance_data": {
            "check_in_time": naive_utc(attendance.check_in_time),
            "check_out_time": naive_utc(attendance.check_out_time),
            "total_hours": 9.5,
        },
    }
    assert Attendance.objects.count() == 1


def test_a_wrong_code_or_place_marks_nothing(api_client, office, fixed_otp):
    staff = make_staff()
    api_client.post("/api/hr/attendance/qr/send-otp", {"staff_id": staff.pk}, format="json")

    wrong = verify(api_client, staff, office, code="000000")
    far = verify(api_client, staff, office, where=FAR_AWAY)
    bad_body = api_client.post(
        "/api/hr/attendance/qr/verify-otp",
        {"staff_id": staff.pk, "otp": OTP_CODE, "staff_latitude": "north", "office_id": office.pk},
        format="json",
    )
    unknown_qr = api_client.get("/api/hr/attendance/qr/scan-office-info?qr_id=nope")

    assert wrong.status_code == 400
    assert wrong.json()["detail"] == "otp: Invalid OTP"
    assert far.status_code == 400
    assert far.json()["detail"].startswith("You are not at the office location. Distance: 1")
    assert far.json()["code"] == "not_at_office"
    assert bad_body.status_code == 400
    assert unknown_qr.status_code == 404
    assert unknown_qr.json()["detail"] == "Invalid QR code or office not found"
    assert not Attendance.objects.exists()
    # The code verified before the place was checked stays usable: the employee walks in.
    assert verify(api_client, staff, office).json()["attendance_type"] == "check_in"


def test_the_admin_scan_page_runs_the_same_steps_with_its_token(hr_client, office, fixed_otp):
    staff = make_staff(phone="9812300002")

    scanned = hr_client.get(f"/api/hr/attendance/scan-office-info?qr_id={office.qr_id}")
    sent = hr_client.post("/api/hr/attendance/send-otp", {"staff_id": staff.pk}, format="json")
    marked = verify(hr_client, staff, office, prefix="/api/hr/attendance")

    assert scanned.json()["staff_list"][0]["phone"] == "9812300002"  # HR staff see it
    assert sent.json()["success"] is True
    assert marked.json()["attendance_type"] == "check_in"


def test_one_row_per_person_per_day():
    staff = make_staff()
    today = timezone.localdate()
    Attendance.objects.create(staff=staff, attendance_date=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(staff=staff, attendance_date=today)


def test_attendance_list_as_the_attendance_screen_reads_it(hr_client):
    staff = make_staff(first_name="Anu", last_name="Thomas")
    other = make_staff()
    checked_in = timezone.now() - timedelta(hours=2)
    row = Attendance.objects.create(
        staff=staff,
        attendance_date=date(2026, 1, 7),
        check_in_time=checked_in,
        total_hours=Decimal("8.25"),
        overtime_hours=Decimal("0.25"),
    )
    Attendance.objects.create(staff=other, attendance_date=date(2026, 1, 7), status="absent")
    Attendance.objects.create(staff=staff, attendance_date=date(2025, 12, 7))

    response = hr_client.get(
        f"/api/hr/attendance?staff_id={staff.pk}&start_date=2026-01-01&end_date=2026-01-31"
        "&status=present&limit=100"
    )

    assert response.json() == [
        {
            "id": row.pk,
            "staff_id": staff.pk,
            "attendance_date": "2026-01-07",
            "check_in_time": naive_utc(checked_in),
            "check_out_time": None,
            "total_hours": 8.25,
            "overtime_hours": 0.25,
            "status": "present",
            "is_manual": False,
            "manual_correction_note": None,
            "corrected_by_user_id": None,
            "corrected_at": None,
            "created_at": naive_utc(row.created_at),
            "updated_at": naive_utc(row.updated_at),
            "staff": {
                "id": staff.pk,
                "employee_code": staff.employee_code,
                "first_name": "Anu",
                "last_name": "Thomas",
            },
        }
    ]
    assert hr_client.get("/api/hr/attendance?limit=501").status_code == 400
    assert hr_client.get("/api/hr/attendance?start_date=yesterday").status_code == 400


# --- Leave --------------------------------------------------------------------------------------


def test_leave_requests_listed_pending_and_decided(hr_client, hr_user):
    staff = make_staff(first_name="Anu", last_name="Thomas")
    leave = Leave.objects.create(
        staff=staff,
        leave_type="sick",
        start_date=date(2026, 2, 2),
        end_date=date(2026, 2, 4),
        total_days=3,
        reason="Fever",
    )
    later = Leave.objects.create(
        staff=staff,
        leave_type="casual",
        start_date=date(2026, 3, 2),
        end_date=date(2026, 3, 2),
        total_days=1,
    )
    expected = {
        "id": leave.pk,
        "staff_id": staff.pk,
        "leave_type": "sick",
        "start_date": "2026-02-02",
        "end_date": "2026-02-04",
        "total_days": 3.0,
        "reason": "Fever",
        "status": "pending",
        "approved_by_user_id": None,
        "approved_at": None,
        "rejection_reason": None,
        "applied_at": naive_utc(leave.applied_at),
        "updated_at": naive_utc(leave.updated_at),
        "staff": {
            "id": staff.pk,
            "employee_code": staff.employee_code,
            "first_name": "Anu",
            "last_name": "Thomas",
        },
    }

    pending = hr_client.get("/api/hr/leave/pending").json()
    assert [row["id"] for row in pending] == [leave.pk, later.pk]  # oldest first
    assert pending[0] == expected

    approved = hr_client.post(
        f"/api/hr/leave/{leave.pk}/approve",
        {"status": "approved", "rejection_reason": None},
        format="json",
    )
    leave.refresh_from_db()
    assert approved.json() == {
        **expected,
        "status": "approved",
        "approved_by_user_id": hr_user.pk,
        "approved_at": naive_utc(leave.approved_at),
        "updated_at": naive_utc(leave.updated_at),
    }
    rejected = hr_client.post(
        f"/api/hr/leave/{later.pk}/approve",
        {"status": "rejected", "rejection_reason": "Show day"},
        format="json",
    )
    assert rejected.json()["rejection_reason"] == "Show day"

    assert [
        row["id"] for row in hr_client.get("/api/hr/leave?status=approved&limit=100").json()
    ] == [leave.pk]
    assert hr_client.get("/api/hr/leave?status=all&limit=100").json() == []
    twice = hr_client.post(
        f"/api/hr/leave/{leave.pk}/approve", {"status": "rejected"}, format="json"
    )
    assert twice.status_code == 409
    bad = hr_client.post(f"/api/hr/leave/{leave.pk}/approve", {"status": "maybe"}, format="json")
    assert bad.status_code == 400
    assert hr_client.post("/api/hr/leave/999999/approve", {"status": "approved"}).status_code == 404


def test_leave_is_applied_for_by_hr_or_by_the_employee_themself(hr_client):
    employee_login = UserFactory()
    staff = make_staff(user=employee_login)
    someone_else = make_staff()
    body = {
        "staff_id": staff.pk,
        "leave_type": "casual",
        "start_date": "2026-04-06",
        "end_date": "2026-04-08",
        "reason": "Wedding",
    }

    own = bearer_client(employee_login).post("/api/hr/leave", body, format="json")
    for_another = bearer_client(employee_login).post(
        "/api/hr/leave", {**body, "staff_id": someone_else.pk}, format="json"
    )
    overlapping = hr_client.post("/api/hr/leave", body, format="json")
    backwards = hr_client.post(
        "/api/hr/leave", {**body, "staff_id": someone_else.pk, "end_date": "2026-04-01"}
    )

    assert own.status_code == 201
    assert (own.json()["total_days"], own.json()["status"]) == (3.0, "pending")
    assert for_another.status_code == 403
    assert overlapping.status_code == 409
    assert backwards.status_code == 400
    assert Leave.objects.count() == 1


# --- Dashboard ----------------------------------------------------------------------------------


def test_dashboard_stats(hr_client):
    today = timezone.localdate()
    soon = today + timedelta(days=3)
    birthday_person = make_staff(
        first_name="Anu", last_name="Thomas", date_of_birth=soon.replace(year=1990)
    )
    make_staff(date_of_birth=(today + timedelta(days=40)).replace(year=1991))
    absent = make_staff()
    make_staff(is_active=False)
    Attendance.objects.create(staff=birthday_person, attendance_date=today)
    Attendance.objects.create(staff=absent, attendance_date=today, status="absent")
    leave = Leave.objects.create(
        staff=absent,
        leave_type="sick",
        start_date=today,
        end_date=today,
        total_days=1,
    )
    paid = Payroll.objects.create(
        staff=birthday_person,
        month=today.month,
        year=today.year,
        period_start=today,
        period_end=today,
        total_working_days=26,
        present_days=Decimal("26"),
        basic_salary=Decimal("27000"),
        calculated_salary=Decimal("27000"),
        net_salary=Decimal("25200.50"),
        status="processed",
    )

    response = hr_client.get("/api/hr/dashboard/stats")

    assert response.json() == {
        "total_staff": 3,
        "present_today": 1,
        "absent_today": 1,
        "upcoming_birthdays": [
            {
                "staff_id": birthday_person.pk,
                "name": "Anu Thomas",
                "date": soon.isoformat(),
                "days_until": 3,
            }
        ],
        "monthly_salary_expenses": 25200.5,
        "pending_leave_requests": 1,
        "recent_pending_leaves": [
            {
                "id": leave.pk,
                "staff_id": absent.pk,
                "staff_name": absent.full_name,
                "leave_type": "sick",
                "start_date": today.isoformat(),
                "end_date": today.isoformat(),
                "total_days": 1.0,
                "applied_at": naive_utc(leave.applied_at),
            }
        ],
    }
    assert paid.net_salary == Decimal("25200.50")


# --- Payroll ------------------------------------------------------------------------------------


def payroll_url(action, staff, month=1, year=2026):
    return f"/api/hr/payroll/{action}?staff_id={staff.pk}&month={month}&year={year}"


def test_payroll_calculated_processed_locked_and_then_frozen(hr_client, hr_user):
    staff = make_staff(
        first_name="Anu",
        last_name="Thomas",
        department="Events",
        fixed_salary=Decimal("26000"),
        allowances={"hra": 2000, "custom": {"phone": 300}},
        deductions={"pf": 1800},
    )
    # January 2026: 31 days, 4 Sundays, so 27 working days (a daily rate of 962.96...).
    for day in (5, 6, 7):
        Attendance.objects.create(staff=staff, attendance_date=date(2026, 1, day))

    calculated = hr_client.post(payroll_url("calculate", staff))

    assert calculated.status_code == 200, calculated.content
    payroll = Payroll.objects.get()
    body = calculated.json()
    assert body == {
        "id": payroll.pk,
        "staff_id": staff.pk,
        "month": 1,
        "year": 2026,
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "total_working_days": 27,
        "present_days": 3.0,
        "absent_days": 24.0,
        "leave_days": 0.0,
        "unpaid_leave_days": 0.0,
        "half_days": 0.0,
        "holidays": 0,
        "total_hours": None,
        "overtime_hours": 0.0,
        "basic_salary": 26000.0,
        "calculated_salary": 2888.89,
        "total_allowances": 2300.0,
        "overtime_pay": 0.0,
        "total_deductions": 1800.0,
        "leave_deductions": 0.0,
        "net_salary": 3388.89,
        "allowances_breakdown": {"hra": 2000, "custom": {"phone": 300}},
        "deductions_breakdown": {"pf": 1800},
        "status": "draft",
        "is_locked": False,
        "salary_slip_url": None,
        "processed_at": None,
        "locked_at": None,
        "created_at": naive_utc(payroll.created_at),
        "updated_at": naive_utc(payroll.updated_at),
        "staff": {
            "id": staff.pk,
            "employee_code": staff.employee_code,
            "first_name": "Anu",
            "last_name": "Thomas",
            "department": "Events",
        },
    }
    assert payroll.net_salary == Decimal("3388.89")

    not_processed = hr_client.post(payroll_url("lock", staff))
    assert not_processed.status_code == 409
    processed = hr_client.post(payroll_url("process", staff))
    assert processed.json()["status"] == "processed"
    assert processed.json()["salary_slip_url"] == f"/api/hr/payroll/{payroll.pk}/salary-slip"
    locked = hr_client.post(payroll_url("lock", staff))
    assert (locked.json()["status"], locked.json()["is_locked"]) == ("locked", True)
    assert locked.json()["locked_at"]

    listed = hr_client.get("/api/hr/payroll?month=1&year=2026&limit=100")
    assert [row["id"] for row in listed.json()] == [payroll.pk]

    # A locked month never changes: recalculated, processed, relocked, or its leave approved.
    before = Payroll.objects.values().get()
    for action in ("calculate", "process", "lock"):
        refused = hr_client.post(payroll_url(action, staff))
        assert refused.status_code == 409, action
        assert refused.json()["code"] == "payroll_locked"
    leave = Leave.objects.create(
        staff=staff,
        leave_type="unpaid",
        start_date=date(2026, 1, 30),
        end_date=date(2026, 2, 2),
        total_days=4,
    )
    assert (
        hr_client.post(f"/api/hr/leave/{leave.pk}/approve", {"status": "approved"}).status_code
        == 409
    )
    assert Payroll.objects.values().get() == before
    leave.refresh_from_db()
    assert leave.status == "pending"


def test_payroll_input_is_checked(hr_client):
    staff = make_staff()
    assert hr_client.post(payroll_url("calculate", staff, month=13)).status_code == 400
    assert hr_client.post("/api/hr/payroll/calculate?month=1&year=2026").status_code == 400
    assert (
        hr_client.post("/api/hr/payroll/calculate?staff_id=999999&month=1&year=2026").status_code
        == 404
    )
    assert hr_client.post(payroll_url("lock", staff)).status_code == 404
    assert hr_client.get("/api/hr/payroll?month=0").status_code == 400
    assert not Payroll.objects.exists()


def test_a_draft_has_no_salary_slip(hr_client):
    staff = make_staff()
    payroll_id = hr_client.post(payroll_url("calculate", staff)).json()["id"]

    response = hr_client.get(f"/api/hr/payroll/{payroll_id}/salary-slip")

    assert response.status_code == 404
    assert response.json()["detail"] == "Salary slip not generated"
    assert hr_client.get("/api/hr/payroll/999999/salary-slip").status_code == 404


# --- Query counts -------------------------------------------------------------------------------


def _grow(n: int) -> None:
    for _ in range(n):
        staff = make_staff()
        Attendance.objects.create(staff=staff, attendance_date=date(2026, 1, 7))
        Leave.objects.create(
            staff=staff,
            leave_type="casual",
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
            basic_salary=Decimal("1000"),
            calculated_salary=Decimal("37.04"),
            net_salary=Decimal("37.04"),
        )


@pytest.mark.parametrize(
    "path",
    [
        "/api/hr/staff?limit=1000",
        "/api/hr/attendance?limit=500",
        "/api/hr/leave?limit=500",
        "/api/hr/leave/pending",
        "/api/hr/payroll?month=1&year=2026",
        "/api/hr/office",
        "/api/hr/dashboard/stats",
        "/api/hr/attendance/qr/scan-office-info?qr_id=OFFICE_testqr",
    ],
)
def test_lists_cost_the_same_queries_however_many_rows(
    hr_client, office, django_assert_max_num_queries, path
):
    _grow(2)
    with django_assert_max_num_queries(12) as small:
        assert hr_client.get(path).status_code == 200
    _grow(25)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = hr_client.get(path)
    assert response.status_code == 200
