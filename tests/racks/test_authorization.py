"""Who may call each racks endpoint: anonymous, a customer, staff (the legacy's
get_current_admin is our staff)."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.racks.factories import RackProductFactory

pytestmark = pytest.mark.django_db

ANONYMOUS, CUSTOMER, STAFF = "anonymous", "customer", "staff"
PUBLIC = {ANONYMOUS: 200, CUSTOMER: 200, STAFF: 200}
STAFF_ONLY_READ = {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 200}

# (method, path, body, {role: status}). Write bodies are bad on purpose: an allowed caller
# gets the 400 of the body, a refused one 401/403 before the body is looked at.
MATRIX = [
    ("get", "/api/racks?active_only=false", None, PUBLIC),
    ("get", "/api/racks/{rack}", None, PUBLIC),
    ("get", "/api/racks/code/{code}", None, PUBLIC),
    ("get", "/api/racks/products/all?active_only=true&status_filter=active", None, PUBLIC),
    ("post", "/api/racks/admin", {}, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400}),
    (
        "patch",
        "/api/racks/admin/{rack}",
        {"price": "x", "code": "bad code"},
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400},
    ),
    ("delete", "/api/racks/admin/99999", None, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 404}),
    ("get", "/api/racks/admin/default-rack", None, STAFF_ONLY_READ),
    ("post", "/api/racks/admin/{rack}/generate-qr", None, STAFF_ONLY_READ),
    ("post", "/api/racks/admin/{rack}/products", {}, {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400}),
    (
        "patch",
        "/api/racks/admin/products/{product}",
        {"price": -1},
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400},
    ),
    (
        "delete",
        "/api/racks/admin/products/99999",
        None,
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 404},
    ),
    ("get", "/api/racks/admin/orders", None, STAFF_ONLY_READ),
    ("post", "/api/racks/orders", {}, {ANONYMOUS: 401, CUSTOMER: 400, STAFF: 400}),
    ("get", "/api/racks/orders/99999", None, {ANONYMOUS: 401, CUSTOMER: 404, STAFF: 404}),
    (
        "post",
        "/api/racks/orders/99999/surprise-gift-details",
        {},
        {ANONYMOUS: 401, CUSTOMER: 400, STAFF: 400},
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
@pytest.mark.parametrize("role", [ANONYMOUS, CUSTOMER, STAFF])
def test_matrix(method, path, body, expected, role, customer, staff_user):
    product = RackProductFactory()
    client = {
        ANONYMOUS: APIClient(),
        CUSTOMER: bearer_client(customer),
        STAFF: bearer_client(staff_user),
    }[role]
    url = path.format(rack=product.rack_id, code=product.rack.code, product=product.pk)
    call = getattr(client, method)
    response = call(url, body, format="json") if body is not None else call(url)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert {"detail", "message", "code"} <= response.json().keys()


def test_a_stale_token_does_not_stop_the_public_pages():
    """The shop page sends whatever auth.token it holds; a broken one is not a 401 there."""
    product = RackProductFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/racks/products/all").status_code == 200
    assert client.get(f"/api/racks/code/{product.rack.code}").status_code == 200
