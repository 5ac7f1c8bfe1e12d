"""The legacy offers, coupons, their uses and notifications through manage.py import_legacy."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from offers.models import Coupon, CouponUsage, Offer, OfferNotification, OfferUsage
from tests.legacy import legacy_db
from tests.legacy.test_import import _import

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def test_offers_coupons_and_their_uses_keep_ids_money_and_limits(legacy_files, tmp_path):
    data = legacy_db.rows()
    # A first-X-users counter that ran past its limit (the legacy took claims without a lock).
    data["offers"][1]["claimed_count"] = 11
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "fix")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    for table in ("offers", "coupons", "offer_usage", "coupon_usage", "offer_notifications"):
        assert report["checks"]["counts"][table]["skipped"] == 0
        assert report["tables"][table]["checksum_legacy"]
    assert report["tables"]["offers"]["money_new"] == {"discount_value": "100009.99"}

    onam = Offer.objects.get(pk=4)
    assert (onam.offer_type, onam.festival_name, onam.priority) == ("festival", "Onam", 50)
    assert onam.max_discount_amount == Decimal("1234.57")
    assert (onam.start_date, onam.end_date) == (T0.date(), (T0 + timedelta(days=10)).date())
    assert onam.created_by_id == 1
    # A counter past its limit cannot be stored (offers_claims_within_limit): the fix raises
    # the limit to what was claimed, and says so.
    first = Offer.objects.get(pk=5)
    assert (first.number_of_users, first.claimed_count) == (11, 11)
    assert first.discount_value == Decimal("99999.99")
    fixed = [r for r in report["rows"] if r["table"] == "offers"]
    assert [(r["legacy_id"], r["column"]) for r in fixed] == [(5, "number_of_users")]

    coupon = Coupon.objects.get(pk=7)
    assert coupon.code == "WELCOME10"
    # 0 meant "no limit" to the legacy (it tested `if max_usage_per_user and ...`).
    assert (coupon.max_usage_per_user, coupon.max_usage_total) == (None, 100)
    assert (coupon.valid_from, coupon.valid_until) == (T0, T0 + timedelta(days=30))

    use = OfferUsage.objects.get(pk=1)
    assert (use.offer_id, use.user_id, use.booking_id) == (4, 2, 100)
    assert (use.discount_amount, use.original_amount, use.final_amount) == (
        Decimal("1234.57"),
        Decimal("99999.99"),
        Decimal("98765.42"),
    )
    assert use.used_at == T0
    assert use.released_at is None
    assert CouponUsage.objects.get(pk=3).booking_id == 101
    note = OfferNotification.objects.get(pk=9)
    assert (note.sms_sent, note.whatsapp_sent, note.notified_by_id) == (True, False, 1)
    # Every column with data has a home: none of the five tables is in the ledger.
    offer_tables = {"offers", "coupons", "offer_usage", "coupon_usage", "offer_notifications"}
    assert not {entry["table"] for entry in report["ledger"]} & offer_tables


def test_a_second_coupon_with_the_same_code_is_refused(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["coupons"].append({**data["coupons"][0], "id": 8, "code": "WELCOME10"})
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "skip")
    finally:
        legacy_db.drop()

    # Codes are unique here (a customer types one): the second is reported, not merged.
    assert list(Coupon.objects.values_list("pk", flat=True)) == [7]
    refused = [r for r in report["rows"] if r["table"] == "coupons"]
    assert [(r["legacy_id"], r["column"], r["action"]) for r in refused] == [(8, "code", "skipped")]
    assert "used by another coupon" in refused[0]["problem"]


def test_a_use_of_a_skipped_offer_is_skipped_with_it(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["offers"][1]["end_date"] = (T0 - timedelta(days=1)).date()  # ends before it starts
    data["offers"][1]["start_date"] = T0.date()
    data["offer_usage"].append({**data["offer_usage"][0], "id": 2, "offer_id": 5})
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "skip")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    assert list(Offer.objects.values_list("pk", flat=True)) == [4]
    assert list(OfferUsage.objects.values_list("pk", flat=True)) == [1]
    assert report["checks"]["counts"]["offer_usage"] == {"legacy": 2, "imported": 1, "skipped": 1}
