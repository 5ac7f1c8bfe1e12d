"""Who may call each broker endpoint: anonymous, a customer, staff (the legacy's
admin_required / get_current_admin), and an approved broker (only their own summary)."""

import pytest
from rest_framework.test import APIClient

from tests.brokers.factories import BrokerFactory
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

ANONYMOUS, CUSTOMER, STAFF, BROKER = "anonymous", "customer", "staff", "broker"
REFUSED = {ANONYMOUS: 401, CUSTOMER: 403, BROKER: 403}

# (method, path, body, {role: status}). An allowed caller gets the 400 of an empty body (or
# 200 for reads and body-less actions); a refused one 401/403 before the body is read.
MATRIX = [
    ("get", "/api/admin/brokers", None, {**REFUSED, STAFF: 200}),
    ("post", "/api/admin/brokers", {}, {**REFUSED, STAFF: 400}),
    (
        "post",
        "/api/admin/brokers/bulk-update-brokerage",
        {},
        {**REFUSED, STAFF: 400},
    ),
    ("get", "/api/admin/brokers/{id}", None, {**REFUSED, STAFF: 200}),
    ("put", "/api/admin/brokers/{id}", {"brokerage_percentage": "x"}, {**REFUSED, STAFF: 400}),
    ("post", "/api/admin/brokers/{id}/approve", None, {**REFUSED, STAFF: 200}),
    ("post", "/api/admin/brokers/{id}/invite", None, {**REFUSED, STAFF: 200}),
    ("post", "/api/admin/brokers/{id}/suspend", {"suspended_until": "x"}, {**REFUSED, STAFF: 400}),
    (
        "get",
        "/api/broker/payments/summary?broker_id={id}",
        None,
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 200, BROKER: 200},
    ),
    ("post", "/api/broker/payments/settle", {}, {**REFUSED, STAFF: 400}),
    ("post", "/api/broker/payments/prepare-payment", {}, {**REFUSED, STAFF: 400}),
    ("post", "/api/broker/payments/verify-payment", {}, {**REFUSED, STAFF: 400}),
    ("post", "/api/broker/payments/prepare-bulk-payment", {}, {**REFUSED, STAFF: 400}),
    ("post", "/api/broker/payments/verify-bulk-payment", {}, {**REFUSED, STAFF: 400}),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
@pytest.mark.parametrize("role", [ANONYMOUS, CUSTOMER, STAFF, BROKER])
def test_matrix(method, path, body, expected, role, customer, staff_user):
    broker = BrokerFactory()
    client = {
        ANONYMOUS: APIClient(),
        CUSTOMER: bearer_client(customer),
        STAFF: bearer_client(staff_user),
        BROKER: bearer_client(broker.user),
    }[role]
    call = getattr(client, method)
    url = path.format(id=broker.pk)
    response = call(url, body, format="json") if body is not None else call(url)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert {"detail", "message", "code"} <= response.json().keys()
