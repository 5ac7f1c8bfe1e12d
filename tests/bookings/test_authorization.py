"""Who may call what: every endpoint of the bookings API for each kind of caller."""

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.choices import BookingStatus
from bookings.models import Booking
from tests.conftest import bearer_client
from tests.factories import (
    PASSWORD,
    BookingFactory,
    ProgramFactory,
    SpaceFactory,
    UserFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "owner", "other", "staff")

# (method, path, expected status for anonymous / owner / other customer / staff)
MATRIX = [
    ("get", "/api/bookings", (401, 200, 200, 200)),
    ("post", "/api/bookings", (401, 201, 201, 201)),
    ("get", "/api/bookings/{booking}", (401, 200, 403, 200)),
    ("patch", "/api/bookings/{booking}", (401, 200, 403, 200)),
    ("post", "/api/bookings/{booking}/cancel", (401, 200, 403, 200)),
    ("post", "/api/bookings/series", (401, 200, 200, 200)),
    ("get", "/api/bookings/regular-programs", (200, 200, 200, 200)),
    ("get", "/api/bookings/today", (200, 200, 200, 200)),
    ("get", "/api/bookings/public/{booking}", (200, 200, 200, 200)),
    ("get", "/api/all-bookings", (200, 200, 200, 200)),
    ("get", "/api/settings/refund-percentage", (200, 200, 200, 200)),
    ("put", "/api/auth/profile", (401, 200, 200, 200)),
    ("put", "/api/auth/profile/image", (401, 200, 200, 200)),
    ("post", "/api/auth/change-password", (401, 200, 200, 200)),
    ("get", "/api/users", (401, 403, 403, 200)),
    ("post", "/api/users/register", (201, 201, 201, 201)),
    ("post", "/api/users/otp/send", (200, 200, 200, 200)),
    ("post", "/api/users/seed-dummy", (200, 200, 200, 200)),
    # No code was sent: a 400 for everyone shows that no login is asked for.
    ("post", "/api/users/otp/verify", (400, 400, 400, 400)),
    ("post", "/api/users/reset-password", (400, 400, 400, 400)),
    ("get", "/api/admin/bookings", (401, 403, 403, 200)),
    ("get", "/api/admin/bookings/{booking}", (401, 403, 403, 200)),
    ("post", "/api/admin/bookings/{booking}/approve", (401, 403, 403, 200)),
    ("post", "/api/admin/bookings/{booking}/reject", (401, 403, 403, 200)),
    ("post", "/api/admin/bookings/{approved}/complete", (401, 403, 403, 200)),
    ("get", "/api/admin/booking-items", (401, 403, 403, 200)),
    ("get", "/api/venues", (200, 200, 200, 200)),
    ("get", "/api/venues/{venue}", (200, 200, 200, 200)),
    ("get", "/api/venues/spaces", (200, 200, 200, 200)),
    ("get", "/api/venues/spaces/{space}", (200, 200, 200, 200)),
    ("get", "/api/venues/{venue}/spaces", (200, 200, 200, 200)),
    ("get", "/api/spaces", (200, 200, 200, 200)),
    ("get", "/api/spaces/{space}", (200, 200, 200, 200)),
    ("get", "/api/items", (200, 200, 200, 200)),
    ("get", "/api/programs", (200, 200, 200, 200)),
    ("get", "/api/programs/{program}", (200, 200, 200, 200)),
    ("get", "/api/gallery", (200, 200, 200, 200)),
    ("get", "/api/gallery/public", (200, 200, 200, 200)),
    ("get", "/api/time-slots/available/{space}?selected_date=2030-01-15", (200, 200, 200, 200)),
    ("post", "/api/time-slots/validate", (200, 200, 200, 200)),
]

CASES = [
    pytest.param(method, path, persona, expected[i], id=f"{method} {path} as {persona}")
    for method, path, expected in MATRIX
    for i, persona in enumerate(PERSONAS)
]


@pytest.fixture
def world():
    owner = UserFactory()
    space = SpaceFactory()
    start = timezone.now() + timedelta(days=10)
    return {
        "owner": owner,
        "other": UserFactory(),
        "staff": UserFactory(staff=True),
        "space": space,
        "booking": BookingFactory(user=owner, space=space),
        "approved": BookingFactory(user=owner, status=BookingStatus.APPROVED),
        "venue": VenueFactory(),
        "program": ProgramFactory(),
        "new_booking": {
            "space_id": space.pk,
            "start_datetime": start.isoformat(),
            "end_datetime": (start + timedelta(hours=2)).isoformat(),
        },
    }


def _body_for(world, method: str, path: str) -> dict[str, Any] | None:
    """What the frontend sends to the POST endpoints that create or check a booking."""
    if method == "post" and path in (
        "/api/bookings",
        "/api/bookings/series",
        "/api/time-slots/validate",
    ):
        return world["new_booking"]
    if method == "patch" and path == "/api/bookings/{booking}":
        return {"attendees": 5}
    if path == "/api/auth/profile":
        return {"first_name": "Anu", "last_name": None}
    if path == "/api/auth/profile/image":
        return {"profile_image": "https://cdn.example.com/me.jpg"}
    if path == "/api/auth/change-password":
        return {"current_password": PASSWORD, "new_password": "a-fresh-passphrase-42"}
    if path == "/api/users/register":
        return {"username": "new@example.com", "password": "a-fresh-passphrase-42"}
    if path.startswith("/api/users/"):
        return {"mobile": "9812345678", "otp": "000000", "new_password": "a-fresh-phrase-42"}
    return None


@pytest.mark.parametrize(("method", "path", "persona", "expected"), CASES)
def test_authorization_matrix(world, method, path, persona, expected):
    client = APIClient() if persona == "anonymous" else bearer_client(world[persona])
    url = path.format(
        booking=world["booking"].pk,
        approved=world["approved"].pk,
        venue=world["venue"].pk,
        space=world["space"].pk,
        program=world["program"].pk,
    )
    statuses_before = dict(Booking.objects.values_list("pk", "status"))
    data = _body_for(world, method, path)

    response = getattr(client, method)(url, data, format="json")

    assert response.status_code == expected, response.content
    body = response.json()
    if expected >= 400:
        assert body["detail"]
        assert body["message"] == body["detail"]
        assert dict(Booking.objects.values_list("pk", "status")) == statuses_before
        assert Booking.objects.count() == len(statuses_before)
