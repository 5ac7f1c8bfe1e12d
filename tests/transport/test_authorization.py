"""Who may call each transport endpoint: anonymous, a customer, staff (the legacy's
require_role("admin") is our staff)."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.transport.factories import VehicleFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, CUSTOMER, STAFF = "anonymous", "customer", "staff"

# (method, path, body, {role: status}). Bodies are empty: an allowed caller gets the 400 of
# a bad body (or 200 for reads), a refused one 401/403 before the body is looked at.
MATRIX = [
    ("get", "/api/vehicles/", None, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 200}),
    ("post", "/api/vehicles/", {}, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400}),
    (
        "put",
        "/api/vehicles/{id}",
        {"vehicle_capacity": 0},
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400},
    ),
    ("delete", "/api/vehicles/{id}", None, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 200}),
    ("post", "/api/vehicles/{id}/upload-image", None, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400}),
    ("get", "/api/vehicles/available?guests=2", None, {ANONYMOUS: 200, CUSTOMER: 200, STAFF: 200}),
    ("post", "/api/vehicles/bookings", {}, {ANONYMOUS: 401, CUSTOMER: 400, STAFF: 400}),
    ("get", "/api/locations/office-address", None, {ANONYMOUS: 200, CUSTOMER: 200, STAFF: 200}),
    (
        "get",
        "/api/locations/autocomplete?input=Kasaragod",
        None,
        {ANONYMOUS: 200, CUSTOMER: 200, STAFF: 200},
    ),
    (
        "get",
        "/api/locations/distance?origin=Kasaragod&destination=Kasaragod",
        None,
        {ANONYMOUS: 200, CUSTOMER: 200, STAFF: 200},
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
@pytest.mark.parametrize("role", [ANONYMOUS, CUSTOMER, STAFF])
def test_matrix(method, path, body, expected, role, customer, staff_user):
    vehicle = VehicleFactory()
    client = {
        ANONYMOUS: APIClient(),
        CUSTOMER: bearer_client(customer),
        STAFF: bearer_client(staff_user),
    }[role]
    kwargs = {"format": "multipart"} if "upload-image" in path else {"format": "json"}
    call = getattr(client, method)
    url = path.format(id=vehicle.pk)
    response = call(url, body, **kwargs) if body is not None or method == "post" else call(url)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert {"detail", "message", "code"} <= response.json().keys()
