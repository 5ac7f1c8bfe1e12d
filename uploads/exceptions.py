"""Why an upload was refused. Raised by uploads.services; the API answers them as JSON errors
(they are DRF APIExceptions, like bookings.exceptions) and the admin shows `.detail`."""

from rest_framework import status
from rest_framework.exceptions import APIException


class UploadRejected(APIException):
    """A bad upload: empty, corrupt or truncated, a pixel bomb, too many files, no file."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The upload was refused."
    default_code = "upload_rejected"


class UploadTooLarge(UploadRejected):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The file is too large."
    default_code = "file_too_large"


class UnsupportedFileType(UploadRejected):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_detail = "This type of file is not accepted."
    default_code = "unsupported_file_type"
