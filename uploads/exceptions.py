"""Why an upload was refused. Raised by uploads.services; the API answers them by their kind
(lebrq.errors: 400, 413, 415) and the admin shows their message."""

from lebrq.errors import ErrorKind, InvalidInput, RateLimited


class UploadRejected(InvalidInput):
    """A bad upload: empty, corrupt or truncated, a pixel bomb, too many files, no file."""

    default_message = "The upload was refused."
    default_code = "upload_rejected"


class UploadTooLarge(UploadRejected):
    kind = ErrorKind.TOO_LARGE
    default_message = "The file is too large."
    default_code = "file_too_large"


class UnsupportedFileType(UploadRejected):
    kind = ErrorKind.UNSUPPORTED_TYPE
    default_message = "This type of file is not accepted."
    default_code = "unsupported_file_type"


class AnonymousUploadsExhausted(RateLimited):
    """The hourly budget of uploads without a login (ANONYMOUS_UPLOADS_PER_HOUR) is spent."""

    default_message = "Too many uploads without a login lately: log in, or try again later."
    default_code = "anonymous_uploads_exhausted"
