"""Staff's vendor screens (app/admin/vendors/index.tsx and [id].tsx, vendor-items.tsx,
vendor-settlements.tsx): list, create, invite, edit, suspend, candidates, a vendor's lines."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User, VendorProfile
from notify.models import OutboundSms
from tests.conftest import bearer_client
from tests.factories import BookingItemFactory, UserFactory, VendorFactory
from tests.vendors.conftest import naive, supplied
from vendors.models import BookingItemRejection

pytestmark = pytest.mark.django_db


def vendor_body(vendor, **changes):
    body = {
        "id": vendor.pk,
        "user_id": vendor.user_id,
        "username": vendor.user.username,
        "role": "vendor",
        "company_name": vendor.company_name,
        "description": vendor.description,
        "contact_email": vendor.contact_email,
        "contact_phone": vendor.contact_phone,
        "address": vendor.address,
        "profile_image": "",
        "suspended_until": None,
        "is_suspended": False,
        "created_at": naive(vendor.created_at),
    }
    return {**body, **changes}


def test_the_list_reads_like_the_legacy_with_what_each_vendor_is_owed(
    staff_client, vendor, other_vendor, line
):
    supplied(line)
    response = staff_client.get("/api/admin/vendors?skip=0&limit=100")

    assert response.status_code == 200
    # Bloom Decor before Spice Route: by company name.
    assert response.json() == {
        "items": [
            vendor_body(other_vendor, amount_owed=0),
            vendor_body(vendor, amount_owed=400.0),
        ],
        "count": 2,
        "total": 2,
        "skip": 0,
        "limit": 100,
    }


def test_the_list_reads_a_constant_number_of_queries(
    staff_client, django_assert_num_queries, vendor
):
    with django_assert_num_queries(4):  # the user, the page, the amounts owed, the total
        assert staff_client.get("/api/admin/vendors").status_code == 200
    for _ in range(5):
        BookingItemFactory(item__vendor=VendorFactory())
    with django_assert_num_queries(4):
        response = staff_client.get("/api/admin/vendors")
    assert response.json()["count"] == 6


def test_the_list_refuses_a_limit_past_500(staff_client):
    response = staff_client.get("/api/admin/vendors?limit=501")
    assert response.status_code == 400
    assert {"detail", "message", "code"} <= response.json().keys()


def test_detail(staff_client, vendor):
    response = staff_client.get(f"/api/admin/vendors/{vendor.pk}")
    assert response.status_code == 200
    assert response.json() == vendor_body(vendor)
    assert staff_client.get("/api/admin/vendors/999999").status_code == 404


def test_creating_a_vendor_makes_a_login_with_a_hashed_temporary_password(staff_client):
    form = {
        "company_name": "Rhythm Band",
        "contact_email": "Band@Example.com",
        "contact_phone": "9812345678",
        "description": "Live music",
        "address": "MG Road",
        "send_invite": "true",
    }
    response = staff_client.post("/api/admin/vendors", form, format="multipart")

    assert response.status_code == 200, response.json()
    body = response.json()
    vendor = VendorProfile.objects.get(pk=body["id"])
    assert body == {
        "ok": True,
        "id": vendor.pk,
        "user_id": vendor.user_id,
        "username": "rhythm_band",
        "temp_password": body["temp_password"],
        "invited": True,
    }
    user = vendor.user
    assert user.role == Role.VENDOR
    assert user.email == "band@example.com"
    # Stored hashed only; the login works with it.
    assert body["temp_password"] not in user.password
    assert user.check_password(body["temp_password"])
    sms = OutboundSms.objects.get()
    assert sms.sensitive
    assert body["temp_password"] in sms.body
    assert (vendor.company_name, vendor.address) == ("Rhythm Band", "MG Road")


def test_creating_a_vendor_for_an_existing_user_makes_them_a_vendor(staff_client):
    customer = UserFactory()
    response = staff_client.post(
        "/api/admin/vendors",
        {"user_id": customer.pk, "company_name": "Asha Foods", "send_invite": "false"},
        format="multipart",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["temp_password"] is None
    assert body["username"] is None
    assert body["invited"] is False
    customer.refresh_from_db()
    assert customer.role == Role.VENDOR
    again = staff_client.post("/api/admin/vendors", {"user_id": customer.pk}, format="multipart")
    assert again.status_code == 400
    assert VendorProfile.objects.filter(user=customer).count() == 1


def test_a_new_vendor_needs_an_email(staff_client):
    response = staff_client.post("/api/admin/vendors", {"company_name": "X"}, format="multipart")
    assert response.status_code == 400
    assert not VendorProfile.objects.exists()


def test_invite_sets_a_new_password_and_texts_it(staff_client, vendor):
    old_password = vendor.user.password
    response = staff_client.post(f"/api/admin/vendors/{vendor.pk}/invite")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "vendor_id": vendor.pk, "username": vendor.user.username}
    vendor.user.refresh_from_db()
    assert vendor.user.password != old_password
    assert OutboundSms.objects.get().to == vendor.contact_phone


def test_invite_without_a_number_to_text_changes_nothing(staff_client):
    vendor = VendorFactory(contact_phone="", user__mobile="")
    old_password = vendor.user.password
    response = staff_client.post(f"/api/admin/vendors/{vendor.pk}/invite")
    assert response.status_code == 400
    assert response.json()["code"] == "vendor_contact_missing"
    vendor.user.refresh_from_db()
    assert vendor.user.password == old_password
    assert not OutboundSms.objects.exists()


def test_edit_changes_only_the_fields_sent(staff_client, vendor):
    response = staff_client.put(
        f"/api/admin/vendors/{vendor.pk}",
        "company_name=Spice+Route&address=",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "vendor_id": vendor.pk,
        "company_name": "Spice Route",
        "description": "",
        "contact_email": "spice@example.com",
        "contact_phone": "+919800000001",
        "address": "",
    }


def test_suspension_to_a_day_refuses_the_vendors_login_and_token_until_lifted(
    staff_client, vendor, api_client
):
    vendor.user.set_password("vendor-pass-123")
    vendor.user.save()
    vendor_client = bearer_client(vendor.user)
    day = timezone.localdate() + timedelta(days=3)

    response = staff_client.post(
        f"/api/admin/vendors/{vendor.pk}/suspend",
        {"suspended_until": day.isoformat()},
        format="multipart",
    )

    assert response.status_code == 200
    vendor.refresh_from_db()
    assert response.json() == {
        "ok": True,
        "vendor_id": vendor.pk,
        "suspended_until": naive(vendor.suspended_until),
        "is_suspended": True,
    }
    assert timezone.localtime(vendor.suspended_until).date() == day
    assert vendor_client.get("/api/vendor/profile").status_code == 401
    login = api_client.post(
        "/api/auth/login",
        {"username": vendor.user.username, "password": "vendor-pass-123"},
        format="json",
    )
    assert login.status_code == 403

    lifted = staff_client.post(
        f"/api/admin/vendors/{vendor.pk}/suspend", {"suspended_until": ""}, format="multipart"
    )
    assert lifted.json()["is_suspended"] is False
    assert vendor_client.get("/api/vendor/profile").status_code == 200


def test_a_suspension_on_the_profile_alone_still_stops_the_vendor(vendor, vendor_client):
    """Imported or edited in the admin: the profile's date is checked on every vendor call."""
    VendorProfile.objects.filter(pk=vendor.pk).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    response = vendor_client.get("/api/vendor/orders")
    assert response.status_code == 403
    assert response.json()["code"] == "vendor_suspended"


def test_a_bad_suspension_date_changes_nothing(staff_client, vendor):
    response = staff_client.post(
        f"/api/admin/vendors/{vendor.pk}/suspend", {"suspended_until": "soon"}, format="multipart"
    )
    assert response.status_code == 400
    vendor.refresh_from_db()
    assert vendor.suspended_until is None


def test_candidates_say_which_vendor_rejected_the_line(staff_client, vendor, other_vendor, line):
    BookingItemRejection.objects.create(booking_item=line, vendor=vendor, rejection_note="Busy")
    response = staff_client.get(f"/api/admin/vendors/candidates?booking_item_id={line.pk}")
    assert response.status_code == 200
    common = {"profile_image": ""}
    assert response.json() == [
        {
            "id": other_vendor.pk,
            "user_id": other_vendor.user_id,
            "username": other_vendor.user.username,
            "company_name": "Bloom Decor",
            "contact_email": "bloom@example.com",
            "contact_phone": "",
            "is_rejected": False,
            "rejection_reason": None,
            **common,
        },
        {
            "id": vendor.pk,
            "user_id": vendor.user_id,
            "username": vendor.user.username,
            "company_name": "Spice Route Caterers",
            "contact_email": "spice@example.com",
            "contact_phone": "+919800000001",
            "is_rejected": True,
            "rejection_reason": "Busy",
            **common,
        },
    ]


def test_candidates_read_one_query_however_many(staff_client, django_assert_num_queries, vendor):
    with django_assert_num_queries(2):
        staff_client.get("/api/admin/vendors/candidates?booking_item_id=1")
    for _ in range(4):
        VendorFactory()
    with django_assert_num_queries(2):
        response = staff_client.get("/api/admin/vendors/candidates?booking_item_id=1")
    assert len(response.json()) == 5


def test_a_vendors_lines(staff_client, vendor, line):
    line.rejection_status, line.rejection_note = True, "Out of rice"
    line.rejected_at = timezone.now()
    line.save()
    response = staff_client.get(f"/api/admin/vendors/{vendor.pk}/items")
    assert response.status_code == 200
    booking = line.booking
    assert response.json() == {
        "items": [
            {
                "booking_item_id": line.pk,
                "booking_id": booking.pk,
                "booking_reference": booking.booking_reference,
                "event_type": "Birthday Party",
                "event_date": line.event_date.isoformat(),
                "booking_status": "pending",
                "is_supplyed": False,
                "supplied_at": None,
                "supply_verified": False,
                "verified_at": None,
                "rejection_status": True,
                "rejection_note": "Out of rice",
                "rejected_at": naive(line.rejected_at),
                "accepted_at": None,
                "payment_settled": False,
                "quantity": 2,
                "unit_price": 250.0,
                "total_price": 500.0,
                "price": 250.0,
                "item_id": line.item_id,
                "item_name": "Chicken biryani",
                "item_image_url": "",
                "space_id": booking.space_id,
                "space_name": booking.space.name,
                "venue_id": booking.venue_id,
                "venue_name": booking.venue.name,
            }
        ],
        "count": 1,
    }


def test_a_vendors_lines_read_a_constant_number_of_queries(
    staff_client, django_assert_num_queries, vendor, biryani
):
    BookingItemFactory(item=biryani)
    with django_assert_num_queries(3):
        staff_client.get(f"/api/admin/vendors/{vendor.pk}/items")
    for _ in range(5):
        BookingItemFactory(item=biryani)
    with django_assert_num_queries(3):
        response = staff_client.get(f"/api/admin/vendors/{vendor.pk}/items")
    assert response.json()["count"] == 6


def test_amounts_are_decimal_sums_of_vendor_prices(staff_client, vendor, biryani):
    for quantity in (1, 2):
        supplied(BookingItemFactory(item=biryani, quantity=quantity))
    biryani.vendor_price = Decimal("33.33")
    biryani.save()
    rows = staff_client.get("/api/admin/vendors").json()["items"]
    assert rows[0]["amount_owed"] == 99.99
    assert User.objects.filter(role=Role.VENDOR).count() == 1
