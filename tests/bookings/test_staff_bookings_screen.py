"""The staff bookings screen's calls: PATCH /admin/bookings/{id}, mark-viewed, the auto-approve
switch (and what it does to a paid booking), my_admin_only, the fields the list shows."""

from decimal import Decimal

import pytest
from django.db import transaction

from bookings import policies, services
from bookings.choices import BookingStatus
from bookings.models import AdminSetting, Booking, BookingEvent
from bookings.models.settings import SettingKey
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_patch_saves_the_admin_note_as_the_booking_screen_sends_it(staff_client):
    booking = BookingFactory(admin_note="old")

    response = staff_client.patch(
        f"/api/admin/bookings/{booking.pk}", {"admin_note": "Call the DJ"}, format="json"
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True, "booking_id": booking.pk, "status": "pending"}
    booking.refresh_from_db()
    assert booking.admin_note == "Call the DJ"


def test_patch_moves_status_only_along_the_lifecycle(staff_client, staff_user):
    booking = BookingFactory()

    approved = staff_client.patch(
        f"/api/admin/bookings/{booking.pk}", {"status": "approved"}, format="json"
    )
    assert approved.json()["status"] == "approved"
    assert BookingEvent.objects.filter(booking=booking, to_status="approved").exists()

    refused = staff_client.patch(
        f"/api/admin/bookings/{booking.pk}",
        {"status": "pending", "admin_note": "x"},
        format="json",
    )
    assert refused.status_code == 400
    rejected = staff_client.patch(
        f"/api/admin/bookings/{booking.pk}", {"status": "rejected"}, format="json"
    )
    assert rejected.status_code == 409
    booking.refresh_from_db()
    assert (booking.status, booking.admin_note) == ("approved", "")


@pytest.mark.parametrize(
    "body",
    [{"attendees": 101}, {"attendees": "many"}, {"event_type": "yoga"}, {"status": "edited"}],
)
def test_bad_patch_is_a_400_and_nothing_changes(staff_client, body):
    booking = BookingFactory(attendees=10, admin_note="kept")
    response = staff_client.patch(f"/api/admin/bookings/{booking.pk}", body, format="json")
    assert response.status_code == 400
    booking.refresh_from_db()
    assert (booking.attendees, booking.admin_note, booking.status) == (10, "kept", "pending")


def test_mark_viewed_records_when_staff_last_looked(staff_client):
    response = staff_client.post("/api/admin/bookings/mark-viewed")
    assert response.json() == {"ok": True, "message": "All bookings marked as viewed"}
    assert AdminSetting.objects.get(setting_key=SettingKey.BOOKINGS_VIEWED_AT).value


def test_auto_approve_setting_round_trip(staff_client):
    assert staff_client.get("/api/admin/settings/auto-approve").json() == {"enabled": False}

    saved = staff_client.post("/api/admin/settings/auto-approve", {"enabled": True}, format="json")

    assert saved.json() == {"ok": True, "enabled": True}
    assert staff_client.get("/api/admin/settings/auto-approve/").json() == {"enabled": True}
    assert AdminSetting.objects.get(setting_key="auto_approve_enabled").value == "true"
    staff_client.post("/api/admin/settings/auto-approve", {"enabled": False}, format="json")
    assert policies.auto_approve() is False


@pytest.mark.parametrize("auto_approve", [False, True])
def test_a_paid_booking_is_approved_at_once_only_with_auto_approve(auto_approve):
    services.settings_save({SettingKey.AUTO_APPROVE_ENABLED: "true" if auto_approve else "false"})
    booking = BookingFactory(status=BookingStatus.PENDING_PAYMENT, total_amount=Decimal("500"))

    with transaction.atomic():
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        services.booking_payment_received(
            booking=locked, amount=Decimal("500"), actor=None, note="Paid"
        )

    booking.refresh_from_db()
    assert booking.status == (BookingStatus.APPROVED if auto_approve else BookingStatus.PENDING)
    event = BookingEvent.objects.get(booking=booking)
    assert event.to_status == booking.status


def test_my_admin_only_lists_the_asking_staff_members_own_bookings(staff_client, staff_user):
    mine = BookingFactory(user=staff_user, is_admin_booking=True)
    BookingFactory(user=UserFactory(is_staff=True), is_admin_booking=True)
    BookingFactory(user=staff_user)  # booked as a customer would: not an admin booking
    BookingFactory()

    body = staff_client.get("/api/admin/bookings", {"my_admin_only": "true"}).json()

    assert [row["id"] for row in body["items"]] == [mine.pk]
    assert len(staff_client.get("/api/admin/bookings", {"admin_only": "true"}).json()["items"]) == 2


def test_list_answers_the_fields_the_bookings_screens_read(staff_client):
    booking = BookingFactory(series_reference="SR-1", attendees=12)

    row = staff_client.get("/api/admin/bookings").json()["items"][0]

    # app/admin/bookings.tsx, app/admin/accounts.tsx, app/calendar.tsx
    for field in [
        "id",
        "booking_reference",
        "series_reference",
        "space_id",
        "space_name",
        "user_id",
        "user_name",
        "user",
        "start_datetime",
        "end_datetime",
        "attendees",
        "event_type",
        "booking_type",
        "status",
        "total_amount",
        "paid_amount",
        "discount_amount",
        "audio_count",
        "created_at",
    ]:
        assert field in row, field
    assert row["id"] == booking.pk
    assert row["discount_amount"] == 0
    assert row["audio_count"] == 0


def test_list_query_count_does_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    BookingFactory.create_batch(2)
    with django_assert_max_num_queries(6) as small:
        staff_client.get("/api/admin/bookings", {"my_admin_only": "true"})
        staff_client.get("/api/admin/bookings")
    BookingFactory.create_batch(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get("/api/admin/bookings", {"my_admin_only": "true"})
        staff_client.get("/api/admin/bookings")


@pytest.mark.parametrize(
    ("client_name", "expected"),
    [("api_client", 401), ("customer_client", 403), ("other_client", 403), ("staff_client", None)],
)
def test_authorization_matrix(request, client_name, expected):
    client = request.getfixturevalue(client_name)
    booking = BookingFactory()
    calls = [
        ("patch", f"/api/admin/bookings/{booking.pk}", {"admin_note": "n"}, 200),
        ("post", "/api/admin/bookings/mark-viewed", None, 200),
        ("get", "/api/admin/settings/auto-approve", None, 200),
        ("post", "/api/admin/settings/auto-approve", {"enabled": True}, 200),
    ]
    for method, path, body, allowed in calls:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == (expected or allowed), (method, path, response.content)
    if expected:
        booking.refresh_from_db()
        assert booking.admin_note == ""
        assert not AdminSetting.objects.exists()
