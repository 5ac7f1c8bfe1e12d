"""The fulfilment steps of a booking line (vendors/README.md): staff assign, reassign and
cancel its vendor; the vendor accepts, rejects with a reason or marks it supplied; staff
mark supply and verify it. Bodies from the call sites (vendor-items.tsx, vendors/[id].tsx,
lib/api.ts VendorAPI); a wrong step is a 409 that changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.choices import BookingItemStatus
from notify.models import Notification, OutboundSms
from tests.factories import UserFactory, VendorFactory
from tests.vendors.conftest import naive
from vendors.choices import FulfilmentAction
from vendors.models import BookingItemRejection, FulfilmentEvent, VendorNotification
from vendors.tasks import fulfilment_event_notify

pytestmark = pytest.mark.django_db


def notify_all():
    for event in FulfilmentEvent.objects.filter(notified_at__isnull=True).order_by("id"):
        fulfilment_event_notify.call(event.pk)


def assigned_body(line, vendor):
    return {
        "ok": True,
        "booking_item_id": line.pk,
        "vendor_id": vendor.pk,
        "vendor_company": vendor.company_name,
        "vendor_phone": vendor.contact_phone,
        "vendor_email": vendor.contact_email,
    }


def test_staff_assign_a_vendor_who_is_told_in_the_portal_and_by_text(
    staff_client, staff_user, open_line, vendor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        response = staff_client.post(
            f"/api/admin/booking-items/{open_line.pk}/assign-vendor",
            {"vendor_id": vendor.pk},
            format="json",
        )

    assert response.status_code == 200
    assert response.json() == assigned_body(open_line, vendor)
    open_line.refresh_from_db()
    assert (open_line.vendor_id, open_line.booking_status) == (vendor.pk, "pending")
    event = FulfilmentEvent.objects.get()
    assert (event.action, event.vendor_id, event.actor_id) == ("assigned", vendor.pk, staff_user.pk)
    assert len(queued) == 1  # the notice, once committed
    notify_all()
    notice = VendorNotification.objects.get()
    assert (notice.vendor_user_id, notice.type, notice.booking_item_id) == (
        vendor.user_id,
        "assigned",
        open_line.pk,
    )
    assert "Chicken biryani x 3" in notice.message
    assert OutboundSms.objects.get().to == vendor.contact_phone
    # A second run of the task tells nobody twice.
    assert fulfilment_event_notify.call(event.pk) == "already notified"
    assert VendorNotification.objects.count() == 1


def test_assign_refuses_a_line_that_has_a_vendor(staff_client, line, other_vendor):
    response = staff_client.post(
        f"/api/admin/booking-items/{line.pk}/assign-vendor",
        {"vendor_id": other_vendor.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "vendor_already_assigned"
    line.refresh_from_db()
    assert line.vendor_id != other_vendor.pk
    assert not FulfilmentEvent.objects.exists()


@pytest.mark.parametrize(
    ("body", "status"), [({}, 400), ({"vendor_id": None}, 400), ({"vendor_id": 999999}, 404)]
)
def test_assign_refuses_a_bad_vendor(staff_client, open_line, body, status):
    response = staff_client.post(
        f"/api/admin/booking-items/{open_line.pk}/assign-vendor", body, format="json"
    )
    assert response.status_code == status
    open_line.refresh_from_db()
    assert open_line.vendor_id is None


def test_no_line_is_a_404(staff_client, vendor):
    response = staff_client.post(
        "/api/admin/booking-items/999999/assign-vendor", {"vendor_id": vendor.pk}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "Booking item not found"


def test_a_vendor_who_rejected_the_line_cannot_be_given_it_again(
    staff_client, vendor_client, line, vendor, other_vendor
):
    rejected = vendor_client.post(
        f"/api/vendor/orders/{line.pk}/reject", {"reason": "No cooks that day"}, format="multipart"
    )
    assert rejected.status_code == 200

    again = staff_client.post(
        f"/api/admin/booking-items/{line.pk}/reassign-vendor",
        {"vendor_id": vendor.pk},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "This vendor has previously rejected this item. Reason: No cooks that day"
    )
    moved = staff_client.post(
        f"/api/admin/booking-items/{line.pk}/reassign-vendor",
        {"vendor_id": other_vendor.pk},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json() == assigned_body(line, other_vendor)
    line.refresh_from_db()
    assert (line.vendor_id, line.rejection_status, line.rejection_note) == (
        other_vendor.pk,
        False,
        "",
    )


def test_reassigning_tells_the_vendor_it_was_taken_from(staff_client, line, vendor, other_vendor):
    staff_client.post(
        f"/api/admin/booking-items/{line.pk}/reassign-vendor",
        {"vendor_id": other_vendor.pk},
        format="json",
    )
    notify_all()
    told = dict(VendorNotification.objects.values_list("vendor_user_id", "type"))
    assert told == {vendor.user_id: "cancelled", other_vendor.user_id: "reassigned"}


def test_staff_cancel_the_vendor_with_a_note(staff_client, line, vendor):
    response = staff_client.post(
        f"/api/admin/booking-items/{line.pk}/cancel-vendor",
        {"cancellation_note": "Customer changed the menu"},
        format="json",
    )
    assert response.status_code == 200
    line.refresh_from_db()
    assert response.json() == {
        "ok": True,
        "booking_item_id": line.pk,
        "previous_vendor_id": vendor.pk,
        "previous_vendor_name": "Spice Route Caterers",
        "cancellation_note": "Customer changed the menu",
        "cancelled_at": naive(line.rejected_at),
    }
    assert line.vendor_id is None
    assert line.rejection_status
    assert line.rejection_note == "[Admin Cancelled] Customer changed the menu"
    assert line.booking_status == BookingItemStatus.APPROVED
    again = staff_client.post(
        f"/api/admin/booking-items/{line.pk}/cancel-vendor", {}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["detail"] == "No vendor assigned to this item"


def test_vendor_accepts_once(vendor_client, line):
    response = vendor_client.post(f"/api/vendor/orders/{line.pk}/accept")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "status": "confirmed", "booking_item_id": line.pk}
    line.refresh_from_db()
    assert line.booking_status == "confirmed"
    assert line.accepted_at is not None
    again = vendor_client.post(f"/api/vendor/orders/{line.pk}/accept")
    assert again.status_code == 409
    assert again.json()["code"] == "order_accepted"


def test_accepting_tells_staff(vendor_client, line, staff_user):
    UserFactory()  # a customer: not told
    vendor_client.post(f"/api/vendor/orders/{line.pk}/accept")
    notify_all()
    notice = Notification.objects.get()
    assert notice.user_id == staff_user.pk
    assert notice.title == "Vendor accepted an order"
    assert notice.message.startswith("Spice Route Caterers: Chicken biryani x 2")


def test_the_vendor_marking_supplied_tells_staff_and_staff_marking_it_tells_the_vendor(
    vendor_client, staff_client, line, open_line, vendor, staff_user
):
    vendor_client.post(f"/api/vendor/orders/{line.pk}/supplied")
    open_line.vendor = vendor
    open_line.save()
    staff_client.post(
        f"/api/admin/booking-items/{open_line.pk}/supplied", {"supplied": True}, format="json"
    )
    notify_all()
    assert list(Notification.objects.values_list("user_id", "title")) == [
        (staff_user.pk, "Order marked supplied")
    ]
    assert list(VendorNotification.objects.values_list("booking_item_id", "type")) == [
        (open_line.pk, "supplied")
    ]


def test_a_vendor_acts_only_on_their_own_lines(vendor_client, biryani):
    from tests.factories import BookingItemFactory

    theirs = BookingItemFactory(item=biryani, vendor=VendorFactory())
    for step in ("accept", "supplied"):
        response = vendor_client.post(f"/api/vendor/orders/{theirs.pk}/{step}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Order item not found"
    theirs.refresh_from_db()
    assert theirs.accepted_at is None
    assert not theirs.is_supplied


def test_vendor_rejects_with_a_reason_sent_as_a_form(vendor_client, line, vendor):
    response = vendor_client.post(
        f"/api/vendor/orders/{line.pk}/reject", {"reason": "  Out of rice "}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "status": "rejected",
        "booking_item_id": line.pk,
        "reason": "Out of rice",
    }
    line.refresh_from_db()
    assert line.rejection_status
    assert line.vendor_id == vendor.pk
    assert BookingItemRejection.objects.get().rejection_note == "Out of rice"
    orders = vendor_client.get("/api/vendor/orders").json()
    assert (orders[0]["status"], orders[0]["rejection_note"]) == ("rejected", "Out of rice")
    assert vendor_client.post(f"/api/vendor/orders/{line.pk}/supplied").status_code == 409


def test_a_rejection_needs_a_reason(vendor_client, line):
    for body in ({}, {"reason": "   "}):
        response = vendor_client.post(f"/api/vendor/orders/{line.pk}/reject", body)
        assert response.status_code == 400
        assert "Rejection reason is required" in response.json()["detail"]
    line.refresh_from_db()
    assert not line.rejection_status
    assert not BookingItemRejection.objects.exists()


def test_vendor_marks_supplied_then_staff_verify(vendor_client, staff_client, line):
    response = vendor_client.post(f"/api/vendor/orders/{line.pk}/supplied")
    assert response.status_code == 200
    line.refresh_from_db()
    assert response.json() == {
        "ok": True,
        "is_supplied": True,
        "supplied_at": naive(line.supplied_at),
    }
    assert vendor_client.post(f"/api/vendor/orders/{line.pk}/supplied").status_code == 409

    verified = staff_client.post(f"/api/admin/booking-items/{line.pk}/verify-supply")
    assert verified.status_code == 200
    line.refresh_from_db()
    assert verified.json() == {
        "ok": True,
        "booking_item_id": line.pk,
        "supply_verified": True,
        "verified_at": naive(line.verified_at),
    }
    assert staff_client.post(f"/api/admin/booking-items/{line.pk}/verify-supply").status_code == 409
    actions = list(FulfilmentEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == [FulfilmentAction.SUPPLIED, FulfilmentAction.VERIFIED]


def test_verification_needs_a_supply(staff_client, line):
    response = staff_client.post(f"/api/admin/booking-items/{line.pk}/verify-supply")
    assert response.status_code == 409
    assert response.json()["detail"] == "Item must be marked as supplied before verification"


def test_staff_toggle_supplied_as_the_vendor_page_does(staff_client, line):
    url = f"/api/admin/booking-items/{line.pk}/supplied"
    on = staff_client.post(url, {"supplied": True}, format="json")
    assert on.status_code == 200
    assert on.json() == {"ok": True, "booking_item_id": line.pk, "is_supplied": True}
    staff_client.post(f"/api/admin/booking-items/{line.pk}/verify-supply")
    off = staff_client.post(url, {"supplied": False}, format="json")
    assert off.json() == {"ok": True, "booking_item_id": line.pk, "is_supplied": False}
    line.refresh_from_db()
    # Undoing the supply undoes its verification.
    assert (line.is_supplied, line.supplied_at, line.supply_verified, line.verified_at) == (
        False,
        None,
        False,
        None,
    )
    assert staff_client.post(url, {"supplied": False}, format="json").status_code == 409


def test_a_settled_line_stays_supplied_and_assigned(staff_client, line, other_vendor):
    line.is_supplied, line.payment_settled = True, True
    line.save()
    for path, body in (
        ("supplied", {"supplied": False}),
        ("cancel-vendor", {"cancellation_note": "x"}),
        ("reassign-vendor", {"vendor_id": other_vendor.pk}),
    ):
        response = staff_client.post(
            f"/api/admin/booking-items/{line.pk}/{path}", body, format="json"
        )
        assert response.status_code == 409, path
    line.refresh_from_db()
    assert line.is_supplied
    assert line.vendor_id != other_vendor.pk


def test_a_cancelled_line_cannot_be_assigned_or_accepted(
    staff_client, vendor_client, line, open_line, vendor
):
    for cancelled in (line, open_line):
        cancelled.booking_status = BookingItemStatus.CANCELLED
        cancelled.save()
    assert vendor_client.post(f"/api/vendor/orders/{line.pk}/accept").status_code == 409
    response = staff_client.post(
        f"/api/admin/booking-items/{open_line.pk}/assign-vendor",
        {"vendor_id": vendor.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "item_cancelled"


def test_a_suspended_vendor_cannot_be_assigned(staff_client, open_line, vendor):
    vendor.suspended_until = timezone.now() + timedelta(days=1)
    vendor.save()
    response = staff_client.post(
        f"/api/admin/booking-items/{open_line.pk}/assign-vendor",
        {"vendor_id": vendor.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "vendor_suspended"
