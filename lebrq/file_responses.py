"""A ranged, conditional file response that streams with bounded memory under ASGI and WSGI.

Hand-written because Django has no Range support, django-ranged-response reads whole files,
and FileResponse under ASGI buffers its sync iterator whole (docs/DESIGN.md, Files).
Shared infrastructure: uploads serve their files with it, bookings their invoices.
"""

import asyncio
import hashlib
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe

from lebrq.db import release_database_connections

CHUNK_SIZE = 64 * 1024

# RFC 9110 §14.1.2: bytes=<first>-<last>, <first>-, -<suffix>; one range only (see _parse_range).
_RANGE_SPEC = re.compile(r"^\s*(?:(\d+)-(\d*)|-(\d+))\s*$")
# Python refuses int() of more than 4,300 digits (a ValueError, once a 500); any number
# longer than this is past every file's end, which is all the range logic needs to know.
_MAX_POSITION_DIGITS = 18
_BEYOND_ANY_FILE = 10**_MAX_POSITION_DIGITS


def _position(digits: str) -> int:
    return _BEYOND_ANY_FILE if len(digits) > _MAX_POSITION_DIGITS else int(digits)


class _Unsatisfiable(Exception):
    pass


class _FileSlice:
    """The bytes [start, start + length) of an open file, read CHUNK_SIZE at a time.

    Django calls `close()` when the response is done (also after a client disconnect), so the
    file is closed even if iteration stops early or never starts.
    """

    def __init__(self, file: BinaryIO, start: int, length: int) -> None:
        self._file = file
        self._start = start
        self._length = length

    def close(self) -> None:
        self._file.close()


class SyncFileSlice(_FileSlice):
    def __iter__(self) -> Iterator[bytes]:
        try:
            self._file.seek(self._start)
            remaining = self._length
            while remaining > 0:
                chunk = self._file.read(min(CHUNK_SIZE, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk
        finally:
            self.close()


class AsyncFileSlice(_FileSlice):
    """Async only: StreamingHttpResponse under ASGI would buffer a sync iterator whole."""

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            await asyncio.to_thread(self._file.seek, self._start)
            remaining = self._length
            while remaining > 0:
                chunk = await asyncio.to_thread(self._file.read, min(CHUNK_SIZE, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk
        finally:
            self.close()


def file_response(
    request: HttpRequest,
    *,
    path: Path,
    content_type: str,
    filename: str | None = None,
    attachment: bool = False,
    x_accel_redirect: str | None = None,
) -> HttpResponseBase:
    """Answer GET/HEAD for the file at `path`: 200, 206, 304, 412 or 416 (RFC 9110).

    Supports a single byte range (`a-b`, `a-`, `-n`), If-Range, ETag/Last-Modified
    validators and their If-* preconditions. Several ranges are answered with the whole file
    (no multipart/byteranges); a malformed Range header is ignored. Under ASGI the body is an
    async generator reading 64 KiB per step in a thread; under WSGI a sync generator.
    With FILE_SERVE_MODE=x-accel and `x_accel_redirect` given, nginx sends the bytes instead.

    `request` may be a DRF Request; its Django request is used.
    """
    request = getattr(request, "_request", request)
    disposition = content_disposition_header(attachment, filename or "")

    if settings.FILE_SERVE_MODE == "x-accel" and x_accel_redirect is not None:
        # nginx answers ranges and conditionals itself from the internal location.
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = quote(x_accel_redirect)
        _set_common_headers(response, disposition)
        return response

    # Open first and stat the open file, so the validators describe the bytes we send even if
    # the path is replaced meanwhile (an invoice re-rendered and renamed into place).
    file = path.open("rb")
    try:
        stat = os.fstat(file.fileno())
        size = stat.st_size
        etag = _etag(stat)
        last_modified = int(stat.st_mtime)

        # Django copies these headers into the 304 it builds.
        validators = HttpResponse()
        _set_validators(validators, etag, last_modified)
        conditional = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=validators
        )
        # Django hands back `validators` when no precondition applies (None only without one).
        if conditional is not None and conditional is not validators:
            # 304 or 412: no body.
            file.close()
            _set_common_headers(conditional, None)
            return conditional

        try:
            byte_range = _requested_range(request, size, etag, last_modified)
        except _Unsatisfiable:
            file.close()
            response = HttpResponse(status=416, content_type=content_type)
            response["Content-Range"] = f"bytes */{size}"
            _set_validators(response, etag, last_modified)
            _set_common_headers(response, disposition)
            return response

        start, length = byte_range if byte_range else (0, size)
        if request.method == "HEAD":
            file.close()
            response = HttpResponse(content_type=content_type)
        else:
            slice_class = AsyncFileSlice if isinstance(request, ASGIRequest) else SyncFileSlice
            response = StreamingHttpResponse(
                slice_class(file, start, length), content_type=content_type
            )
            release_database_connections()
    except BaseException:
        file.close()
        raise

    if byte_range:
        response.status_code = 206
        response["Content-Range"] = f"bytes {start}-{start + length - 1}/{size}"
    response["Content-Length"] = str(length)
    _set_validators(response, etag, last_modified)
    _set_common_headers(response, disposition)
    return response


def _etag(stat: os.stat_result) -> str:
    identity = f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}".encode()
    return f'"{hashlib.blake2b(identity, digest_size=12).hexdigest()}"'


def _set_validators(response: HttpResponseBase, etag: str, last_modified: int) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)


def _set_common_headers(response: HttpResponseBase, disposition: str | None) -> None:
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    if disposition:
        response["Content-Disposition"] = disposition


def _requested_range(
    request: HttpRequest, size: int, etag: str, last_modified: int
) -> tuple[int, int] | None:
    """The (start, length) to send, None for the whole file; raises _Unsatisfiable for 416."""
    header = request.headers.get("Range")
    # Range is defined for GET only (RFC 9110 §14.2): HEAD describes the whole file.
    if not header or request.method != "GET":
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and not _if_range_matches(if_range.strip(), etag, last_modified):
        return None
    return _parse_range(header, size)


def _if_range_matches(if_range: str, etag: str, last_modified: int) -> bool:
    # An entity tag must match strongly (a weak one never does); a date must match exactly.
    if if_range.startswith(('"', "W/")):
        return if_range == etag
    return parse_http_date_safe(if_range) == last_modified


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    unit, _, ranges = header.partition("=")
    if unit.lower() != "bytes" or not ranges:
        return None
    specs = ranges.split(",")
    if len(specs) != 1:
        # Several ranges would need multipart/byteranges; the whole file is a valid answer.
        return None
    match = _RANGE_SPEC.match(specs[0])
    if not match:
        return None
    first, last, suffix = match.groups()
    if suffix is not None:
        suffix_length = _position(suffix)
        if suffix_length == 0:
            raise _Unsatisfiable
        if size == 0:
            # A non-empty suffix of an empty file is satisfiable (RFC 9110 §14.1.1), but no
            # Content-Range can describe it: send the (empty) whole file.
            return None
        length = min(suffix_length, size)
        return size - length, length
    start = _position(first)
    if last and _position(last) < start:
        # An invalid range-spec makes the whole header invalid: ignore it.
        return None
    if start >= size:
        raise _Unsatisfiable
    end = min(_position(last), size - 1) if last else size - 1
    return start, end - start + 1
