"""The legacy vehicles and vehicle bookings through import_legacy."""

from decimal import Decimal

import pytest
from django.db import connection

from tests.legacy import legacy_db
from tests.legacy.test_import import _import
from transport.models import Vehicle, VehicleBooking

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]


def _run(legacy_files, tmp_path, data, *flags):
    legacy_db.build(data)
    try:
        return _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, *flags)
    finally:
        legacy_db.drop()


def test_vehicles_and_their_bookings_keep_rates_and_amounts(legacy_files, tmp_path):
    report = _run(legacy_files, tmp_path, legacy_db.rows(), "--on-invalid", "fix")

    assert report["committed"] is True, report["failures"]
    tables = {"vehicles", "vehicle_bookings"}
    assert not {entry["table"] for entry in report["ledger"]} & tables
    assert report["tables"]["vehicle_bookings"]["money_new"] == {"total_amount": "729.40"}

    minibus = Vehicle.objects.select_related("image").get(pk=2)
    assert (minibus.vehicle_capacity, minibus.vendor_id, minibus.minimum_km) == (12, 3, 5)
    assert (minibus.base_fare, minibus.per_km_rate) == (Decimal("500.00"), Decimal("18.50"))
    assert minibus.peak_hour_multiplier == Decimal("1.00")  # NULL: no surcharge
    # The picture is ours now (a public upload, as new vehicles' pictures are).
    assert minibus.image is not None
    assert minibus.image.is_public is True
    assert minibus.image_url == f"/api/uploads/{minibus.image_id}"

    ride = VehicleBooking.objects.get(pk=6)
    assert (ride.booking_id, ride.vehicle_id, ride.number_of_guests) == (100, 2, 10)
    assert ride.estimated_distance_km == Decimal("12.40")
    assert (ride.calculated_cost, ride.total_amount) == (Decimal("729.40"), Decimal("729.40"))
    assert ride.booking_status == "pending"  # NULL in the legacy: what the frontend sends


def test_a_vehicle_picture_not_found_is_dropped_only_when_fixing(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["vehicles"][0]["vehicle_image"] = "/static/vehicles/gone.png"

    report = _run(legacy_files, tmp_path, data, "--on-invalid", "fix")

    assert report["committed"] is True, report["failures"]
    assert Vehicle.objects.get(pk=2).image_id is None
    notes = [r for r in report["rows"] if r["table"] == "vehicles"]
    assert [(r["legacy_id"], r["action"]) for r in notes] == [(2, "fixed: picture dropped")]


def test_an_unknown_ride_status_fails_the_run_unless_fixed(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["vehicle_bookings"][0]["booking_status"] = "on the way"

    report = _run(legacy_files, tmp_path, data, "--on-invalid", "skip")

    assert report["committed"] is True, report["failures"]
    assert not VehicleBooking.objects.exists()
    assert report["checks"]["counts"]["vehicle_bookings"] == {
        "legacy": 1,
        "imported": 0,
        "skipped": 1,
    }
