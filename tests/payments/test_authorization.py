"""Who may call what: every payments endpoint for each kind of caller (the local gateway:
no network)."""

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.choices import BookingStatus
from payments.choices import PaymentStatus
from payments.models import Payment, Refund
from tests.conftest import bearer_client
from tests.factories import BookingFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "owner", "other", "staff")

# (method, path, body, expected status for anonymous / owner / other customer / staff)
MATRIX: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int, int]]] = [
    ("post", "/api/payments/prepare", {"amount": 10}, (401, 200, 200, 200)),
    ("post", "/api/payments/create-razorpay-order", {"amount": 1000}, (401, 200, 200, 200)),
    # A made-up signature: a 400 for everyone who may call it at all.
    (
        "post",
        "/api/payments/razorpay/verify",
        {
            "razorpay_order_id": "order_Matrix00000001",
            "razorpay_payment_id": "pay_Matrix00000001",
            "razorpay_signature": "0" * 64,
        },
        (401, 400, 400, 400),
    ),
    # Razorpay's own call: no login, only its signature (absent here).
    ("post", "/api/payments/razorpay/webhook", {"event": "payment.captured"}, (400, 400, 400, 400)),
    ("get", "/api/payments/status/pay_Matrix00000002", None, (401, 200, 404, 200)),
    ("get", "/api/payments/admin/payments", None, (401, 403, 403, 200)),
    ("get", "/api/payments/admin/settings/advance-payment", None, (401, 403, 403, 200)),
    (
        "post",
        "/api/payments/admin/settings/advance-payment",
        {"enabled": True, "percentage": 30, "type": "percentage"},
        (401, 403, 403, 200),
    ),
    ("get", "/api/bookings/{booking}/payment-history", None, (401, 200, 403, 200)),
    # Nothing was overpaid: the owner and staff get a 400, not a refund.
    ("post", "/api/bookings/{booking}/refund", {"refund_amount": 10}, (401, 400, 403, 400)),
    ("post", "/api/bookings/{booking}/cancel", {}, (401, 200, 403, 200)),
    ("get", "/api/admin/refunds", None, (401, 403, 403, 200)),
    ("post", "/api/admin/refunds/{refund}/process", None, (401, 403, 403, 200)),
    ("get", "/api/admin/settings/refund-percentage", None, (401, 403, 403, 200)),
    ("post", "/api/admin/settings/refund-percentage", {"percentage": 30}, (401, 403, 403, 200)),
]

CASES = [
    pytest.param(method, path, body, persona, expected[i], id=f"{method} {path} as {persona}")
    for method, path, body, expected in MATRIX
    for i, persona in enumerate(PERSONAS)
]


@pytest.fixture
def world():
    owner = UserFactory()
    booking = BookingFactory(user=owner, status=BookingStatus.PENDING, paid_amount=Decimal("500"))
    payment = Payment.objects.create(
        user=owner,
        booking=booking,
        amount=Decimal("500.00"),
        amount_paise=50000,
        order_id="order_Matrix00000002",
        provider="local",
        provider_payment_id="pay_Matrix00000002",
        status=PaymentStatus.SUCCESS,
        paid_at=timezone.now(),
        settled_at=timezone.now(),
    )
    refund = Refund.objects.create(
        booking=booking, payment=payment, amount=Decimal("100.00"), refund_type="admin"
    )
    return {
        "owner": owner,
        "other": UserFactory(),
        "staff": UserFactory(staff=True),
        "booking": booking,
        "refund": refund,
    }


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected"), CASES)
def test_authorization_matrix(world, method, path, body, persona, expected):
    client = APIClient() if persona == "anonymous" else bearer_client(world[persona])
    url = path.format(booking=world["booking"].pk, refund=world["refund"].pk)
    before = (
        list(Payment.objects.values_list("pk", "status", "booking_id")),
        list(Refund.objects.values_list("pk", "status")),
    )

    response = getattr(client, method)(url, body, format="json")

    assert response.status_code == expected, response.content
    if expected >= 400:
        assert response.json()["detail"]
        after = (
            list(Payment.objects.values_list("pk", "status", "booking_id")),
            list(Refund.objects.values_list("pk", "status")),
        )
        assert after == before
