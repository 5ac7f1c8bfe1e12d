"""manage.py import_legacy against an invented legacy database on MariaDB."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import jwt
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import BrokerProfile, User
from bookings.models import (
    AdminSetting,
    Booking,
    BookingEvent,
    BookingItem,
    Item,
    ProgramParticipant,
    Space,
)
from content.models import ContentPage
from payments.models import Payment, Refund
from tests.legacy import legacy_db
from uploads.models import GalleryImage, Upload

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

IST = ZoneInfo("Asia/Kolkata")
LEGACY_SECRET = "the-legacy-backends-secret-key-0123456789"


def _import(source, files, tmp_path, *extra, name="report.json"):
    report_path = tmp_path / name
    call_command(
        "import_legacy",
        "--source",
        source,
        "--files",
        str(files),
        "--report",
        str(report_path),
        *extra,
    )
    return json.loads(report_path.read_text())


def test_import_keeps_ids_money_times_and_verifies(legacy_source, legacy_files, tmp_path):
    report = _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix")

    assert report["committed"] is True
    assert report["failures"] == []
    checks = report["checks"]
    assert checks["checksums_equal"] is True
    assert checks["orphan_keys"] == 0
    assert checks["ledger_empty_for_built_domains"] is True
    assert checks["passwords"] == {"legacy_pbkdf2_sha256": 5, "unidentified": 0}
    assert checks["local_times_sampled"] >= 2
    assert checks["counts"]["bookings"] == {"legacy": 3, "imported": 3, "skipped": 0}
    money = {"total_amount": "101234.56", "brokerage_amount": "30.86"}
    assert report["tables"]["bookings"]["money_legacy"] == money
    assert report["tables"]["bookings"]["money_new"] == money

    # Legacy ids (with their gaps) and created_at survive.
    assert sorted(User.objects.values_list("pk", flat=True)) == [1, 2, 5, 6, 7]
    asha = User.objects.get(pk=2)
    assert asha.date_joined == datetime(2025, 3, 2, 9, 30, tzinfo=UTC)
    # FLOAT money to the paisa: 99999.99 is not the text protocol's 100000.
    booking = Booking.objects.get(pk=100)
    assert booking.total_amount == Decimal("99999.99")
    assert booking.space_amount == Decimal("98950.02")
    assert booking.paid_amount == Decimal("99999.99")
    assert Space.objects.get(pk=2).price_per_hour == Decimal("499.99")
    # Naive IST wall times became aware; the venue's clock shows the same time.
    assert booking.start_datetime == datetime(2025, 6, 20, 18, 0, tzinfo=IST)
    assert booking.start_datetime.astimezone(UTC).hour == 12
    # Statuses through the mapping table; the inverted booking was swapped (--on-invalid fix).
    assert booking.status == "pending"  # paid
    assert Booking.objects.get(pk=101).status == "pending"  # edited
    inverted = Booking.objects.get(pk=103)
    assert inverted.status == "approved"  # confirmed
    assert inverted.start_datetime < inverted.end_datetime
    assert [(r["table"], r["legacy_id"], r["action"]) for r in report["rows"]] == [
        ("bookings", 103, "fixed: inverted times swapped; an empty window made one hour "
         "(the legacy's rule)")
    ]  # fmt: skip
    # The customer note's transport locations moved to their field.
    assert booking.customer_note == "Birthday for Ravi"
    assert booking.transport_locations == [{"label": "Gate 2"}]
    # Lines: empty event date is the booking's day; a custom transport item is a transport line.
    line = BookingItem.objects.get(pk=7)
    assert (line.event_date.isoformat(), line.name, line.is_supplied) == (
        "2025-06-20",
        "Veg lunch",
        True,
    )
    assert BookingItem.objects.get(pk=9).kind == "transport"
    assert list(BookingEvent.objects.values_list("to_status", flat=True)) == ["pending", "paid"]
    # Roles: admin is staff; hr has no home yet and is in the ledger.
    admin = User.objects.get(pk=1)
    assert (admin.role, admin.is_staff, admin.is_superuser, admin.email) == (
        "admin",
        True,
        True,
        "admin@example.test",
    )
    assert User.objects.get(pk=7).role == "customer"
    ledger = {(e["table"], e["column"]): e for e in report["ledger"]}
    assert ledger[("users", "role=hr")]["category"] == "domain not built yet"
    # The legacy's hr role opened the HR screens only: not staff here (staff status opens
    # every staff screen), but in the group holding the HR permission for a superuser to review.
    hr_user = User.objects.get(pk=7)
    assert hr_user.is_staff is False
    assert list(hr_user.groups.values_list("name", flat=True)) == ["HR"]
    assert hr_user.get_all_permissions() == {"hr.access_hr"}
    assert ("racks", None) not in ledger  # legacy/importers/racks.py takes it
    # Brokers: the profile's columns, and a booking's brokerage and who settled it.
    broker = BrokerProfile.objects.get(pk=1)
    assert broker.is_approved
    assert (broker.brokerage_percentage, broker.bank_account_number, broker.bank_ifsc_code) == (
        Decimal("2.50"),
        "000011112222",
        "INVT0000001",
    )
    assert (broker.contact_email, broker.description) == ("desk@brokers.example.test", "Invented")
    assert broker.suspended_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert User.objects.get(pk=6).suspended_until == datetime(2030, 1, 1, tzinfo=UTC)
    assert ("broker_profiles", "brokerage_percentage") not in ledger
    brokered = Booking.objects.get(pk=101)
    assert (brokered.broker_id, brokered.brokerage_amount, brokered.broker_settled) == (
        1,
        Decimal("30.86"),
        True,
    )
    assert brokered.broker_settled_at == datetime(2025, 7, 2, 9, 30, tzinfo=UTC)
    assert brokered.broker_settled_by_id == 1
    assert Booking.objects.get(pk=100).broker_id is None
    # The legacy's payouts to the broker: paid by the staff who settled, no customer's money.
    payouts = Payment.objects.filter(pk__in=[3, 4]).order_by("pk")
    assert [(p.purpose, p.booking_id, p.user_id, p.amount) for p in payouts] == [
        ("broker_settlement", None, 1, Decimal("30.86")),
        ("broker_settlement", None, 1, Decimal("30.86")),
    ]
    assert all(p.settled_at is not None for p in payouts)
    assert brokered.paid_amount == Decimal("0.00")
    # Payments: statuses mapped, an empty order id named, applied once already (settled).
    cash = Payment.objects.get(pk=2)
    assert (cash.status, cash.order_id, cash.amount_paise, cash.currency, cash.user_id) == (
        "success",
        "legacy-2",
        4999998,
        "INR",
        2,
    )
    assert cash.settled_at is not None
    assert cash.gateway_response == {"legacy_details": "cash at desk"}
    assert Refund.objects.get(pk=1).refund_type == "admin"
    assert AdminSetting.objects.get(setting_key="advance_payment_enabled").value == "true"
    participant = ProgramParticipant.objects.get(pk=1)
    assert participant.start_date == datetime(2025, 8, 1, 19, 0, tzinfo=IST)
    assert participant.amount_paid == Decimal("299.99")
    assert ContentPage.objects.get(page_name="about").content == "<p>Invented</p>"


def test_files_become_uploads_and_urls_are_rewritten(legacy_source, legacy_files, tmp_path):
    report = _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix")

    entry = GalleryImage.objects.get(pk=3)
    assert entry.upload.is_public
    assert entry.upload.content_type.startswith("image/")
    assert (entry.upload.width, entry.upload.height) == (16, 9)
    assert len(entry.upload.sha256) == 64
    assert entry.upload.thumbnail
    assert entry.upload.original_name == "gallery_20250101_101010.png"
    # The same legacy file (hall.png, named by the space and a booking) is one upload.
    space = Space.objects.get(pk=1)
    assert space.image_url.startswith("/api/uploads/")
    assert Booking.objects.get(pk=100).banner_image_url == space.image_url
    assert Item.objects.get(pk=10).image_url.startswith("/api/uploads/")
    # The base64 profile picture is now a file of its own.
    asha = User.objects.get(pk=2)
    picture = Upload.objects.get(pk=int(asha.profile_image.rsplit("/", 1)[1]))
    assert (picture.owner, picture.width, picture.height) == (asha, 8, 6)
    assert report["files"]["missing"] == 0


def test_login_with_a_legacy_password_upgrades_its_hash(legacy_source, legacy_files, tmp_path):
    _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix")
    client = APIClient()

    wrong = client.post("/api/auth/login", {"username": "asha@example.test", "password": "nope"})
    response = client.post(
        "/api/auth/login",
        {"username": "asha@example.test", "password": legacy_db.PASSWORDS[2]},
    )

    assert wrong.status_code == 401
    assert response.status_code == 200
    upgraded = User.objects.get(pk=2).password
    assert upgraded.startswith("md5$")  # the default hasher of the test settings
    again = client.post(
        "/api/auth/login",
        {"username": "asha@example.test", "password": legacy_db.PASSWORDS[2]},
    )
    assert again.status_code == 200


def _legacy_token(secret, **claims):
    now = datetime.now(tz=UTC)
    body = {"sub": "2", "uid": 2, "username": "asha@example.test", "iat": now,
            "exp": now + timedelta(hours=12)} | claims  # fmt: skip
    return jwt.encode(body, secret, algorithm="HS256")


def test_a_legacy_token_works_only_while_accepted(legacy_source, legacy_files, tmp_path, settings):
    _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix")
    client = APIClient()
    token = _legacy_token(LEGACY_SECRET)

    def me(raw):
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client.get("/api/auth/me")

    settings.LEGACY_JWT_SECRET = ""
    settings.LEGACY_JWT_ACCEPT_UNTIL = datetime.now(tz=UTC) + timedelta(days=3)
    assert me(token).status_code == 401  # no secret: never

    settings.LEGACY_JWT_SECRET = LEGACY_SECRET
    response = me(token)
    assert response.status_code == 200
    assert response.json()["id"] == 2
    # The register token's older form: sub is the username.
    older = _legacy_token(LEGACY_SECRET, sub="asha@example.test", uid=None, username=None)
    assert me(older).json()["id"] == 2
    assert me(_legacy_token("another-secret-of-the-same-length-0123")).status_code == 401
    expired = _legacy_token(
        LEGACY_SECRET, iat=datetime.now(tz=UTC) - timedelta(hours=13),
        exp=datetime.now(tz=UTC) - timedelta(hours=1),
    )  # fmt: skip
    assert me(expired).status_code == 401

    settings.LEGACY_JWT_ACCEPT_UNTIL = datetime.now(tz=UTC) - timedelta(seconds=1)
    assert me(token).status_code == 401  # the cut-over window is over


def test_an_inverted_booking_fails_the_run_by_default_and_nothing_stays(
    legacy_source, legacy_files, tmp_path
):
    with pytest.raises(CommandError, match="bookings id 103: end_datetime"):
        _import(legacy_source, legacy_files, tmp_path)

    assert not User.objects.exists()
    assert not Upload.objects.exists()
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["committed"] is False


def test_skip_leaves_out_the_row_and_what_needs_it(legacy_source, legacy_files, tmp_path):
    report = _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "skip")

    assert report["checks"]["counts"]["bookings"] == {"legacy": 3, "imported": 2, "skipped": 1}
    assert not Booking.objects.filter(pk=103).exists()
    skipped = {(r["table"], r["legacy_id"]) for r in report["rows"]}
    assert skipped == {("bookings", 103), ("program_participants", 1)}


def test_dry_run_verifies_and_rolls_back(legacy_source, legacy_files, tmp_path):
    report = _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix", "--dry-run")

    assert report["failures"] == []
    assert report["checks"]["checksums_equal"] is True
    assert report["committed"] is False
    assert not User.objects.exists()
    assert not Booking.objects.exists()
    assert not Upload.objects.exists()


def test_replace_reimports_with_identical_checksums(legacy_source, legacy_files, tmp_path):
    first = _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix", name="1.json")
    uploads_first = set(Upload.objects.values_list("file", flat=True))
    with pytest.raises(CommandError, match="already has users"):
        _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix", name="x.json")
    second = _import(
        legacy_source, legacy_files, tmp_path, "--on-invalid", "fix", "--replace", name="2.json"
    )

    assert second["committed"] is True
    for table, result in first["tables"].items():
        assert second["tables"][table]["checksum_new"] == result["checksum_new"], table
    # One upload per legacy file, as after the first run (hall.png, lunch.png, the gallery's,
    # the profile's, the documents...): the first run's were replaced, not kept beside.
    assert Upload.objects.count() == len(uploads_first) >= 5


def test_next_ids_are_past_the_legacy_counters(legacy_files, tmp_path):
    legacy_db.build(auto_increment={"bookings": 500, "users": 40})
    try:
        report = _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, "--on-invalid", "fix")
    finally:
        legacy_db.drop()

    assert report["checks"]["auto_increment"]["bookings"]["next_id"] >= 500
    user = User.objects.create_user(username="after-cutover")
    assert user.pk >= 40


def test_data_with_no_home_in_a_built_domain_fails_the_run(legacy_source, legacy_files, tmp_path):
    legacy_db.execute("UPDATE bookings SET event_name = 'Invented name' WHERE id = 100")

    with pytest.raises(CommandError, match=r"bookings.event_name \(1 rows, no home"):
        _import(legacy_source, legacy_files, tmp_path, "--on-invalid", "fix")

    assert not Booking.objects.exists()


def test_a_missing_file_fails_unless_fixed(legacy_source, legacy_files, tmp_path):
    (legacy_files / "hall.png").unlink()

    with pytest.raises(CommandError, match="spaces id 1: image_url"):
        _import(legacy_source, legacy_files, tmp_path)
