"""The legacy's in-app notifications and booking lines' status history through import_legacy."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from notify.models import Notification
from tests.legacy import legacy_db
from tests.legacy.test_import import _import
from vendors.models import FulfilmentEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_notifications_and_line_history_are_kept(legacy_files, tmp_path):
    data = legacy_db.rows()
    # A catalog item's stock change, written to the same table by the legacy.
    data["booking_item_status_history"].append(
        {
            "id": 32,
            "booking_item_id": None,
            "old_status": "available",
            "new_status": "out_of_stock",
            "changed_by_user_id": 1,
            "changed_by_role": "admin",
            "created_at": T0,
        }
    )
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "fix")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    tables = {"notifications", "booking_item_status_history", "vendor_activity_log"}
    assert not {entry["table"] for entry in report["ledger"]} & tables

    bell = Notification.objects.get(pk=41)
    assert (bell.user_id, bell.booking_id, bell.is_read) == (2, 100, True)
    assert bell.title == "Booking approved"
    assert bell.created_at == T0

    # The vendor's "confirmed" is the audit log's acceptance, by the line's vendor; nobody is
    # told about it again.
    accepted = FulfilmentEvent.objects.get(pk=31)
    assert (accepted.booking_item_id, accepted.action, accepted.actor_id) == (7, "accepted", 5)
    assert accepted.vendor_id == 3
    assert accepted.note == "Vendor accepted"
    assert accepted.notified_at == accepted.created_at == T0
    # A catalog item's stock change is not a line's event: left out, and said so.
    assert not FulfilmentEvent.objects.filter(pk=32).exists()
    counts = report["checks"]["counts"]["booking_item_status_history"]
    assert counts == {"legacy": 2, "imported": 1, "skipped": 1}
    notes = [r for r in report["rows"] if r["table"] == "booking_item_status_history"]
    assert [(r["legacy_id"], r["action"]) for r in notes] == [
        (32, "left out: not an event of a booking line")
    ]
