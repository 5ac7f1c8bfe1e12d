"""An upload handler that gives up on a file as soon as it passes the size limit."""

from django.core.files.uploadhandler import TemporaryFileUploadHandler

from uploads.services import clean_original_name, file_too_large, max_upload_bytes


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Django's handler (chunks spooled to a temporary file), plus the per-file size limit.

    upload_store checks the size too; stopping here saves writing (and hashing) the rest of
    an oversized file. The raised UploadTooLarge leaves the request as a 413 JSON answer.
    """

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_upload_bytes():
            # Closing a NamedTemporaryFile deletes it: nothing is left behind.
            self.file.close()
            raise file_too_large(clean_original_name(self.file_name or ""))
        return super().receive_data_chunk(raw_data, start)
