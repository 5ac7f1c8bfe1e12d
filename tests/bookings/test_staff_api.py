from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import BookingEvent
from tests.factories import (
    BookingFactory,
    BookingItemFactory,
    SpaceFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["items"]]


def test_staff_list_is_newest_first_with_customer_details(staff_client):
    older = BookingFactory()
    newer = BookingFactory(user=UserFactory(first_name="Ravi", last_name="Nair"))

    body = staff_client.get("/api/admin/bookings").json()

    assert [b["id"] for b in body["items"]] == [newer.pk, older.pk]
    first = body["items"][0]
    assert first["user_name"] == "Ravi Nair"
    assert first["user"] == {
        "id": newer.user.pk,
        "name": "Ravi Nair",
        "username": newer.user.username,
        "email": newer.user.email,
        "mobile": newer.user.mobile,
    }
    assert first["space_name"] == newer.space.name


def test_staff_list_filters_by_status_space_user_and_date(staff_client):
    hall = SpaceFactory()
    target = BookingFactory(space=hall, status=BookingStatus.APPROVED)
    BookingFactory(space=hall)
    BookingFactory(status=BookingStatus.APPROVED)
    day = timezone.localdate(target.start_datetime).isoformat()

    assert ids(
        staff_client.get("/api/admin/bookings", {"status": "approved", "space": hall.pk})
    ) == [target.pk]
    assert ids(staff_client.get("/api/admin/bookings", {"user": target.user_id})) == [target.pk]
    by_date = staff_client.get("/api/admin/bookings", {"from_date": day, "to_date": day})
    assert target.pk in ids(by_date)


def test_staff_list_accepts_several_statuses(staff_client):
    pending = BookingFactory()
    approved = BookingFactory(status=BookingStatus.APPROVED)
    BookingFactory(status=BookingStatus.CANCELLED)

    response = staff_client.get("/api/admin/bookings?status=pending&status=approved")

    assert set(ids(response)) == {pending.pk, approved.pk}


def test_staff_list_filters_by_vendor_of_an_item(staff_client):
    vendor = VendorFactory()
    line = BookingItemFactory(vendor=vendor)
    BookingItemFactory()

    assert ids(staff_client.get("/api/admin/bookings", {"vendor": vendor.pk})) == [line.booking_id]


def test_staff_search_by_reference_email_or_mobile(staff_client):
    target = BookingFactory(user=UserFactory(email="ravi@example.com", mobile="+919811111111"))
    BookingFactory()

    for term in (target.booking_reference, "ravi@", "+9198111"):
        assert ids(staff_client.get("/api/admin/bookings", {"search": term})) == [target.pk], term


def test_staff_ordering_is_whitelisted_and_stable(staff_client):
    cheap = BookingFactory(total_amount=Decimal("100.00"))
    dear = BookingFactory(total_amount=Decimal("900.00"))
    tie = BookingFactory(total_amount=Decimal("100.00"))

    ascending = ids(staff_client.get("/api/admin/bookings", {"ordering": "total_amount"}))
    ignored = ids(staff_client.get("/api/admin/bookings", {"ordering": "user__password"}))

    assert ascending == [cheap.pk, tie.pk, dear.pk]
    assert ignored == [tie.pk, dear.pk, cheap.pk]  # falls back to newest first


def test_staff_detail_includes_items(staff_client):
    line = BookingItemFactory()

    body = staff_client.get(f"/api/admin/bookings/{line.booking_id}").json()

    assert [i["id"] for i in body["items"]] == [line.pk]


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("approve", BookingStatus.PENDING, BookingStatus.APPROVED),
        ("reject", BookingStatus.PENDING, BookingStatus.REJECTED),
        ("complete", BookingStatus.APPROVED, BookingStatus.COMPLETED),
    ],
)
def test_staff_actions_follow_the_lifecycle(staff_client, staff_user, action, start, end):
    booking = BookingFactory(status=start)

    response = staff_client.post(f"/api/admin/bookings/{booking.pk}/{action}", {"note": "ok by me"})

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["status"] == end
    booking.refresh_from_db()
    assert booking.status == end
    event = BookingEvent.objects.get(booking=booking)
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        staff_user,
        start,
        end,
        "ok by me",
    )


INVALID = [
    ("approve", BookingStatus.APPROVED),
    ("approve", BookingStatus.CANCELLED),
    ("approve", BookingStatus.REJECTED),
    ("approve", BookingStatus.COMPLETED),
    ("reject", BookingStatus.APPROVED),
    ("reject", BookingStatus.CANCELLED),
    ("reject", BookingStatus.COMPLETED),
    ("complete", BookingStatus.PENDING),
    ("complete", BookingStatus.REJECTED),
    ("complete", BookingStatus.CANCELLED),
    ("complete", BookingStatus.COMPLETED),
]


@pytest.mark.parametrize(("action", "status"), INVALID)
def test_staff_actions_from_a_wrong_status_are_409_and_change_nothing(staff_client, action, status):
    booking = BookingFactory(status=status)

    response = staff_client.post(f"/api/admin/bookings/{booking.pk}/{action}")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert status in response.json()["detail"]
    booking.refresh_from_db()
    assert booking.status == status
    assert not BookingEvent.objects.filter(booking=booking).exists()


def test_reject_takes_the_note_from_the_legacy_query_parameter(staff_client):
    booking = BookingFactory()

    staff_client.post(f"/api/admin/bookings/{booking.pk}/reject?note=Hall+closed")

    booking.refresh_from_db()
    assert booking.admin_note == "Hall closed"


def test_staff_action_on_an_unknown_booking_is_404(staff_client):
    assert staff_client.post("/api/admin/bookings/999999/approve").status_code == 404


def test_booking_items_list_is_by_event_date_with_booking_vendor_and_customer(staff_client):
    later = BookingItemFactory(
        booking=BookingFactory(start_datetime=timezone.now() + timedelta(days=9))
    )
    sooner = BookingItemFactory(
        booking=BookingFactory(start_datetime=timezone.now() + timedelta(days=4))
    )

    body = staff_client.get("/api/admin/booking-items").json()

    assert [row["booking_item_id"] for row in body["items"]] == [sooner.pk, later.pk]
    row = body["items"][0]
    assert sooner.vendor is not None
    assert row["booking_reference"] == sooner.booking.booking_reference
    assert row["vendor_company"] == sooner.vendor.company_name
    assert row["item_name"] == sooner.name
    assert row["space_name"] == sooner.booking.space.name


def test_booking_items_filter_by_vendor_settlement_and_event_date(staff_client):
    vendor = VendorFactory()
    settled = BookingItemFactory(vendor=vendor, payment_settled=True)
    BookingItemFactory(vendor=vendor)
    BookingItemFactory(payment_settled=True)
    day = settled.event_date.isoformat()

    rows = staff_client.get(
        "/api/admin/booking-items",
        {"vendor": vendor.pk, "payment_settled": "true", "from_date": day, "to_date": day},
    ).json()["items"]

    assert [row["booking_item_id"] for row in rows] == [settled.pk]


def test_booking_items_refuse_a_bad_date_with_400(staff_client):
    assert (
        staff_client.get("/api/admin/booking-items", {"from_date": "tomorrow"}).status_code == 400
    )


@pytest.mark.parametrize("value", ["4.25e16", "-1", "0", "1e300", "99999999999999999999", "x"])
def test_id_filters_refuse_what_is_not_a_row_id_with_400(staff_client, value):
    for path, name in (
        ("/api/admin/bookings", "user"),
        ("/api/admin/booking-items", "vendor"),
        ("/api/spaces", "venue"),
        ("/api/items", "space"),
    ):
        response = staff_client.get(path, {name: value})
        assert response.status_code == 400, (path, value, response.content)
        assert name in response.json()["errors"]


def test_an_id_too_long_for_the_database_is_a_404_not_a_500(staff_client):
    huge = "9" * 30

    for path in (f"/api/bookings/{huge}", f"/api/uploads/{huge}", f"/api/venues/spaces/{huge}"):
        assert staff_client.get(path).status_code == 404, path
