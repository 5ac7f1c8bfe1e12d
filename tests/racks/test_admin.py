"""The racks admin: order statuses move only along the service's transitions."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from racks.models import RackOrder
from tests.factories import UserFactory
from tests.racks.factories import RackFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/racks/rackorder/"


def order(status: str, n: int) -> RackOrder:
    return RackOrder.objects.create(
        user=UserFactory(),
        rack=RackFactory(),
        order_reference=f"RO-ADMIN{n:04d}",
        total_amount=Decimal("100.00"),
        original_amount=Decimal("100.00"),
        status=status,
    )


def run_action(client, action: str, *orders: RackOrder):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [o.pk for o in orders]}, follow=True
    )


def test_staff_mark_paid_orders_shipped_and_never_an_unpaid_one(admin_client):
    paid, unpaid = order("confirmed", 1), order("pending", 2)

    response = run_action(admin_client, "mark_shipped", paid, unpaid)

    assert response.status_code == 200
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.status, unpaid.status) == ("shipped", "pending")
    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert "1 order(s) shipped." in said
    assert any("RO-ADMIN0002 is pending" in m for m in said)
    run_action(admin_client, "mark_delivered", paid)
    paid.refresh_from_db()
    assert paid.status == "delivered"


def test_the_order_pages_render(admin_client):
    shown = order("confirmed", 3)
    assert admin_client.get(CHANGELIST).status_code == 200
    assert admin_client.get(f"{CHANGELIST}{shown.pk}/change/").status_code == 200
