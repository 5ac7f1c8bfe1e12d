"""The legacy vendor workflow through manage.py import_legacy: the booking lines' fulfilment
columns, booking_item_rejections and vendor_notifications (invented rows)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from bookings.models import BookingItem
from tests.legacy import legacy_db
from tests.legacy.test_import import _import
from vendors.models import BookingItemRejection, VendorNotification

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def vendor_rows(data):
    line = data["booking_items"][0]  # id 7, vendor 3 (user 5)
    line.update(
        booking_status="rejected",
        rejection_status=1,
        rejection_note="No cooks that day",
        rejected_at=T0 + timedelta(hours=1),
        accepted_at=T0,
        supplied_at=T0 + timedelta(hours=2),
        supply_verified=1,
        verified_at=T0 + timedelta(hours=3),
        supply_reminder_sent_at=T0 + timedelta(minutes=30),
        payment_settled=1,
        payment_settled_at=T0 + timedelta(days=1),
        payment_settled_by_user_id=1,
    )
    data["booking_item_rejections"] = [
        {
            "id": 4,
            "booking_item_id": 7,
            "vendor_id": 3,
            "rejection_note": "No cooks that day",
            "rejected_at": T0 + timedelta(hours=1),
        },
    ]
    common = {
        "vendor_user_id": 5,
        "title": "New order",
        "message": "3 x biryani",
        "is_deleted": 0,
        "created_at": T0,
    }
    data["vendor_notifications"] = [
        {
            "id": 11,
            "type": "new_order",
            "booking_id": 100,
            "booking_item_id": 7,
            "link": "/vendor/orders",
            "is_read": 1,
            "priority": "high",
            "read_at": T0 + timedelta(minutes=5),
            **common,
        },
        # A priority the legacy never wrote, a line that is gone: fixed, reported.
        {
            "id": 12,
            "type": "order_update",
            "booking_item_id": 999,
            "is_read": 0,
            "priority": "whenever",
            **{**common, "is_deleted": 1},
        },
    ]
    return data


def test_fulfilment_rejections_and_notifications_keep_their_ids_and_times(legacy_files, tmp_path):
    legacy_db.build(vendor_rows(legacy_db.rows()))
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "fix")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    for table in ("booking_item_rejections", "vendor_notifications"):
        assert report["checks"]["counts"][table]["skipped"] == 0
        assert report["tables"][table]["checksum_legacy"]
    line = BookingItem.objects.get(pk=7)
    assert (line.vendor_id, line.booking_status, line.rejection_status) == (3, "pending", True)
    assert line.rejection_note == "No cooks that day"
    assert (line.accepted_at, line.rejected_at) == (T0, T0 + timedelta(hours=1))
    assert (line.is_supplied, line.supplied_at) == (True, T0 + timedelta(hours=2))
    assert (line.supply_verified, line.verified_at) == (True, T0 + timedelta(hours=3))
    assert line.supply_reminder_sent_at == T0 + timedelta(minutes=30)
    assert (line.payment_settled, line.payment_settled_by_id) == (True, 1)
    rejection = BookingItemRejection.objects.get()
    assert (rejection.pk, rejection.booking_item_id, rejection.vendor_id) == (4, 7, 3)
    assert rejection.rejected_at == T0 + timedelta(hours=1)
    read, hidden = VendorNotification.objects.order_by("pk")
    assert (read.pk, read.vendor_user_id, read.booking_id, read.booking_item_id) == (11, 5, 100, 7)
    assert (read.is_read, read.priority, read.read_at) == (True, "high", T0 + timedelta(minutes=5))
    assert (hidden.booking_item_id, hidden.priority, hidden.is_deleted) == (None, "normal", True)
    fixed = {
        (r["legacy_id"], r["column"])
        for r in report["rows"]
        if r["table"] == "vendor_notifications"
    }
    assert fixed == {(12, "booking_item_id"), (12, "priority")}
    # Every vendor column has a home now: none of these tables is in the ledger.
    tables = {"booking_items", "booking_item_rejections", "vendor_notifications"}
    assert not {entry["table"] for entry in report["ledger"]} & tables


def test_a_vendor_rejecting_a_line_twice_is_imported_once(legacy_files, tmp_path):
    data = vendor_rows(legacy_db.rows())
    data["booking_item_rejections"].append(
        {**data["booking_item_rejections"][0], "id": 5, "rejection_note": "Again"}
    )
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "skip")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    assert list(BookingItemRejection.objects.values_list("pk", flat=True)) == [4]
    assert report["checks"]["counts"]["booking_item_rejections"]["skipped"] == 1
