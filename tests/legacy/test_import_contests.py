"""The legacy contests, entries, proofs, notifications and event dates through import_legacy."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from contests.models import (
    Contest,
    ContestEntry,
    ContestEntryFile,
    ContestNotification,
    UserEventDate,
)
from tests.legacy import legacy_db
from tests.legacy.test_import import _import

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
CONTEST_TABLES = {
    "contests",
    "contest_entries",
    "contest_entry_files",
    "contest_notifications",
    "user_event_dates",
}


def _run(legacy_files, tmp_path, data, *flags):
    legacy_db.build(data)
    try:
        return _import(legacy_db.SOURCE_URL, legacy_files, tmp_path, *flags)
    finally:
        legacy_db.drop()


def test_contests_and_entries_keep_ids_statuses_and_proofs(legacy_files, tmp_path):
    data = legacy_db.rows()
    report = _run(legacy_files, tmp_path, data, "--on-invalid", "fix")

    assert report["committed"] is True, report["failures"]
    for table in CONTEST_TABLES:
        assert report["checks"]["counts"][table]["skipped"] == 0, table
    assert not {entry["table"] for entry in report["ledger"]} & CONTEST_TABLES

    contest = Contest.objects.get(pk=2)
    assert (contest.slug, contest.per_user_limit, contest.is_published) == (
        "birthday-2025",
        2,
        True,
    )
    assert contest.applicable_event_types == ["birthday"]
    assert contest.prizes == [{"rank": 1, "title": "Free hall hour"}]
    # The hero picture was copied: its URL is ours, not the legacy server's.
    assert contest.hero_image_url.startswith("/api/uploads/")

    entry = ContestEntry.objects.get(pk=11)
    assert (entry.contest_id, entry.booking_id, entry.status) == (2, 100, "winner")
    assert (entry.reference_id, entry.ip_address) == ("CNT-INVENTED-11", "203.0.113.9")
    assert entry.marked_winner_at == T0 + timedelta(hours=2)

    # The proof became a private upload with its own unguessable key (served to staff or
    # through a signed link), not a link to the old server.
    proof = ContestEntryFile.objects.select_related("upload").get(pk=21)
    assert (proof.entry_id, proof.contest_id, proof.legacy_url) == (11, 2, "")
    assert proof.upload is not None
    assert proof.upload.is_public is False
    assert len(proof.key) == 32
    with proof.upload.file.open("rb") as stored:
        assert stored.read() == legacy_db.PDF_PROOF

    sent = ContestNotification.objects.get(pk=31)
    assert (sent.channel, sent.status, sent.sent_by_id) == ("whatsapp", "sent", 1)
    assert sent.provider_response == {"id": "msg-invented"}
    assert sent.sent_at == T0 + timedelta(hours=3)

    dates = UserEventDate.objects.get(pk=41)
    assert (dates.person_name, dates.notify_on_offers) == ("Invented Meera", False)


def test_a_proof_whose_file_is_missing_keeps_its_url_only_when_fixing(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["contest_entry_files"][0]["file_url"] = "/static/contest-proofs/gone.pdf"

    fixed = _run(legacy_files, tmp_path, data, "--on-invalid", "fix")
    proof = ContestEntryFile.objects.get(pk=21)

    assert fixed["committed"] is True
    assert proof.upload_id is None
    assert proof.legacy_url == "/static/contest-proofs/gone.pdf"
    notes = [r for r in fixed["rows"] if r["table"] == "contest_entry_files"]
    assert [(r["legacy_id"], r["action"]) for r in notes] == [(21, "fixed: legacy URL kept")]


def test_an_entry_of_a_skipped_contest_is_skipped_with_its_proofs(legacy_files, tmp_path):
    data = legacy_db.rows()
    data["contests"][0]["end_date"] = (T0 - timedelta(days=1)).date()  # ends before it starts

    report = _run(legacy_files, tmp_path, data, "--on-invalid", "skip")

    assert report["committed"] is True, report["failures"]
    assert not Contest.objects.exists()
    assert not ContestEntry.objects.exists()
    assert not ContestEntryFile.objects.exists()
    counts = report["checks"]["counts"]
    assert counts["contest_entries"] == {"legacy": 1, "imported": 0, "skipped": 1}
    assert counts["contest_entry_files"] == {"legacy": 1, "imported": 0, "skipped": 1}
