"""Background tasks (django.tasks), run by the task worker: `manage.py db_worker`.

Only this module's task code imports WeasyPrint, and only when a task runs: the web
workers import this module to enqueue tasks and must stay free of it (~30 MB to import,
~80 MB retained after renders; tests/bookings/test_invoices.py checks).
"""

import fcntl
import os
import posixpath
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.tasks import task
from django.utils import timezone

from bookings import limits, selectors
from bookings.models import Booking
from lebrq.object_storage import BucketFiles, pdf_bucket, pdf_name


@task()
def invoice_render(
    booking_id: int, version: str, draft: dict[str, Any] | None = None
) -> str | None:
    """Write the booking's current invoice PDF if it is missing; its file name, or None if the
    booking is gone. With `draft` (InvoiceOverrides.to_json()), staff's unsaved version of it,
    in the booking's drafts folder.

    Idempotent: a rerun, or a duplicate enqueued by two racing requests, finds the file and
    renders nothing. `version` is the version the request wanted (it identifies the task for
    enqueue_unless_pending); if the booking has changed since, the current version is
    what the next request asks for, so that is what is rendered.
    """
    # Imported here, not at the top: bookings.invoices enqueues this task.
    from bookings.invoices import DRAFTS_KEPT_FOR, InvoiceOverrides, invoice_document

    try:
        booking = selectors.booking_get(booking_id)
    except Booking.DoesNotExist:
        return None
    if draft is None:
        document = invoice_document(booking)
        write_invoice_pdf(document.html, document.path)
    else:
        document = invoice_document(booking, draft=InvoiceOverrides.from_json(draft))
        write_invoice_pdf(document.html, document.path, keep_others_for=DRAFTS_KEPT_FOR)
    return document.path.name


def write_invoice_pdf(html: str, path: Path, *, keep_others_for: timedelta | None = None) -> bool:
    """Render `html` to `path` unless it exists, then remove the other PDFs of its folder (the
    older versions of one document), or only those older than `keep_others_for`.

    Returns whether it rendered. Under a lock shared by every worker process and thread, so
    one version is rendered once however many tasks ask for it; written under a temporary
    name and renamed, so readers see no file or the whole file, never half of one. Any PDF
    under INVOICE_DIR is written by this (payments' refund receipts too). With a bucket, the
    same in the bucket (_write_pdf_to_bucket).
    """
    bucket = pdf_bucket()
    if bucket is not None:
        return _write_pdf_to_bucket(bucket, html, pdf_name(path), keep_others_for=keep_others_for)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(path.parent / ".lock"):
        if path.exists():
            return False
        partial = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.part")
        try:
            _render_pdf(html, partial)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        oldest_kept = (
            None if keep_others_for is None else time.time() - keep_others_for.total_seconds()
        )
        for old in path.parent.glob("*.pdf"):
            if old == path:
                continue
            try:
                if oldest_kept is not None and old.stat().st_mtime >= oldest_kept:
                    continue
            except FileNotFoundError:
                continue
            # A download of the old version that is under way keeps its open file.
            old.unlink(missing_ok=True)
        return True


def _write_pdf_to_bucket(
    bucket: BucketFiles, html: str, name: str, *, keep_others_for: timedelta | None
) -> bool:
    """write_invoice_pdf for a bucket: rendered to a temporary file, then sent as one object.

    An object appears whole or not at all, so no temporary name is needed; there is no lock
    across machines either: two task workers asked for the same version at once may both
    render it, and the second PUT replaces the first with the same document.
    """
    if bucket.exists(name):
        return False
    with tempfile.TemporaryDirectory(dir=settings.FILE_UPLOAD_TEMP_DIR) as scratch:
        rendered = Path(scratch) / "document.pdf"
        _render_pdf(html, rendered)
        with rendered.open("rb") as pdf:
            bucket.save(name, File(pdf))
    folder = posixpath.dirname(name)
    oldest_kept = None if keep_others_for is None else timezone.now() - keep_others_for
    for other in bucket.listdir(folder)[1]:
        other_name = posixpath.join(folder, other)
        if other_name == name or not other.endswith(".pdf"):
            continue
        if oldest_kept is not None and bucket.get_modified_time(other_name) >= oldest_kept:
            continue
        # A download under way keeps reading the object it started on.
        bucket.delete(other_name)
    return True


def _render_pdf(html: str, target: Path) -> None:
    # The only import of WeasyPrint in the project, done in the task worker on its first render.
    import weasyprint

    weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(target)


@contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    """A lock shared by every process on this machine (flock), held for the block."""
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


@task()
def pending_bookings_expire() -> int:
    """Expire pending bookings nobody paid for or approved in time (bookings.limits)."""
    return limits.pending_bookings_expire()
