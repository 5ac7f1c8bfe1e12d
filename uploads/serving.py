"""An upload's file and its preview as HTTP responses: one place for the API and the admin.

From the local disk, a ranged stream (or nginx's X-Accel-Redirect); from a bucket, a redirect
to a presigned URL (lebrq.object_storage). Either way only after the caller's access check.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from lebrq.file_responses import file_response
from lebrq.object_storage import bucket_redirect, in_bucket
from uploads.models import Upload

logger = logging.getLogger(__name__)


def upload_file_response(request: HttpRequest, upload: Upload) -> HttpResponseBase:
    """The stored file, images inline and anything else as an attachment."""
    if in_bucket(upload.file.storage):
        # The bucket answers 404 itself for a row whose object is gone: no HEAD first.
        return bucket_redirect(
            request,
            upload.file.storage,
            _stored_name(upload.file.name),
            content_type=upload.content_type,
            filename=upload.download_name,
            attachment=not upload.is_image,
            cache_control=_cache_control(upload),
        )
    try:
        response = file_response(
            request,
            path=Path(upload.file.path),
            content_type=upload.content_type,
            filename=upload.download_name,
            attachment=not upload.is_image,
            x_accel_redirect=settings.X_ACCEL_PREFIX + upload.file.name,
        )
    except FileNotFoundError as exc:
        logger.error("Upload %s has a row but no file at %s", upload.pk, upload.file.name)
        raise Http404("No such file.") from exc
    response["Cache-Control"] = _cache_control(upload)
    return response


def upload_thumbnail_response(request: HttpRequest, upload: Upload) -> HttpResponseBase:
    """The JPEG preview of an image upload; the caller checks that it has one."""
    if in_bucket(upload.thumbnail.storage):
        return bucket_redirect(
            request,
            upload.thumbnail.storage,
            _stored_name(upload.thumbnail.name),
            content_type="image/jpeg",
            cache_control=_cache_control(upload),
        )
    response = file_response(
        request,
        path=Path(upload.thumbnail.path),
        content_type="image/jpeg",
        x_accel_redirect=settings.X_ACCEL_PREFIX + upload.thumbnail.name,
    )
    response["Cache-Control"] = _cache_control(upload)
    return response


def _stored_name(name: str | None) -> str:
    if not name:
        raise Http404("No such file.")
    return name


def _cache_control(upload: Upload) -> str:
    if upload.is_public:
        return "public, max-age=86400"
    return "private, max-age=0, must-revalidate"
