"""An upload handler that gives up on a file as soon as it passes the size limit."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import HttpRequest

from uploads.choices import UploadKind
from uploads.services import clean_original_name, file_too_large, max_upload_bytes


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's handler (chunks spooled to a temporary file), plus the per-file size limit.

    upload_store checks the size too; stopping here saves writing (and hashing) the rest of
    an oversized file. The raised UploadTooLarge leaves the request as a 413 JSON answer.
    `kind` is the largest kind the route takes (VIDEO for the video routes).
    """

    def __init__(self, request: HttpRequest | None = None, kind: UploadKind | None = None):
        super().__init__(request)
        self.kind = kind

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_upload_bytes(self.kind):
            # Closing a NamedTemporaryFile deletes it: nothing is left behind.
            self.file.close()
            raise file_too_large(clean_original_name(self.file_name or ""), self.kind)
        return super().receive_data_chunk(raw_data, start)
