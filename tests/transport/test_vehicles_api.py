"""The fleet: the staff screen (app/admin/transportation/index.tsx) and the customers' vehicle
list (components/TransportationSection.tsx:238), whole bodies as the call sites read them."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from bookings.choices import BookingStatus
from tests.factories import BookingFactory, VendorFactory
from tests.samples import image_bytes
from tests.transport.factories import VehicleBookingFactory, VehicleFactory
from transport.models import Vehicle
from uploads.models import Upload

pytestmark = pytest.mark.django_db

# What handleSaveVehicle sends (index.tsx:200).
FORM = {
    "vehicle_name": "Tempo Traveller",
    "vehicle_capacity": 12,
    "base_fare": 500,
    "per_km_rate": 18.5,
    "minimum_km": 0,
    "extra_charges": 0,
    "waiting_charges_per_hour": 100,
    "night_charges": 0,
    "peak_hour_multiplier": 1.0,
    "description": None,
    "is_active": True,
    "vendor_id": None,
}


def _vehicle_body(vehicle: Vehicle) -> dict[str, object]:
    return {
        "id": vehicle.pk,
        "vehicle_name": vehicle.vehicle_name,
        "vehicle_capacity": vehicle.vehicle_capacity,
        "base_fare": float(vehicle.base_fare),
        "per_km_rate": float(vehicle.per_km_rate),
        "minimum_km": vehicle.minimum_km,
        "vehicle_image": vehicle.image_url,
        "extra_charges": float(vehicle.extra_charges),
        "waiting_charges_per_hour": float(vehicle.waiting_charges_per_hour),
        "night_charges": float(vehicle.night_charges),
        "peak_hour_multiplier": float(vehicle.peak_hour_multiplier),
        "description": vehicle.description or None,
        "is_active": vehicle.is_active,
        "vendor_id": vehicle.vendor_id,
        "created_at": vehicle.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "updated_at": vehicle.updated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    }


def test_staff_create_then_list_whole_bodies(staff_client):
    response = staff_client.post("/api/vehicles/", FORM, format="json")

    assert response.status_code == 201
    vehicle = Vehicle.objects.get()
    # index.tsx reads response.success, response.message, response.data.id.
    assert response.json() == {
        "success": True,
        "message": "Vehicle created",
        "code": "CREATED",
        "data": {"id": vehicle.pk},
    }
    assert vehicle.per_km_rate == Decimal("18.50")
    assert vehicle.description == ""

    listed = staff_client.get("/api/vehicles/")
    assert listed.status_code == 200
    # A bare array, as the legacy's response_model=List[VehicleResponse].
    assert listed.json() == [_vehicle_body(vehicle)]
    assert listed.json()[0]["description"] is None
    assert listed.json()[0]["vehicle_image"] is None


def test_money_is_rounded_to_the_paisa_and_null_optionals_take_defaults(staff_client):
    body = {
        **FORM,
        "base_fare": 12.345,
        "per_km_rate": "7",
        "minimum_km": None,
        "night_charges": None,
        "peak_hour_multiplier": 1.256,
    }
    assert staff_client.post("/api/vehicles", body, format="json").status_code == 201
    vehicle = Vehicle.objects.get()
    assert (vehicle.base_fare, vehicle.per_km_rate) == (Decimal("12.35"), Decimal("7.00"))
    assert (vehicle.minimum_km, vehicle.night_charges) == (0, Decimal("0.00"))
    assert vehicle.peak_hour_multiplier == Decimal("1.26")


@pytest.mark.parametrize(
    "change",
    [
        {"vehicle_name": ""},
        {"vehicle_name": None},
        {"vehicle_capacity": 0},
        {"vehicle_capacity": "many"},
        {"base_fare": -1},
        {"per_km_rate": None},
        {"peak_hour_multiplier": 3.5},
        {"vendor_id": 999999},
    ],
)
def test_bad_vehicles_are_400_and_nothing_is_stored(staff_client, change):
    response = staff_client.post("/api/vehicles", {**FORM, **change}, format="json")
    assert response.status_code == 400
    assert {"detail", "message", "code"} <= response.json().keys()
    assert not Vehicle.objects.exists()


def test_staff_update_whole_body_and_vendor(staff_client):
    vehicle = VehicleFactory(vehicle_capacity=7, description="AC")
    vendor = VendorFactory()
    body = {**FORM, "vehicle_capacity": 8, "base_fare": 650, "vendor_id": vendor.pk}

    response = staff_client.put(f"/api/vehicles/{vehicle.pk}", body, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": "Vehicle updated",
        "code": "UPDATED",
        "data": {"id": vehicle.pk},
    }
    vehicle.refresh_from_db()
    assert (vehicle.vehicle_capacity, vehicle.base_fare) == (8, Decimal("650.00"))
    assert vehicle.vendor_id == vendor.pk
    assert vehicle.description == ""  # the form sent null: cleared

    # Only what is named changes (the legacy's exclude_unset).
    response = staff_client.put(f"/api/vehicles/{vehicle.pk}/", {"is_active": False}, format="json")
    vehicle.refresh_from_db()
    assert (vehicle.is_active, vehicle.vehicle_capacity, vehicle.vendor_id) == (
        False,
        8,
        vendor.pk,
    )


def test_update_refuses_bad_values_and_unknown_vehicles(staff_client):
    vehicle = VehicleFactory(vehicle_capacity=7)
    response = staff_client.put(
        f"/api/vehicles/{vehicle.pk}", {"vehicle_capacity": -3}, format="json"
    )
    assert response.status_code == 400
    vehicle.refresh_from_db()
    assert vehicle.vehicle_capacity == 7
    assert staff_client.put("/api/vehicles/999999", FORM, format="json").status_code == 404


def test_delete_deactivates_and_keeps_the_row(staff_client):
    vehicle = VehicleFactory()
    response = staff_client.delete(f"/api/vehicles/{vehicle.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "success": True,
        "message": "Vehicle deleted",
        "code": "DELETED",
        "data": {"id": vehicle.pk},
    }
    vehicle.refresh_from_db()
    assert vehicle.is_active is False
    assert staff_client.delete("/api/vehicles/999999").status_code == 404


def test_staff_list_filters_and_its_cap(staff_client):
    small = VehicleFactory(vehicle_capacity=4)
    big = VehicleFactory(vehicle_capacity=20)
    VehicleFactory(vehicle_capacity=30, is_active=False)

    ids = [v["id"] for v in staff_client.get("/api/vehicles?active_only=true").json()]
    assert ids == [small.pk, big.pk]
    ids = [v["id"] for v in staff_client.get("/api/vehicles?min_capacity=10&skip=1").json()]
    assert len(ids) == 1
    assert len(staff_client.get("/api/vehicles?limit=100000").json()) == 3
    assert staff_client.get("/api/vehicles?limit=0").status_code == 400


# --- The customers' list -------------------------------------------------------------------


def test_available_whole_body_for_anyone(customer):
    fits = VehicleFactory(vehicle_capacity=12, base_fare=Decimal("500.00"))
    bigger = VehicleFactory(vehicle_capacity=40)
    VehicleFactory(vehicle_capacity=4)
    VehicleFactory(vehicle_capacity=50, is_active=False)

    response = APIClient().get("/api/vehicles/available?guests=10")

    assert response.status_code == 200
    # TransportationSection reads data.vehicles[].id, vehicle_name, vehicle_capacity,
    # vehicle_image, base_fare, per_km_rate.
    assert response.json() == {
        "vehicles": [_vehicle_body(fits), _vehicle_body(bigger)],
        "total_count": 2,
        "available_count": 2,
    }


@pytest.mark.parametrize("query", ["", "?guests=0", "?guests=abc", "?guests=5&start_datetime=x"])
def test_available_bad_queries_are_400(query):
    assert APIClient().get(f"/api/vehicles/available{query}").status_code == 400


def test_available_in_a_window_leaves_out_vehicles_booked_then(settings):
    settings.TRANSPORT_VEHICLE_TURNAROUND_MINUTES = 60
    taken = VehicleFactory(vehicle_capacity=10)
    free = VehicleFactory(vehicle_capacity=12)
    start = (timezone.now() + timedelta(days=5)).replace(minute=0, second=0, microsecond=0)
    booking = BookingFactory(start_datetime=start, end_datetime=start + timedelta(hours=3))
    VehicleBookingFactory(booking=booking, vehicle=taken)

    def listed(window_start, hours=2):
        end = window_start + timedelta(hours=hours)
        response = APIClient().get(
            "/api/vehicles/available",
            {
                "guests": 5,
                "start_datetime": window_start.isoformat(),
                "end_datetime": end.isoformat(),
            },
        )
        assert response.status_code == 200
        body = response.json()
        return [v["id"] for v in body["vehicles"]], body["total_count"], body["available_count"]

    assert listed(start + timedelta(hours=1)) == ([free.pk], 2, 1)
    # Within twice the turnaround after the booking ends: still held.
    assert listed(start + timedelta(hours=4, minutes=30)) == ([free.pk], 2, 1)
    assert listed(start + timedelta(hours=5)) == ([taken.pk, free.pk], 2, 2)
    # A cancelled booking frees its vehicle.
    booking.status = BookingStatus.CANCELLED
    booking.save()
    assert listed(start + timedelta(hours=1)) == ([taken.pk, free.pk], 2, 2)


def test_lists_cost_a_fixed_number_of_queries(staff_client):
    def count(path, client):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    start = timezone.now() + timedelta(days=3)
    end = start + timedelta(hours=2)
    window = f"&start_datetime={start:%Y-%m-%dT%H:%M:%S}&end_datetime={end:%Y-%m-%dT%H:%M:%S}"
    VehicleFactory.create_batch(2)
    few = (
        count("/api/vehicles", staff_client),
        count(f"/api/vehicles/available?guests=1{window}", APIClient()),
    )
    VehicleFactory.create_batch(12, with_image=True)
    many = (
        count("/api/vehicles", staff_client),
        count(f"/api/vehicles/available?guests=1{window}", APIClient()),
    )
    assert few == many


# --- Pictures --------------------------------------------------------------------------------


def test_upload_image_stores_a_public_upload_served_with_ranges(staff_client, staff_user):
    vehicle = VehicleFactory()
    picture = image_bytes("PNG", (40, 30))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(
        f"/api/vehicles/{vehicle.pk}/upload-image",
        {"file": SimpleUploadedFile("vehicle-image.jpg", picture, "image/jpeg")},
        format="multipart",
    )

    assert response.status_code == 200
    upload = Upload.objects.get()
    assert response.json() == {
        "success": True,
        "message": "Image uploaded",
        "code": "SUCCESS",
        "data": {"image_url": f"/api/uploads/{upload.pk}"},
    }
    assert (upload.is_public, upload.owner, upload.content_type) == (True, staff_user, "image/png")
    vehicle.refresh_from_db()
    assert vehicle.image == upload
    # The customers' card shows STATIC_BASE_URL + vehicle_image, without a login.
    listed = APIClient().get("/api/vehicles/available?guests=1").json()["vehicles"][0]
    assert listed["vehicle_image"] == f"/api/uploads/{upload.pk}"
    whole = APIClient().get(listed["vehicle_image"])
    assert whole.status_code == 200
    body = whole.getvalue()
    part = APIClient().get(listed["vehicle_image"], HTTP_RANGE="bytes=0-9")
    assert part.status_code == 206
    assert part.getvalue() == body[:10]


def test_a_new_picture_replaces_and_deletes_the_old_one(
    staff_client, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    vehicle = VehicleFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(
                f"/api/vehicles/{vehicle.pk}/upload-image",
                {"file": SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")},
                format="multipart",
            )
        assert response.status_code == 200
    vehicle.refresh_from_db()
    assert list(Upload.objects.values_list("pk", flat=True)) == [vehicle.image_id]


@pytest.mark.parametrize(
    ("content", "status"),
    [(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", 415), (b"plain text", 415), (b"", 400)],
)
def test_upload_image_refuses_what_is_not_a_picture(staff_client, content, status):
    from django.core.files.uploadedfile import SimpleUploadedFile

    vehicle = VehicleFactory()
    response = staff_client.post(
        f"/api/vehicles/{vehicle.pk}/upload-image",
        {"file": SimpleUploadedFile("x.jpg", content, "image/jpeg")},
        format="multipart",
    )
    assert response.status_code == status
    assert not Upload.objects.exists()
    vehicle.refresh_from_db()
    assert vehicle.image is None


def test_upload_image_without_a_file_or_for_no_vehicle(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    vehicle = VehicleFactory()
    assert (
        staff_client.post(
            f"/api/vehicles/{vehicle.pk}/upload-image", {}, format="multipart"
        ).status_code
        == 400
    )
    response = staff_client.post(
        "/api/vehicles/999999/upload-image",
        {"file": SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")},
        format="multipart",
    )
    assert response.status_code == 404
    assert not Upload.objects.exists()
