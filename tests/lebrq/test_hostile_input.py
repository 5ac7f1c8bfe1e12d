"""Inputs an attacker sends that once answered 500: each is now a 4xx in the error shape."""

from typing import Any

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User
from tests.factories import BookingFactory, SpaceFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 100_000 + "]" * 100_000


def assert_error_shape(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["detail"] == body["message"]
    assert body["code"]
    return body


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/register", "/api/bookings"])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(customer_client, path):
    response = customer_client.post(path, DEEP, content_type="application/json")

    body = assert_error_shape(response, 400)
    assert body["code"] == "json_too_deep"


def test_json_nested_past_the_limit_but_parseable_is_refused_too(api_client):
    body = '{"username": ' + "[" * 40 + "1" + "]" * 40 + ', "password": "x"}'

    response = api_client.post("/api/auth/login", body, content_type="application/json")

    assert assert_error_shape(response, 400)["code"] == "json_too_deep"


def test_a_picture_as_deep_json_is_a_400(customer_client):
    response = customer_client.put("/api/auth/profile/image", DEEP, content_type="application/json")

    assert assert_error_shape(response, 400)["code"] == "json_too_deep"


@pytest.mark.parametrize(
    ("path", "client_name"),
    [
        ("/api/bookings", "customer_client"),
        ("/api/admin/bookings", "staff_client"),
        ("/api/admin/booking-items", "staff_client"),
        ("/api/admin/invoices", "staff_client"),
    ],
)
def test_dates_beyond_what_the_database_stores_are_open_bounds(request, path, client_name):
    client = request.getfixturevalue(client_name)
    owner = request.getfixturevalue("customer")
    BookingFactory(user=owner)

    response = client.get(path, {"from_date": "0001-01-01", "to_date": "9999-12-31"})

    assert response.status_code == 200, response.content[:300]


def test_a_slot_day_beyond_what_the_database_stores_is_a_400(api_client):
    space = SpaceFactory()

    response = api_client.get(
        f"/api/time-slots/available/{space.pk}", {"selected_date": "9999-12-31"}
    )

    assert assert_error_shape(response, 400)["errors"]["selected_date"]


@pytest.mark.parametrize("moment", ["0001-01-01T10:00:00", "9999-12-31T22:00:00"])
def test_a_booking_time_beyond_what_the_database_stores_is_a_400(customer_client, moment):
    space = SpaceFactory()

    response = customer_client.post(
        "/api/time-slots/validate",
        {"space_id": space.pk, "start_datetime": moment, "end_datetime": moment},
    )

    assert assert_error_shape(response, 400)["errors"]


def test_an_email_longer_than_its_column_is_a_400_and_creates_nobody(api_client):
    email = "a" * 64 + "@" + "b" * 250 + ".com"

    response = api_client.post(
        "/api/auth/register",
        {"username": "longmail", "password": "a-Long-passw0rd!", "email": email},
    )

    assert assert_error_shape(response, 400)["errors"]["email"]
    assert not User.objects.filter(username="longmail").exists()


def test_refreshing_a_deleted_users_token_is_a_401(api_client):
    # An id no row has: what a deleted account's token names (deleting here would cascade
    # into every app's tables).
    token = RefreshToken()
    token["user_id"] = str(10**12)
    refresh = str(token)

    response = api_client.post("/api/auth/refresh", {"refresh": refresh})

    assert_error_shape(response, 401)


def test_a_form_body_over_the_memory_limit_names_no_setting(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api_client.post(
        "/api/auth/login",
        "username=" + "a" * 5000 + "&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    body = assert_error_shape(response, 400)
    assert body["code"] == "request_too_large"
    assert "settings" not in response.content.decode()
    assert "DATA_UPLOAD" not in response.content.decode()


def test_a_host_we_do_not_serve_names_no_setting(client):
    response = client.get("/api/health/ready", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_host"
    assert "ALLOWED_HOSTS" not in response.content.decode()


# --- Found by schemathesis under `make stress` (2026-12-05) --------------------------------


@pytest.mark.parametrize("skip", ["39667745171658268672", "99999999999999"])
def test_a_skip_past_any_number_the_database_parses_is_an_empty_page(api_client, skip):
    SpaceFactory()

    response = api_client.get(f"/api/venues/spaces?limit=99999999999999&skip={skip}")

    assert response.status_code == 200
    assert response.json() == []


def test_a_page_number_past_any_offset_the_database_parses_is_an_empty_page(staff_client):
    response = staff_client.get("/api/admin/bookings?page=39667745171658268672")

    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize("body", [[None, None], ["a"], "text", 7])
def test_a_vendor_body_that_is_not_an_object_is_a_400(staff_client, body):
    response = staff_client.post("/api/admin/vendors", body, format="json")

    assert_error_shape(response, 400)


def test_a_null_guest_in_a_series_is_a_400_and_books_nothing(customer_client):
    from bookings.models import Booking

    space = SpaceFactory()
    body = {
        "space_id": space.pk,
        "start_datetime": "2031-03-03T10:00:00",
        "end_datetime": "2031-03-05T11:00:00",
        "booking_type": "daily",
        "guest_list": [None],
    }

    response = customer_client.post("/api/bookings/series", body, format="json")

    assert "guest_list" in assert_error_shape(response, 400)["errors"]
    assert not Booking.objects.exists()
