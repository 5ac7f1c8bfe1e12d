"""POST /vehicles/bookings as app/payment-main.tsx:1337 sends it after a paid booking: the
server measures the distance, prices the trip and keeps the vehicle from being booked twice."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.choices import BookingStatus
from tests.factories import BookingFactory, UserFactory
from tests.transport.factories import VehicleBookingFactory, VehicleFactory
from transport import locations
from transport.models import VehicleBooking
from transport.providers import Place

pytestmark = pytest.mark.django_db

KANHANGAD = Place("", "", 12.3065, 75.0947)
KASARAGOD = Place("", "", 12.4996, 74.9869)


def _start(days: int = 6, hour: int = 10):
    day = timezone.localtime() + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def vehicle(db):
    return VehicleFactory(
        vehicle_name="Tempo Traveller",
        vehicle_capacity=12,
        base_fare=Decimal("500.00"),
        per_km_rate=Decimal("18.50"),
        minimum_km=10,
        extra_charges=Decimal("99.00"),
    )


@pytest.fixture
def booking(customer):
    start = _start()
    return BookingFactory(
        user=customer, start_datetime=start, end_datetime=start + timedelta(hours=4)
    )


def _payload(booking, vehicle, **changes):
    """payment-main.tsx:1322 vehicleBookingPayload, with the browser's own figures."""
    return {
        "booking_id": booking.pk,
        "vehicle_id": vehicle.pk,
        "number_of_guests": 8,
        "guest_contact_number": "+91 98765 43210",
        "pickup_location": "Kanhangad",
        "drop_location": None,
        "estimated_distance_km": 23.4,
        "base_fare": 500,
        "per_km_rate": 18.5,
        "calculated_cost": 933,
        "total_amount": 933,
        "booking_status": "pending",
        **changes,
    }


def test_whole_body_priced_and_measured_by_the_server(
    nominatim_api, customer_client, booking, vehicle
):
    # The browser claims a 1-rupee trip over 1 km: both are ignored.
    response = customer_client.post(
        "/api/vehicles/bookings",
        _payload(booking, vehicle, estimated_distance_km=1, calculated_cost=1, total_amount=1),
        format="json",
    )

    assert response.status_code == 200, response.json()
    row = VehicleBooking.objects.get()
    km = Decimal(str(round(locations.haversine_km(KANHANGAD, KASARAGOD), 2)))
    # The screens' rule: Math.round(base_fare + per_km_rate * distance).
    total = float(round(Decimal("500") + Decimal("18.5") * km))
    assert response.json() == {
        "id": row.pk,
        "booking_id": booking.pk,
        "vehicle_id": vehicle.pk,
        "number_of_guests": 8,
        "guest_contact_number": "9876543210",
        "pickup_location": "Kanhangad",
        "drop_location": None,
        "estimated_distance_km": float(km),
        "base_fare": 500.0,
        "per_km_rate": 18.5,
        "calculated_cost": total,
        "extra_charges": 0.0,
        "total_amount": total,
        "booking_status": "pending",
        "driver_assigned": None,
        "notes": None,
        "created_at": row.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "updated_at": row.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    assert total > 500
    assert row.total_amount == Decimal(total).quantize(Decimal("0.01"))
    # The distance was measured to the office's simplified address, as the screens do.
    assert nominatim_api.queries() == ["Kanhangad", "Kasaragod, Kerala, India"]


def test_the_distance_the_screen_measured_is_reused_from_the_cache(
    nominatim_api, customer_client, booking, vehicle
):
    shown = (
        APIClient()
        .get(
            "/api/locations/distance",
            {"origin": "Kanhangad", "destination": "Kasaragod, Kerala, India"},
        )
        .json()["distance_km"]
    )
    asked = len(nominatim_api.received)

    response = customer_client.post(
        "/api/vehicles/bookings/", _payload(booking, vehicle), format="json"
    )

    assert response.json()["estimated_distance_km"] == shown
    assert len(nominatim_api.received) == asked


def test_a_retry_returns_the_first_vehicle_booking(
    nominatim_api, customer_client, booking, vehicle
):
    first = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    again = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json() == again.json()
    assert VehicleBooking.objects.count() == 1


def test_staff_may_attach_to_anyones_booking(
    nominatim_api, staff_client, staff_user, booking, vehicle
):
    response = staff_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    assert response.status_code == 200
    assert VehicleBooking.objects.get().created_by == staff_user


def test_another_customer_may_not_and_nothing_is_asked_of_the_provider(
    nominatim_api, other_client, booking, vehicle
):
    response = other_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_booking_owner"
    assert nominatim_api.received == []
    assert not VehicleBooking.objects.exists()


def test_anonymous_is_401(booking, vehicle):
    response = APIClient().post("/api/vehicles/bookings", _payload(booking, vehicle), format="json")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"booking_id": 999999}, 404, "booking_not_found"),
        ({"vehicle_id": 999999}, 400, "vehicle_unavailable"),
        ({"number_of_guests": 13}, 400, "vehicle_too_small"),
        ({"number_of_guests": 0}, 400, None),
        ({"guest_contact_number": "12345"}, 400, "invalid_contact_number"),
        ({"pickup_location": ""}, 400, None),
        ({"pickup_location": "Atlantis"}, 404, "origin_not_found"),
        ({"booking_id": "abc"}, 400, None),
    ],
)
def test_bad_requests_change_nothing(
    nominatim_api, customer_client, booking, vehicle, change, status, code
):
    response = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle, **change), format="json"
    )
    assert response.status_code == status
    body = response.json()
    assert {"detail", "message", "code"} <= body.keys()
    if code:
        assert body["code"] == code
    assert not VehicleBooking.objects.exists()


def test_an_inactive_vehicle_is_unavailable(nominatim_api, customer_client, booking, vehicle):
    vehicle.is_active = False
    vehicle.save()
    response = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Vehicle unavailable."


def test_an_empty_contact_number_is_the_owners(
    nominatim_api, customer, customer_client, booking, vehicle
):
    customer.mobile = "+919812345678"
    customer.save()
    response = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle, guest_contact_number=""), format="json"
    )
    assert response.json()["guest_contact_number"] == "9812345678"


@pytest.mark.parametrize(
    "status", [BookingStatus.CANCELLED, BookingStatus.REJECTED, BookingStatus.EXPIRED]
)
def test_a_booking_that_no_longer_holds_its_slot_gets_no_vehicle(
    nominatim_api, customer_client, booking, vehicle, status
):
    booking.status = status
    booking.save()
    response = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "booking_not_active"
    assert not VehicleBooking.objects.exists()


def test_a_vehicle_is_never_booked_twice_at_once(nominatim_api, settings, vehicle):
    settings.TRANSPORT_VEHICLE_TURNAROUND_MINUTES = 60
    start = _start()
    held = VehicleBookingFactory(
        vehicle=vehicle,
        booking=BookingFactory(start_datetime=start, end_datetime=start + timedelta(hours=3)),
    )

    def attach(begins, hours=2):
        owner = UserFactory()
        booking = BookingFactory(
            user=owner, start_datetime=begins, end_datetime=begins + timedelta(hours=hours)
        )
        client = APIClient()
        from rest_framework_simplejwt.tokens import AccessToken

        client.credentials(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(owner)}")
        return client.post("/api/vehicles/bookings", _payload(booking, vehicle), format="json")

    overlapping = attach(start + timedelta(hours=1))
    assert overlapping.status_code == 409
    assert overlapping.json()["code"] == "vehicle_already_booked"
    # A customer is not told whose booking holds it.
    assert held.booking.booking_reference not in overlapping.json()["detail"]
    # Inside the turnarounds (pickup before, drop-off after): still taken.
    assert attach(start + timedelta(hours=4, minutes=59)).status_code == 409
    assert attach(start - timedelta(hours=3, minutes=59)).status_code == 409
    # Clear of them: free.
    assert attach(start + timedelta(hours=5)).status_code == 200
    assert attach(start - timedelta(hours=4)).status_code == 200
    # The holder's booking cancelled: the vehicle is free again.
    held.booking.status = BookingStatus.CANCELLED
    held.booking.save()
    assert attach(start + timedelta(hours=1)).status_code == 200
    assert VehicleBooking.objects.filter(vehicle=vehicle).count() == 4


def test_when_the_provider_is_down_the_answer_is_503_and_nothing_is_written(
    nominatim_api, customer_client, booking, vehicle
):
    nominatim_api.status = 502
    response = customer_client.post(
        "/api/vehicles/bookings", _payload(booking, vehicle), format="json"
    )
    assert response.status_code == 503
    assert "Retry-After" in response
    assert not VehicleBooking.objects.exists()
