"""The staff clients screen (app/admin/clients/index.tsx), the sidebar badges
(contexts/BadgeContext.tsx) and customer suspension."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import User
from bookings.choices import BookingStatus
from bookings.models import AdminSetting
from messaging.models import MessageThread, ThreadMessage
from payments.choices import PaymentStatus
from payments.models import Payment
from tests import factories

pytestmark = pytest.mark.django_db


def _paid(booking, amount: str, refunded: str = "0") -> Payment:
    return Payment.objects.create(
        user=booking.user,
        booking=booking,
        amount=Decimal(amount),
        amount_paise=int(Decimal(amount) * 100),
        order_id=f"order_{booking.pk}_{amount}",
        status=PaymentStatus.SUCCESS,
        refunded_amount=Decimal(refunded),
    )


def test_client_list_whole_body(customer, staff_client):
    customer.date_joined = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    customer.save()
    start = datetime(2026, 12, 9, 16, 0, tzinfo=ZoneInfo("Asia/Kolkata"))
    booking = factories.BookingFactory(
        user=customer, start_datetime=start, end_datetime=start + timedelta(hours=2)
    )
    factories.BookingFactory(user=customer, status=BookingStatus.APPROVED)
    factories.BookingFactory(user=customer, status=BookingStatus.CANCELLED)
    _paid(booking, "1500.00", refunded="500.00")
    thread = MessageThread.objects.create(
        key="client_1_abcdef01",
        customer=customer,
        last_message_at=datetime(2026, 2, 1, 10, 0, tzinfo=UTC),
    )
    ThreadMessage.objects.create(thread=thread, sender=customer, from_staff=False, body="hi")
    factories.UserFactory(staff=True)  # staff are not clients

    response = staff_client.get("/api/admin/clients?limit=50&offset=0")
    assert response.status_code == 200
    # A later booking by the factory's sequence may be the latest event: read it back.
    assert response.json() == {
        "items": [
            {
                "id": customer.pk,
                "email": customer.email,
                "first_name": "Asha",
                "last_name": "Menon",
                "mobile": customer.mobile,
                "created_at": "2026-01-02T03:04:05",
                "suspended_until": None,
                "is_suspended": False,
                "total_bookings": 3,
                "active_bookings": 2,
                "pending_bookings": 1,
                "last_event_at": response.json()["items"][0]["last_event_at"],
                "total_paid": 1000.0,
                "unread_messages": 1,
                "last_message_at": "2026-02-01T10:00:00",
            }
        ],
        "meta": {
            "total": 1,
            "limit": 50,
            "offset": 0,
            "stats": {
                "total_clients": 1,
                "active_bookings": 2,
                "pending_bookings": 1,
                "total_revenue": 1000.0,
            },
        },
    }
    latest = max(b.start_datetime for b in customer.bookings.all())
    assert response.json()["items"][0]["last_event_at"] == timezone.localtime(latest).strftime(
        "%Y-%m-%dT%H:%M:%S"
    )


def test_client_search_and_limits(staff_client):
    factories.UserFactory(first_name="Zara", mobile="+919000000001")
    factories.UserFactory(first_name="Ravi")
    found = staff_client.get("/api/admin/clients?search=zara").json()
    assert [row["first_name"] for row in found["items"]] == ["Zara"]
    assert found["meta"]["total"] == 1
    assert found["meta"]["stats"]["total_clients"] == 2
    assert staff_client.get("/api/admin/clients?limit=101").status_code == 400
    assert staff_client.get("/api/admin/clients?offset=-1").status_code == 400


@pytest.mark.parametrize("clients", [1, 6])
def test_client_list_costs_fixed_queries(clients, staff_client, django_assert_max_num_queries):
    for _ in range(clients):
        booking = factories.BookingFactory()
        _paid(booking, "100.00")
    with django_assert_max_num_queries(9):
        body = staff_client.get("/api/admin/clients").json()
    assert len(body["items"]) == clients


def test_badges_count_what_came_after_staff_looked(staff_client):
    factories.BookingFactory()
    assert staff_client.get("/api/admin/badges/counts").json() == {
        "new_bookings": 1,
        "new_clients": 1,
    }
    marked = staff_client.post("/api/admin/clients/mark-viewed")
    assert marked.status_code == 200
    assert marked.json() == {"ok": True, "message": "All clients marked as viewed"}
    # The bookings mark is the bookings screen's (POST /admin/bookings/mark-viewed).
    AdminSetting.objects.create(setting_key="bookings_viewed_at", value=timezone.now().isoformat())
    assert staff_client.get("/api/admin/badges/counts/").json() == {
        "new_bookings": 0,
        "new_clients": 0,
    }
    factories.BookingFactory()  # a new customer and a new booking
    assert staff_client.get("/api/admin/badges/counts").json() == {
        "new_bookings": 1,
        "new_clients": 1,
    }


def test_suspend_and_lift(customer, staff_client, customer_client):
    response = staff_client.post(
        f"/api/admin/customers/{customer.pk}/suspend",
        "suspended_until=2099-03-04",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    # The end of that day at the venue (Asia/Kolkata), sent as naive UTC.
    assert response.json() == {
        "ok": True,
        "user_id": customer.pk,
        "suspended_until": "2099-03-04T18:29:59",
        "is_suspended": True,
    }
    assert customer_client.get("/api/client/messages/threads").status_code == 401
    lifted = staff_client.post(
        f"/api/admin/customers/{customer.pk}/suspend",
        "suspended_until=",
        content_type="application/x-www-form-urlencoded",
    )
    assert lifted.json() == {
        "ok": True,
        "user_id": customer.pk,
        "suspended_until": None,
        "is_suspended": False,
    }
    customer.refresh_from_db()
    assert customer.suspended_until is None


def test_suspend_refuses_bad_dates_and_non_customers(customer, staff_client, staff_user):
    bad = staff_client.post(
        f"/api/admin/customers/{customer.pk}/suspend",
        "suspended_until=next-week",
        content_type="application/x-www-form-urlencoded",
    )
    assert bad.status_code == 400
    assert User.objects.get(pk=customer.pk).suspended_until is None
    for user_id in (staff_user.pk, 99999999):
        response = staff_client.post(
            f"/api/admin/customers/{user_id}/suspend",
            "suspended_until=2099-01-01",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 404
        assert response.json()["detail"] == "Customer not found"
    assert User.objects.get(pk=staff_user.pk).suspended_until is None


def test_authorization_matrix(api_client, customer, customer_client, other_client, staff_client):
    calls = [
        ("get", "/api/admin/clients", None),
        ("post", "/api/admin/clients/mark-viewed", None),
        ("get", "/api/admin/badges/counts", None),
        ("post", f"/api/admin/customers/{customer.pk}/suspend", {"suspended_until": ""}),
    ]
    for method, path, body in calls:
        assert getattr(api_client, method)(path, body).status_code == 401, path
        assert getattr(customer_client, method)(path, body).status_code == 403, path
        assert getattr(other_client, method)(path, body).status_code == 403, path
        assert getattr(staff_client, method)(path, body).status_code == 200, path
