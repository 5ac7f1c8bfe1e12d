"""A contest's entries as CSV, produced row by row and never held whole.

The entries are read in chunks of CONTEST_EXPORT_CHUNK_SIZE by keyset (the last row's
created_at and id), newest first as the staff list shows them, each chunk with its proof files
in one more query. Keyset rather than `QuerySet.iterator(chunk_size=...)`: on MariaDB the
driver (mysqlclient) receives a query's whole result before the first row is handed over, so
`.iterator()` over 100,000 entries holds all of them in the worker at once; a chunk query
holds one chunk. On PostgreSQL both are bounded; keyset is used everywhere for one code path.

Cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
return) are prefixed with a single quote (OWASP, CSV injection).
"""

import csv
import io
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Q

from contests.models import ContestEntry, ContestEntryFile

HEADER = [
    "ID",
    "Reference ID",
    "Participant Name",
    "Email",
    "Phone",
    "Event Type",
    "Event Date",
    "Relation",
    "Status",
    "Admin Note",
    "OCR Confidence",
    "OCR Date Matches",
    "Created At",
    "File URLs",
]
COLUMNS = (
    "id",
    "reference_id",
    "participant_name",
    "email",
    "phone",
    "event_type",
    "event_date",
    "relation",
    "status",
    "admin_note",
    "ocr_confidence",
    "ocr_date_matches",
    "created_at",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# created_at as the legacy wrote it (naive UTC), to the second.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S"

# A proof's link in the file: the signed URL of a stored proof (given its key), else the
# URL the legacy stored.
type ProofLink = Callable[[str], str]


def safe_cell(value: object) -> object:
    """The value as a spreadsheet should read it: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Chunk:
    rows: list[tuple[Any, ...]]
    files: dict[int, list[tuple[str, str, bool]]]

    @property
    def last(self) -> tuple[datetime, int] | None:
        if not self.rows:
            return None
        row = self.rows[-1]
        return row[COLUMNS.index("created_at")], row[0]


def read_chunk(
    *, contest_id: int, status: str | None, after: tuple[datetime, int] | None, size: int
) -> Chunk:
    """The next `size` entries after `after` (newest first) and their files: two queries."""
    entries = ContestEntry.objects.filter(contest_id=contest_id)
    if status:
        entries = entries.filter(status=status)
    if after is not None:
        created_at, entry_id = after
        entries = entries.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=entry_id)
        )
    rows = list(entries.order_by("-created_at", "-id").values_list(*COLUMNS)[:size])
    files: dict[int, list[tuple[str, str, bool]]] = {}
    if rows:
        for entry_id, key, legacy_url, upload_id in (
            ContestEntryFile.objects.filter(entry_id__in=[row[0] for row in rows])
            .order_by("id")
            .values_list("entry_id", "key", "legacy_url", "upload_id")
        ):
            files.setdefault(entry_id, []).append((key, legacy_url, upload_id is not None))
    return Chunk(rows=rows, files=files)


def _render(chunk: Chunk, link: ProofLink, header: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(HEADER)
    created_at_index = COLUMNS.index("created_at")
    for row in chunk.rows:
        cells: list[object] = list(row)
        created_at = cells[created_at_index]
        if isinstance(created_at, datetime):
            cells[created_at_index] = created_at.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
        cells = [("" if cell is None or cell is False else cell) for cell in cells]
        urls = [
            link(key) if stored else legacy_url
            for key, legacy_url, stored in chunk.files.get(row[0], [])
        ]
        cells.append(", ".join(url for url in urls if url))
        writer.writerow([safe_cell(cell) for cell in cells])
    return buffer.getvalue()


def _chunk_size(size: int | None) -> int:
    return max(1, size or settings.CONTEST_EXPORT_CHUNK_SIZE)


def csv_stream(
    *, contest_id: int, status: str | None, link: ProofLink, chunk_size: int | None = None
) -> Iterator[str]:
    """The CSV, one piece per chunk of entries (WSGI)."""
    size = _chunk_size(chunk_size)
    after: tuple[datetime, int] | None = None
    header = True
    while True:
        chunk = read_chunk(contest_id=contest_id, status=status, after=after, size=size)
        if chunk.rows or header:
            yield _render(chunk, link, header)
        header = False
        if len(chunk.rows) < size:
            return
        after = chunk.last


async def csv_stream_async(
    *, contest_id: int, status: str | None, link: ProofLink, chunk_size: int | None = None
) -> AsyncIterator[str]:
    """The same for ASGI, where Django would read a synchronous iterator whole before sending
    anything: each chunk is read in the request's thread (thread-sensitive), then sent."""
    size = _chunk_size(chunk_size)
    after: tuple[datetime, int] | None = None
    header = True
    read = sync_to_async(read_chunk, thread_sensitive=True)
    while True:
        chunk = await read(contest_id=contest_id, status=status, after=after, size=size)
        if chunk.rows or header:
            yield _render(chunk, link, header)
        header = False
        if len(chunk.rows) < size:
            return
        after = chunk.last


def filename(contest_id: int) -> str:
    return f"contest_{contest_id}_entries.csv"
