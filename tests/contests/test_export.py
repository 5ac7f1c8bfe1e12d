"""GET /contests/admin/contests/{id}/entries/export ([id].tsx:336): the CSV's shape, its
escaping, and that it is streamed a chunk at a time (memory is measured by
`make bench-contests`, not here)."""

import csv
import io
from datetime import UTC
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient, Client
from rest_framework_simplejwt.tokens import AccessToken

from contests.exports import HEADER, safe_cell
from tests.contests.conftest import make_contest, make_entry, make_proof

pytestmark = pytest.mark.django_db


def fetch(url: str, user, mode: str) -> tuple[int, Any, list[bytes], bool]:
    """Status, headers, the streamed pieces, and whether the body was an async iterator."""
    headers = {"Authorization": f"Bearer {AccessToken.for_user(user)}"}
    if mode == "wsgi":
        response: Any = Client().get(url, headers=headers)
        return response.status_code, response.headers, list(response.streaming_content), False

    async def get():
        response: Any = await AsyncClient().get(url, headers=headers)
        pieces = [piece async for piece in response.streaming_content]
        return response.status_code, response.headers, pieces, response.is_async

    return async_to_sync(get)()


def rows_of(pieces: list[bytes]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(pieces).decode())))


@pytest.mark.parametrize("mode", ["wsgi", "asgi"])
def test_the_export_has_the_legacy_columns_and_one_row_per_entry(
    staff_user, contest, mode, settings
):
    settings.CONTEST_EXPORT_CHUNK_SIZE = 2
    old = make_entry(contest, participant_name="Old One", status="approved")
    new = make_entry(
        contest,
        participant_name="New One",
        phone="",
        admin_note='Said "hi", twice\nthen left',
        ocr_confidence=0.75,
    )
    proof = make_proof(new)
    make_proof(
        new, upload=None, key="legacy0000000000000000000000000a", legacy_url="https://old/x.jpg"
    )
    make_entry(make_contest(slug="other"))

    status, headers, pieces, is_async = fetch(
        f"/api/contests/admin/contests/{contest.pk}/entries/export", staff_user, mode
    )

    assert status == 200
    assert headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        headers["Content-Disposition"] == f'attachment; filename="contest_{contest.pk}_entries.csv"'
    )
    assert is_async == (mode == "asgi")
    header, first, second = rows_of(pieces)
    assert header == HEADER
    links = first[13].split(", ")
    assert first == [
        str(new.pk),
        new.reference_id,
        "New One",
        new.email,
        "",
        "birthday",
        new.event_date.isoformat(),
        "self",
        "pending",
        'Said "hi", twice\nthen left',
        "0.75",
        "",
        new.created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        first[13],
    ]
    assert links[0].startswith(f"http://testserver/api/contests/proofs/{proof.key}?t=")
    assert links[1] == "https://old/x.jpg"
    assert second[:3] == [str(old.pk), old.reference_id, "Old One"]
    assert second[8] == "approved"


@pytest.mark.parametrize("mode", ["wsgi", "asgi"])
def test_the_export_streams_a_chunk_of_entries_at_a_time(staff_user, contest, mode, settings):
    settings.CONTEST_EXPORT_CHUNK_SIZE = 3
    made = [make_entry(contest) for _ in range(7)]

    _, _, pieces, _ = fetch(
        f"/api/contests/admin/contests/{contest.pk}/entries/export", staff_user, mode
    )

    # Header + 3, then 3, then 1: three pieces, each sent before the next chunk is read.
    assert [len(rows_of([piece])) for piece in pieces] == [4, 3, 1]
    ids = [int(row[0]) for row in rows_of(pieces)[1:]]
    assert ids == sorted((entry.pk for entry in made), reverse=True)


def test_the_export_reads_two_queries_per_chunk(
    staff_client, contest, settings, django_assert_max_num_queries
):
    settings.CONTEST_EXPORT_CHUNK_SIZE = 10
    for _ in range(25):
        make_proof(make_entry(contest))

    with django_assert_max_num_queries(2 + 3 * 2) as queries:  # user, contest; 3 chunks
        response = staff_client.get(f"/api/contests/admin/contests/{contest.pk}/entries/export")
        rows = rows_of(list(response.streaming_content))

    assert len(rows) == 26
    chunk_reads = [
        q["sql"]
        for q in queries.captured_queries
        if "contest_entries" in q["sql"] and "contest_entry_files" not in q["sql"]
    ]
    assert len(chunk_reads) == 3


def test_cells_that_would_run_as_formulas_are_quoted(staff_user, contest):
    make_entry(
        contest,
        participant_name='=HYPERLINK("http://evil","x")',
        phone="+919812345678",
        email="@SUM(1+1)",
        admin_note="-2+3",
        relation="\tcmd",
        event_type="\rbirthday",
    )

    _, _, pieces, _ = fetch(
        f"/api/contests/admin/contests/{contest.pk}/entries/export", staff_user, "wsgi"
    )

    row = rows_of(pieces)[1]
    assert row[2] == '\'=HYPERLINK("http://evil","x")'
    assert row[3] == "'@SUM(1+1)"
    assert row[4] == "'+919812345678"
    assert row[5] == "'\rbirthday"
    assert row[7] == "'\tcmd"
    assert row[9] == "'-2+3"


def test_safe_cell_leaves_other_values_alone():
    assert safe_cell("Meera") == "Meera"
    assert safe_cell(12) == 12
    assert safe_cell("") == ""
    assert safe_cell("a=b") == "a=b"


def test_the_export_filters_by_status_and_answers_404_for_no_contest(staff_user, contest):
    make_entry(contest, status="winner")
    make_entry(contest)

    _, _, pieces, _ = fetch(
        f"/api/contests/admin/contests/{contest.pk}/entries/export?status=winner",
        staff_user,
        "wsgi",
    )
    missing = Client().get(
        "/api/contests/admin/contests/999999/entries/export",
        headers={"Authorization": f"Bearer {AccessToken.for_user(staff_user)}"},
    )

    assert [row[8] for row in rows_of(pieces)[1:]] == ["winner"]
    assert missing.status_code == 404


def test_an_empty_contest_exports_its_header(staff_user, contest):
    _, _, pieces, _ = fetch(
        f"/api/contests/admin/contests/{contest.pk}/entries/export", staff_user, "wsgi"
    )

    assert rows_of(pieces) == [HEADER]
