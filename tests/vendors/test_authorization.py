"""Who may call each vendor endpoint: anonymous, a customer, staff, a vendor (the legacy's
admin_required and vendor_required; the settlement summary and invoice take either)."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.factories import BookingItemFactory, ItemFactory, VendorFactory
from vendors.models import VendorNotification

pytestmark = pytest.mark.django_db

ANONYMOUS, CUSTOMER, STAFF, VENDOR = "anonymous", "customer", "staff", "vendor"
STAFF_ONLY = {ANONYMOUS: 401, CUSTOMER: 403, VENDOR: 403}
VENDOR_ONLY = {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 403}

# (method, path, body, {role: status}). An allowed caller with an empty body gets its 400 (or
# the answer to a read); a refused one 401/403 before the body is looked at.
MATRIX = [
    ("get", "/api/admin/vendors", None, {**STAFF_ONLY, STAFF: 200}),
    ("post", "/api/admin/vendors", {}, {**STAFF_ONLY, STAFF: 400}),
    ("get", "/api/admin/vendors/candidates", None, {**STAFF_ONLY, STAFF: 200}),
    ("get", "/api/admin/vendors/{vendor}", None, {**STAFF_ONLY, STAFF: 200}),
    ("put", "/api/admin/vendors/{vendor}", {"contact_email": "x"}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/admin/vendors/{vendor}/invite", None, {**STAFF_ONLY, STAFF: 200}),
    ("get", "/api/admin/vendors/{vendor}/items", None, {**STAFF_ONLY, STAFF: 200}),
    (
        "post",
        "/api/admin/vendors/{vendor}/suspend",
        {"suspended_until": "x"},
        {**STAFF_ONLY, STAFF: 400},
    ),
    ("post", "/api/admin/booking-items/{line}/assign-vendor", {}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/admin/booking-items/{line}/reassign-vendor", {}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/admin/booking-items/{open}/cancel-vendor", {}, {**STAFF_ONLY, STAFF: 409}),
    ("post", "/api/admin/booking-items/{open}/supplied", {}, {**STAFF_ONLY, STAFF: 409}),
    ("post", "/api/admin/booking-items/{line}/verify-supply", None, {**STAFF_ONLY, STAFF: 409}),
    ("get", "/api/admin/booking-items", None, {**STAFF_ONLY, STAFF: 200}),
    ("get", "/api/vendor/profile", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("get", "/api/vendor/items", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("post", "/api/vendor/items", {}, {**VENDOR_ONLY, VENDOR: 400}),
    ("put", "/api/vendor/items/{item}", {"price": "0"}, {**VENDOR_ONLY, VENDOR: 400}),
    ("delete", "/api/vendor/items/{spare}", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("get", "/api/vendor/orders", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("post", "/api/vendor/orders/pdf", {}, {**VENDOR_ONLY, VENDOR: 400}),
    ("post", "/api/vendor/orders/{line}/accept", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("post", "/api/vendor/orders/{line}/reject", {}, {**VENDOR_ONLY, VENDOR: 400}),
    ("post", "/api/vendor/orders/{line}/supplied", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("get", "/api/vendor/notifications", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("get", "/api/vendor/notifications/unread-count", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("post", "/api/vendor/notifications/mark-all-read", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("post", "/api/vendor/notifications/{notice}/read", None, {**VENDOR_ONLY, VENDOR: 200}),
    ("delete", "/api/vendor/notifications/{notice}", None, {**VENDOR_ONLY, VENDOR: 200}),
    (
        "get",
        "/api/vendor/payments/summary?vendor_id={vendor}",
        None,
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 200, VENDOR: 200},
    ),
    (
        "get",
        "/api/vendor/payments/invoice?vendor_id={vendor}",
        None,
        {ANONYMOUS: 401, CUSTOMER: 403, STAFF: 400, VENDOR: 400},
    ),
    ("post", "/api/vendor/payments/settle", {}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/vendor/payments/prepare-payment", {}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/vendor/payments/verify-payment", {}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/vendor/payments/prepare-bulk-payment", {}, {**STAFF_ONLY, STAFF: 400}),
    ("post", "/api/vendor/payments/verify-bulk-payment", {}, {**STAFF_ONLY, STAFF: 400}),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
@pytest.mark.parametrize("role", [ANONYMOUS, CUSTOMER, STAFF, VENDOR])
def test_matrix(method, path, body, expected, role, customer, staff_user):
    vendor = VendorFactory()
    item = ItemFactory(vendor=vendor)
    ids = {
        "vendor": vendor.pk,
        "item": item.pk,
        "spare": ItemFactory(vendor=vendor).pk,
        "line": BookingItemFactory(item=item).pk,
        "open": BookingItemFactory(item=item, vendor=None).pk,
        "notice": VendorNotification.objects.create(
            vendor_user=vendor.user, type="assigned", title="t", message="m"
        ).pk,
    }
    client = {
        ANONYMOUS: APIClient(),
        CUSTOMER: bearer_client(customer),
        STAFF: bearer_client(staff_user),
        VENDOR: bearer_client(vendor.user),
    }[role]
    call = getattr(client, method)
    url = path.format(**ids)
    response = call(url, body, format="json") if body is not None else call(url)
    assert response.status_code == expected[role], response.content
    if response.status_code >= 400:
        assert {"detail", "message", "code"} <= response.json().keys()
