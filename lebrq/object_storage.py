"""Files on object storage (docs/SCALING.md, Files): what the code that writes and serves
files needs to tell a bucket from this machine's disk.

Without AWS_STORAGE_BUCKET_NAME none of this is in play: uploads live under MEDIA_ROOT and the
rendered PDFs under INVOICE_DIR, as on a single machine (`make run`, the suite). With it,
STORAGES' "default" (uploads and their previews) and "invoices" (invoices, refund receipts,
salary slips, vendor sheets) are BucketStorage, under the prefixes media/ and invoices/.

The storage class itself is lebrq.bucket_storage (imported only with a bucket). Downloads
from the bucket are a 302 to a presigned URL made after the caller's access check:
the bucket answers ranges and conditionals itself and no byte passes through an app server.
"""

from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol, TypeGuard

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# The STORAGES alias of the rendered PDFs; present only with a bucket.
PDF_STORAGE = "invoices"


class BucketFiles(Protocol):
    """What the code asks of a bucket's storage (lebrq.bucket_storage.BucketStorage): Django's
    Storage methods it uses, and the bucket's own. Named here so that this module, imported
    by every worker, does not import boto3."""

    def exists(self, name: str) -> bool: ...

    def save(self, name: str, content: IO[Any], max_length: int | None = None) -> str: ...

    def delete(self, name: str) -> None: ...

    def listdir(self, path: str) -> tuple[list[str], list[str]]: ...

    def get_modified_time(self, name: str) -> datetime: ...

    def copy(self, source: str, target: str) -> None: ...

    def bucket_identity(self) -> tuple[str, str]: ...

    def check_reachable(self) -> None: ...

    def download_url(
        self,
        name: str,
        *,
        method: str,
        content_type: str,
        disposition: str | None,
        cache_control: str,
    ) -> str: ...


def in_bucket(storage: Storage) -> TypeGuard[BucketFiles]:
    """Whether `storage` keeps its files in a bucket (else on this machine's disk). Works on
    default_storage too (a lazy object that hands attribute look-ups to what it wraps)."""
    return callable(getattr(storage, "download_url", None))


def bucket_redirect(
    request: HttpRequest,
    storage: BucketFiles,
    name: str,
    *,
    content_type: str,
    filename: str | None = None,
    attachment: bool = False,
    cache_control: str,
) -> HttpResponse:
    """302 to a short-lived presigned URL of the stored file `name`: to be answered only after
    the caller's access check, which the URL then stands for until it expires.

    The bucket answers Range, If-Range and the conditionals itself; the headers a download
    from the disk carries (type, disposition, cache policy) are asked of it in the URL. The
    redirect itself must not be cached: the URL in it stops working.
    """
    request = getattr(request, "_request", request)  # a DRF Request: its Django request
    method = "HEAD" if request.method == "HEAD" else "GET"
    disposition = content_disposition_header(attachment, filename or "")
    url = storage.download_url(
        name,
        method=method,
        content_type=content_type,
        disposition=disposition,
        cache_control=cache_control,
    )
    response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_bucket() -> BucketFiles | None:
    """The storage of the rendered PDFs when they live in a bucket; None: on this machine's
    disk under INVOICE_DIR."""
    if PDF_STORAGE not in settings.STORAGES:
        return None
    storage = storages[PDF_STORAGE]
    return storage if in_bucket(storage) else None


def pdf_name(path: Path) -> str:
    """The bucket name of a PDF the code knows by its path under INVOICE_DIR (the documents
    keep one identity, the path, wherever their bytes are)."""
    return path.relative_to(Path(settings.INVOICE_DIR)).as_posix()


def pdf_exists(path: Path) -> bool:
    """Whether the PDF at `path` (under INVOICE_DIR) was written, on the disk or in the bucket."""
    bucket = pdf_bucket()
    if bucket is None:
        return path.exists()
    return bucket.exists(pdf_name(path))
