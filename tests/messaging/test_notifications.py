"""Customer notifications (app/notifications.tsx) and the events that write them."""

from decimal import Decimal

import pytest

from accounts.models import User
from bookings.choices import BookingStatus
from bookings.models import BookingEvent
from messaging.choices import NotificationKind
from messaging.models import NotificationDetail
from messaging.notifications import NewNotification, notification_create
from notify.models import Notification
from payments.choices import PaymentSource, PaymentStatus, RefundStatus, RefundType
from payments.models import Payment, PaymentEvent, Refund
from tests import factories
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def _notify(user: User, title: str = "Booking Approved", **kwargs) -> Notification:
    notification = notification_create(
        user_id=user.pk,
        new=NewNotification(
            kind=kwargs.pop("kind", NotificationKind.BOOKING_APPROVED),
            title=title,
            message=kwargs.pop("message", "Your booking BK-1 has been approved."),
            **kwargs,
        ),
    )
    assert notification is not None
    return notification


def test_list_whole_body(customer, customer_client):
    booking = factories.BookingFactory(user=customer)
    first = _notify(customer, booking_id=booking.pk, link=f"/book/{booking.pk}")
    # One written before details existed (or by notify alone) reads as a plain notification.
    plain = Notification.objects.create(user=customer, title="Hello", message="Welcome")
    response = customer_client.get("/api/client/notifications?limit=100")
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "items": [
            {
                "id": plain.pk,
                "type": "default",
                "title": "Hello",
                "message": "Welcome",
                "booking_id": None,
                "link": None,
                "is_read": False,
                "priority": "normal",
                "created_at": body["items"][0]["created_at"],
                "read_at": None,
            },
            {
                "id": first.pk,
                "type": "booking_approved",
                "title": "Booking Approved",
                "message": "Your booking BK-1 has been approved.",
                "booking_id": booking.pk,
                "link": f"/book/{booking.pk}",
                "is_read": False,
                "priority": "normal",
                "created_at": body["items"][1]["created_at"],
                "read_at": None,
            },
        ],
        "unread_count": 2,
    }
    assert len(body["items"][0]["created_at"]) == 19  # naive, to the second


def test_read_delete_mark_all_clear(customer, customer_client, other_customer):
    first, second, third = (_notify(customer, title=f"N{n}") for n in range(3))
    others = _notify(other_customer)

    assert customer_client.post(f"/api/client/notifications/{first.pk}/read").json() == {"ok": True}
    detail = NotificationDetail.objects.get(pk=first.pk)
    assert detail.read_at is not None
    assert customer_client.get("/api/client/notifications").json()["unread_count"] == 2
    # The bell (notify's /notifications/count) counts the same rows.
    assert Notification.objects.filter(user=customer, is_read=False).count() == 2

    assert customer_client.delete(f"/api/client/notifications/{second.pk}").json() == {"ok": True}
    assert customer_client.post("/api/client/notifications/mark-all-read").json() == {"updated": 1}
    assert customer_client.get("/api/client/notifications?unread_only=true").json()["items"] == []
    assert customer_client.delete("/api/client/notifications/clear-all").json() == {"deleted": 2}
    assert not Notification.objects.filter(user=customer).exists()
    # Nothing of another customer's moved.
    others.refresh_from_db()
    assert not others.is_read
    assert third.pk not in Notification.objects.values_list("pk", flat=True)


def test_authorization_matrix(api_client, customer, customer_client, other_client, staff_client):
    mine = _notify(customer)
    for method, path in [
        ("get", "/api/client/notifications"),
        ("post", f"/api/client/notifications/{mine.pk}/read"),
        ("post", "/api/client/notifications/mark-all-read"),
        ("delete", f"/api/client/notifications/{mine.pk}"),
        ("delete", "/api/client/notifications/clear-all"),
    ]:
        assert getattr(api_client, method)(path).status_code == 401, path
    vendor = bearer_client(factories.UserFactory(role="vendor"))
    assert vendor.get("/api/client/notifications").status_code == 403
    # Another customer (or staff) cannot read or delete it: not found.
    for client in (other_client, staff_client):
        assert client.post(f"/api/client/notifications/{mine.pk}/read").status_code == 404
        assert client.delete(f"/api/client/notifications/{mine.pk}").status_code == 404
        assert client.get("/api/client/notifications").json()["items"] == []
    mine.refresh_from_db()
    assert not mine.is_read
    assert customer_client.post(f"/api/client/notifications/{mine.pk}/read").status_code == 200


def test_bad_queries_are_400(customer_client):
    for query in ("limit=0", "limit=101", "offset=-1", "unread_only=maybe"):
        assert customer_client.get(f"/api/client/notifications?{query}").status_code == 400


@pytest.mark.parametrize("rows", [1, 10])
def test_list_costs_fixed_queries(rows, customer, customer_client, django_assert_max_num_queries):
    for n in range(rows):
        _notify(customer, title=f"N{n}")
    with django_assert_max_num_queries(3):
        assert len(customer_client.get("/api/client/notifications").json()["items"]) == rows


def test_one_notification_per_event(customer):
    new = NewNotification(
        kind=NotificationKind.OTHER, title="t", message="m", event_key="booking-event:1"
    )
    assert notification_create(user_id=customer.pk, new=new) is not None
    assert notification_create(user_id=customer.pk, new=new) is None
    assert Notification.objects.filter(user=customer).count() == 1


def test_booking_decisions_payments_and_refunds_notify_the_customer(customer, staff_user):
    booking = factories.BookingFactory(user=customer)
    BookingEvent.objects.create(
        booking=booking,
        actor=staff_user,
        from_status=BookingStatus.PENDING,
        to_status=BookingStatus.APPROVED,
    )
    payment = Payment.objects.create(
        user=customer,
        booking=booking,
        amount=Decimal("500.00"),
        amount_paise=50000,
        order_id="order_n1",
        status=PaymentStatus.SUCCESS,
    )
    event = {"payment": payment, "to_status": PaymentStatus.SUCCESS, "source": PaymentSource.VERIFY}
    PaymentEvent.objects.create(from_status=PaymentStatus.PENDING, **event)
    # The same payment reported again (webhook after verify) is not news.
    PaymentEvent.objects.create(from_status=PaymentStatus.SUCCESS, **event)
    refund = Refund.objects.create(
        booking=booking,
        payment=payment,
        amount=Decimal("100.00"),
        refund_type=RefundType.CANCELLATION,
    )
    refund.status = RefundStatus.COMPLETED
    refund.save()
    refund.save()  # saved twice: still one notification
    kinds = list(
        NotificationDetail.objects.filter(notification__user=customer)
        .order_by("notification_id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["booking_approved", "payment_success", "refund_processed"]
    titles = list(Notification.objects.filter(user=customer).values_list("title", flat=True))
    assert set(titles) == {"Booking Approved", "Payment Received", "Refund Processed"}


def test_a_booking_created_approved_is_no_news(customer):
    """Staff's own bookings and training series are created approved: no message per booking."""
    booking = factories.BookingFactory(user=customer, status=BookingStatus.APPROVED)
    BookingEvent.objects.create(booking=booking, to_status=BookingStatus.APPROVED)
    assert not Notification.objects.filter(user=customer).exists()
