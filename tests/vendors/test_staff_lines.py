"""The bookings app's staff screens show each line's fulfilment: GET /admin/booking-items
(vendor-items.tsx reads rejection_status and vendor_id to choose assign or reassign) and the
staff booking detail (the legacy admin detail named each line's vendor and its rejection)."""

import pytest
from django.utils import timezone

from tests.vendors.conftest import naive

pytestmark = pytest.mark.django_db


def test_the_staff_line_list_shows_the_fulfilment(staff_client, line, vendor):
    line.accepted_at = timezone.now()
    line.is_supplied, line.supplied_at = True, timezone.now()
    line.save()
    booking = line.booking

    response = staff_client.get(f"/api/admin/booking-items?from_date={line.event_date}")

    assert response.status_code == 200
    row = response.json()["items"][0]
    assert row == {
        "booking_item_id": line.pk,
        "booking_id": booking.pk,
        "booking_reference": booking.booking_reference,
        "booking_state": "pending",
        "booking_created_at": naive(booking.created_at),
        "event_type": "Birthday Party",
        "event_date": line.event_date.isoformat(),
        "booking_status": "pending",
        "is_supplied": True,
        "is_supplyed": True,
        "supplied_at": naive(line.supplied_at),
        "supply_verified": False,
        "verified_at": None,
        "accepted_at": naive(line.accepted_at),
        "rejection_status": False,
        "rejection_note": None,
        "rejected_at": None,
        "quantity": 2,
        "hours_used": None,
        "unit_price": 250.0,
        "total_price": 500.0,
        "payment_settled": False,
        "payment_settled_at": None,
        "item_id": line.item_id,
        "item_name": "Chicken biryani",
        "image_url": "",
        "vendor_id": vendor.pk,
        "vendor_company": "Spice Route Caterers",
        "vendor_phone": "+919800000001",
        "vendor_email": "spice@example.com",
        "space_id": booking.space_id,
        "space_name": booking.space.name,
        "venue_id": booking.venue_id,
        "venue_name": booking.venue.name,
        "user_id": booking.user_id,
        "user_name": "Asha Menon",
    }


def test_the_staff_booking_detail_names_each_lines_vendor_and_rejection(
    staff_client, line, open_line
):
    line.rejection_status, line.rejection_note = True, "Out of rice"
    line.rejected_at = timezone.now()
    line.save()

    response = staff_client.get(f"/api/admin/bookings/{line.booking_id}")

    assert response.status_code == 200
    item = response.json()["items"][0]
    assert {key: item[key] for key in item if key not in {"item_description", "image_url"}} == {
        "id": line.pk,
        "kind": "catalog",
        "item_id": line.item_id,
        "item_name": "Chicken biryani",
        "quantity": 2,
        "hours_used": None,
        "unit_price": 250.0,
        "total_price": 500.0,
        "booking_status": "pending",
        "is_supplied": False,
        "vendor_id": line.vendor_id,
        "vendor_name": "Spice Route Caterers",
        "rejection_status": True,
        "rejection_note": "Out of rice",
        "rejected_at": naive(line.rejected_at),
        "accepted_at": None,
    }
    unassigned = staff_client.get(f"/api/admin/bookings/{open_line.booking_id}").json()
    assert (unassigned["items"][0]["vendor_id"], unassigned["items"][0]["vendor_name"]) == (
        None,
        None,
    )
