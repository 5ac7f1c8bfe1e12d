"""Live-show tickets as the frontend buys them (payment-main.tsx: order, pay, verify against
the show's booking, then POST /program_participants/add), and the door scan."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from bookings.choices import BookingStatus
from bookings.models import Booking, ProgramParticipant
from payments.choices import PaymentPurpose, RefundType
from payments.models import Payment, Refund
from programs import services, tickets
from tests.conftest import bearer_client
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def show(staff_user) -> Booking:
    """The venue's live show as staff book it (live-show.tsx): 3 tickets at 200 each."""
    return BookingFactory(
        user=staff_user,
        is_admin_booking=True,
        booking_type="live-",
        status=BookingStatus.APPROVED,
        event_type="Rock Night",
        customer_note="Tickets: 3 @ ₹200 | Coordinator: Anu | Notes: doors at 7",
        attendees=3,
        total_amount=Decimal("0"),
    )


def buy(client, razorpay, show, *, rupees: int) -> dict[str, Any]:
    order = client.post(
        "/api/payments/create-razorpay-order", {"amount": rupees * 100}, format="json"
    ).json()
    payment_id = razorpay.pay(order["order_id"])
    verified = client.post(
        "/api/payments/razorpay/verify",
        {
            "razorpay_order_id": order["order_id"],
            "razorpay_payment_id": payment_id,
            "razorpay_signature": razorpay.signature(order["order_id"], payment_id),
            "booking_id": show.pk,
        },
        format="json",
    )
    assert verified.status_code == 200, verified.json()
    return order


def add_participants(client, show, quantity: int, **overrides):
    return client.post(
        "/api/program_participants/add",
        {
            "user_id": None,
            "name": "Anu Thomas",
            "mobile": "9812345678",
            "program_type": "live",
            "subscription_type": "live-",
            "ticket_quantity": quantity,
            "start_date": "2030-01-15T13:30:00.000Z",
            "end_date": "2030-01-15T16:30:00.000Z",
            "amount_paid": 1,  # the browser's figure: ignored
            "booking_id": show.pk,
            **overrides,
        },
        format="json",
    )


def test_tickets_paid_then_registered_with_the_payments_amount(
    customer, customer_client, razorpay, show
):
    buy(customer_client, razorpay, show, rupees=400)

    response = add_participants(customer_client, show, 2)

    assert response.status_code == 200, response.json()
    participant = ProgramParticipant.objects.get()
    assert response.json() == {
        "success": True,
        "id": participant.pk,
        "booking_id": show.pk,
        "amount_paid": 400.0,
        "ticket_code": tickets.ticket_code(participant.pk),
    }
    assert (participant.user, participant.amount_paid, participant.ticket_quantity) == (
        customer,
        Decimal("400.00"),
        2,
    )
    payment = Payment.objects.get()
    assert payment.purpose == PaymentPurpose.TICKETS
    assert payment.participant_ticket.participant == participant
    # The show's own booking is not "paid" by its customers' tickets.
    assert Booking.objects.get(pk=show.pk).paid_amount == 0


def test_one_payment_registers_its_people_once(customer_client, razorpay, show):
    buy(customer_client, razorpay, show, rupees=200)
    first = add_participants(customer_client, show, 1)

    again = add_participants(customer_client, show, 1)

    assert first.status_code == 200
    assert again.status_code == 409
    assert again.json()["code"] == "not_paid"
    assert ProgramParticipant.objects.count() == 1


def test_more_tickets_than_are_left_are_refused_and_the_payment_returned(
    customer_client, razorpay, show, django_capture_on_commit_callbacks
):
    buy(customer_client, razorpay, show, rupees=400)
    add_participants(customer_client, show, 2)
    latecomer = bearer_client(UserFactory())
    buy(latecomer, razorpay, show, rupees=400)

    with django_capture_on_commit_callbacks(execute=True):
        response = add_participants(latecomer, show, 2)

    assert response.status_code == 409
    assert response.json()["code"] == "sold_out"
    assert response.json()["tickets_available"] == 1
    assert ProgramParticipant.objects.count() == 1
    refund = Refund.objects.get()
    assert (refund.refund_type, refund.amount) == (RefundType.AUTOMATIC, Decimal("400.00"))


def test_a_payment_that_is_not_the_tickets_price_is_returned(customer_client, razorpay, show):
    buy(customer_client, razorpay, show, rupees=150)

    response = add_participants(customer_client, show, 1)

    assert response.status_code == 409
    assert (response.json()["client_amount"], response.json()["server_amount"]) == (
        "150.00",
        "200",
    )
    assert Refund.objects.get().amount == Decimal("150.00")


def test_no_payment_no_participant(customer_client, show):
    response = add_participants(customer_client, show, 1)

    assert response.status_code == 409
    assert response.json()["code"] == "not_paid"
    assert not ProgramParticipant.objects.exists()


def test_a_customer_cannot_register_someone_else(customer_client, razorpay, show, other_customer):
    buy(customer_client, razorpay, show, rupees=200)

    response = add_participants(customer_client, show, 1, user_id=other_customer.pk)

    assert response.status_code == 403
    assert not ProgramParticipant.objects.exists()


# --- The door ---------------------------------------------------------------------------------


@pytest.fixture
def holder(customer, show) -> ProgramParticipant:
    return ProgramParticipant.objects.create(
        user=customer,
        booking=show,
        name="Anu Thomas",
        mobile="9812345678",
        program_type="live",
        ticket_quantity=2,
        amount_paid=Decimal("400"),
    )


def test_staff_scan_each_ticket_once(staff_client, holder):
    url = f"/api/program-participants/{holder.pk}/verify"

    first = staff_client.post(url)
    second = staff_client.post(url)
    third = staff_client.post(url)

    assert first.json() == {
        "success": True,
        "id": holder.pk,
        "is_verified": False,
        "scan_count": 1,
        "ticket_quantity": 2,
        "verified_at": None,
    }
    assert (second.json()["is_verified"], second.json()["scan_count"]) == (True, 2)
    assert second.json()["verified_at"]
    assert third.status_code == 409
    assert third.json()["code"] == "ticket_used"
    holder.refresh_from_db()
    assert holder.scan_count == 2


def test_the_door_page_needs_the_tickets_signed_code(holder, other_customer):
    """app/verify/participant.tsx sends only the id: the legacy let anyone mark anyone
    arrived. Ours admits with the QR code's signed code, or a staff login."""
    anonymous = APIClient()
    url = f"/api/program_participants/{holder.pk}/verify"

    bare = anonymous.patch(url, {"is_verified": True}, format="json")
    forged = anonymous.patch(
        url, {"is_verified": True, "code": tickets.ticket_code(holder.pk + 1)}, format="json"
    )
    signed = anonymous.patch(
        f"{url}?code={tickets.ticket_code(holder.pk)}", {"is_verified": True}, format="json"
    )
    reset = bearer_client(other_customer).patch(
        url, {"is_verified": False, "code": tickets.ticket_code(holder.pk)}, format="json"
    )

    assert (bare.status_code, forged.status_code) == (403, 403)
    assert signed.status_code == 200, signed.json()
    assert signed.json()["scan_count"] == 1
    assert reset.status_code == 403
    holder.refresh_from_db()
    assert holder.scan_count == 1


def test_staff_reset_a_tickets_scans(staff_client, holder):
    staff_client.post(f"/api/program-participants/{holder.pk}/verify")

    response = staff_client.patch(
        f"/api/program_participants/{holder.pk}/verify", {"is_verified": False}, format="json"
    )

    assert (response.json()["scan_count"], response.json()["is_verified"]) == (0, False)


def test_the_holder_gets_the_tickets_qr_code(customer_client, other_customer, holder, settings):
    settings.FRONTEND_URL = "https://lebrq.example"

    response = customer_client.get(f"/api/program_participants/{holder.pk}/ticket.svg")
    stranger = bearer_client(other_customer).get(
        f"/api/program_participants/{holder.pk}/ticket.svg"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml")
    assert b"<svg" in response.content
    assert stranger.status_code == 403
    url = tickets.verify_url(settings.FRONTEND_URL, holder)
    assert url.startswith("https://lebrq.example/verify/participant?id=")
    assert tickets.participant_for_code(url.rsplit("code=", 1)[1]) == holder.pk


def test_ticket_money_nobody_registered_goes_back(
    customer_client, razorpay, show, django_capture_on_commit_callbacks
):
    buy(customer_client, razorpay, show, rupees=400)
    Payment.objects.update(paid_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.ticket_payments_return_unclaimed() == 1
        assert services.ticket_payments_return_unclaimed() == 0

    assert Refund.objects.get().amount == Decimal("400.00")


def test_the_tick_queues_every_periodic_task(settings):
    call_command("payments_tick")

    queued = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == set(settings.PERIODIC_TASKS)
