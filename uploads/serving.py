"""An upload's file and its preview as HTTP responses: one place for the API and the admin."""

import logging
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from lebrq.file_responses import file_response
from uploads.models import Upload

logger = logging.getLogger(__name__)


def upload_file_response(request: HttpRequest, upload: Upload) -> HttpResponseBase:
    """The stored file, images inline and anything else as an attachment."""
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
    response = file_response(
        request,
        path=Path(upload.thumbnail.path),
        content_type="image/jpeg",
        x_accel_redirect=settings.X_ACCEL_PREFIX + upload.thumbnail.name,
    )
    response["Cache-Control"] = _cache_control(upload)
    return response


def _cache_control(upload: Upload) -> str:
    if upload.is_public:
        return "public, max-age=86400"
    return "private, max-age=0, must-revalidate"
