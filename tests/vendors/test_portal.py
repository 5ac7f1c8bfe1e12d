"""The vendor portal (lib/api.ts VendorAPI, app/vendor/*): profile, catalog, orders and
notifications, with the bodies the screens send and every field they read."""

from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.models import Item
from tests.factories import BookingItemFactory, ItemFactory, VendorFactory
from tests.vendors.conftest import naive
from vendors.models import VendorNotification

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def test_profile_with_its_counters(vendor_client, vendor, line, biryani):
    BookingItemFactory(item=biryani, is_supplied=True)
    BookingItemFactory(item=biryani, booking_status="cancelled")
    BookingItemFactory(item=ItemFactory())  # another vendor's
    user = vendor.user
    response = vendor_client.get("/api/vendor/profile")
    assert response.status_code == 200
    assert response.json() == {
        "username": user.username,
        "first_name": "Asha",
        "last_name": "Menon",
        "mobile": user.mobile,
        "email": user.email,
        "profile_image": None,
        "vendor_profile": {
            "id": vendor.pk,
            "user_id": user.pk,
            "company_name": "Spice Route Caterers",
            "description": "",
            "contact_email": "spice@example.com",
            "contact_phone": "+919800000001",
            "address": "Beach Road",
        },
        "stats": {"items": 1, "orders": 3, "supplied_orders": 1},
        "report": {"new_today": 3, "pending": 2, "confirmed": 1, "cancelled": 1},
    }


def test_a_vendor_login_without_a_profile_gets_404(db):
    from accounts.choices import Role
    from tests.conftest import bearer_client
    from tests.factories import UserFactory

    client = bearer_client(UserFactory(role=Role.VENDOR))
    response = client.get("/api/vendor/profile")
    assert response.status_code == 404
    assert response.json()["detail"] == "Vendor profile not found"


def test_catalog_list(vendor_client, biryani):
    ItemFactory()  # another vendor's
    response = vendor_client.get("/api/vendor/items")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": biryani.pk,
                "name": "Chicken biryani",
                "description": "",
                # The vendor's own price, not the customer's (250).
                "price": 200.0,
                "category": "food",
                "subcategory": "lunch",
                "type": "veg",
                "image_url": "",
                "video_url": "",
                "profile_image_url": "",
                "profile_info": "",
                "performance_team_profile": None,
                "space_id": None,
                "available": True,
                "item_status": "available",
                "preparation_time_minutes": 0,
            }
        ],
        "count": 1,
    }


def test_catalog_list_reads_a_constant_number_of_queries(
    vendor_client, vendor, django_assert_num_queries
):
    ItemFactory(vendor=vendor)
    with django_assert_num_queries(3):
        vendor_client.get("/api/vendor/items")
    for _ in range(5):
        ItemFactory(vendor=vendor)
    with django_assert_num_queries(3):
        assert vendor_client.get("/api/vendor/items").json()["count"] == 6


def test_create_an_item_from_the_form(vendor_client, vendor):
    body = (
        "name=Paneer+tikka&price=120&category=food&subcategory=starter&item_type=veg"
        "&description=Grilled&available=true&item_status=available&preparation_time_minutes=30"
        "&performance_team_profile=%7B%22members%22%3A3%7D"
    )
    response = vendor_client.post("/api/vendor/items", body, content_type=FORM)
    assert response.status_code == 200, response.json()
    item = Item.objects.get()
    assert response.json() == {"ok": True, "id": item.pk}
    assert (item.vendor_id, item.name, item.vendor_price, item.price) == (
        vendor.pk,
        "Paneer tikka",
        Decimal("120.00"),
        Decimal("120.00"),
    )
    assert item.performance_team_profile == {"members": 3}
    assert item.preparation_time_minutes == 30


@pytest.mark.parametrize("body", ["name=&price=10", "name=Tea&price=0", "name=Tea"])
def test_a_bad_item_form_creates_nothing(vendor_client, body):
    response = vendor_client.post("/api/vendor/items", body, content_type=FORM)
    assert response.status_code == 400
    assert not Item.objects.exists()


def test_updating_the_price_reprices_by_staffs_markup(vendor_client, biryani):
    biryani.admin_markup_percent = Decimal("25")
    biryani.save()
    response = vendor_client.put(
        f"/api/vendor/items/{biryani.pk}", "price=240&space_id=&category=", content_type=FORM
    )
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    biryani.refresh_from_db()
    assert (biryani.vendor_price, biryani.price, biryani.category) == (
        Decimal("240.00"),
        Decimal("300.00"),
        "",
    )


def test_a_vendor_cannot_touch_another_vendors_item(vendor_client):
    theirs = ItemFactory(vendor=VendorFactory(), name="Theirs")
    assert (
        vendor_client.put(
            f"/api/vendor/items/{theirs.pk}", "name=Mine", content_type=FORM
        ).status_code
        == 404
    )
    assert vendor_client.delete(f"/api/vendor/items/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


def test_delete_an_unbooked_item_but_not_a_booked_one(vendor_client, vendor, line, biryani):
    spare = ItemFactory(vendor=vendor)
    response = vendor_client.delete(f"/api/vendor/items/{spare.pk}")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    booked = vendor_client.delete(f"/api/vendor/items/{biryani.pk}")
    assert booked.status_code == 409
    assert Item.objects.filter(pk=biryani.pk).exists()


def test_orders_read_every_field_the_screen_shows(vendor_client, line):
    line.accepted_at = timezone.now()
    line.save()
    booking = line.booking
    response = vendor_client.get("/api/vendor/orders")
    assert response.status_code == 200
    local = timezone.localtime
    assert response.json() == [
        {
            "id": line.pk,
            "booking_id": booking.pk,
            "ref": booking.booking_reference,
            "quantity": 2,
            "unit_price": 250.0,
            "total_price": 500.0,
            "event_date": line.event_date.isoformat(),
            "start_datetime": local(booking.start_datetime).strftime("%Y-%m-%dT%H:%M:%S"),
            "end_datetime": local(booking.end_datetime).strftime("%Y-%m-%dT%H:%M:%S"),
            "status": "pending",
            "is_supplied": False,
            "supplied_at": None,
            "supply_verified": False,
            "verified_at": None,
            "rejection_status": False,
            "rejection_note": None,
            "rejected_at": None,
            "accepted_at": naive(line.accepted_at),
            "supply_reminder_sent_at": None,
            "customer_name": "Asha Menon",
            "address": "Kochi",
            "venue_name": booking.venue.name,
            "event_type": "Birthday Party",
            "item_name": "Chicken biryani",
            "item_image": "",
            "item_category": "food",
        }
    ]


def test_orders_read_a_constant_number_of_queries(
    vendor_client, biryani, django_assert_num_queries
):
    BookingItemFactory(item=biryani)
    with django_assert_num_queries(3):
        vendor_client.get("/api/vendor/orders")
    for _ in range(5):
        BookingItemFactory(item=biryani)
    with django_assert_num_queries(3):
        assert len(vendor_client.get("/api/vendor/orders").json()) == 6


def test_order_sheet_refuses_an_empty_or_foreign_selection(vendor_client, biryani):
    theirs = BookingItemFactory(item=ItemFactory())
    for orders in ([], [{"id": theirs.pk}]):
        response = vendor_client.post("/api/vendor/orders/pdf", {"orders": orders}, format="json")
        assert response.status_code == 400
        assert response.json()["detail"] == "No orders provided"


def notice(vendor, **fields):
    return VendorNotification.objects.create(
        vendor_user=vendor.user, type="assigned", title="New order", message="2 x biryani", **fields
    )


def test_notifications_list_newest_first_with_the_unread_count(vendor_client, vendor, line):
    first = notice(vendor, is_read=True, read_at=timezone.now())
    second = notice(vendor, booking=line.booking, booking_item=line)
    notice(vendor, is_deleted=True)
    notice(VendorFactory())
    response = vendor_client.get("/api/vendor/notifications?limit=100")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": second.pk,
                "type": "assigned",
                "title": "New order",
                "message": "2 x biryani",
                "booking_id": line.booking_id,
                "booking_item_id": line.pk,
                "link": "",
                "is_read": False,
                "priority": "normal",
                "created_at": naive(second.created_at),
                "read_at": None,
            },
            {
                "id": first.pk,
                "type": "assigned",
                "title": "New order",
                "message": "2 x biryani",
                "booking_id": None,
                "booking_item_id": None,
                "link": "",
                "is_read": True,
                "priority": "normal",
                "created_at": naive(first.created_at),
                "read_at": naive(first.read_at),
            },
        ],
        "total": 2,
        "unread_count": 1,
        "has_more": False,
    }
    assert vendor_client.get("/api/vendor/notifications/unread-count").json() == {"count": 1}


def test_notifications_list_reads_a_constant_number_of_queries(
    vendor_client, vendor, django_assert_num_queries
):
    notice(vendor)
    with django_assert_num_queries(4):
        vendor_client.get("/api/vendor/notifications?limit=100")
    for _ in range(5):
        notice(vendor)
    with django_assert_num_queries(4):
        assert vendor_client.get("/api/vendor/notifications").json()["total"] == 6


def test_notifications_refuse_a_limit_past_100(vendor_client):
    assert vendor_client.get("/api/vendor/notifications?limit=101").status_code == 400


def test_read_mark_all_and_delete(vendor_client, vendor):
    one, two, three = notice(vendor), notice(vendor), notice(vendor)
    theirs = notice(VendorFactory())
    read = vendor_client.post(f"/api/vendor/notifications/{one.pk}/read")
    assert read.json() == {"ok": True, "notification_id": one.pk}
    assert vendor_client.post(f"/api/vendor/notifications/{one.pk}/read").status_code == 404
    assert vendor_client.post(f"/api/vendor/notifications/{theirs.pk}/read").status_code == 404
    deleted = vendor_client.delete(f"/api/vendor/notifications/{three.pk}")
    assert deleted.json() == {"ok": True, "notification_id": three.pk}
    assert vendor_client.delete(f"/api/vendor/notifications/{theirs.pk}").status_code == 404
    everything = vendor_client.post("/api/vendor/notifications/mark-all-read")
    assert everything.json() == {
        "ok": True,
        "updated_count": 1,
        "message": "Marked 1 notification(s) as read",
    }
    two.refresh_from_db()
    theirs.refresh_from_db()
    assert two.is_read
    assert two.read_at is not None
    assert not theirs.is_read
