import html
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from rest_framework.exceptions import ParseError

# DRF 3.18 has get_encoding; djangorestframework-stubs 3.18.1 does not declare it.
from rest_framework.parsers import (  # type: ignore[attr-defined]
    BaseParser,
    DataAndFiles,
    MultiPartParser,
    get_encoding,
)
from rest_framework.request import Request

from lebrq.api.parsers import loads_bounded
from uploads.exceptions import UploadTooLarge


class StrictFileNameParser(DjangoMultiPartParser):
    """Refuses a file name with a directory part or control characters instead of rewriting it.

    Django strips "../../etc/passwd.png" down to "passwd.png" and drops a NUL silently; a
    browser never sends either, so such a name is an attack or a broken client, and it gets a
    clear 400 rather than a stored file under a name nobody chose.
    """

    def sanitize_file_name(self, file_name: str) -> str | None:
        name = html.unescape(file_name)
        if "/" in name or "\\" in name or not name.isprintable() or name.strip() in {".", ".."}:
            raise MultiPartParserError(
                f"refused the file name {file_name!r}: send the file's own name, without a "
                "path or control characters"
            )
        return super().sanitize_file_name(file_name)


class StrictMultiPartParser(MultiPartParser):
    """DRF's MultiPartParser with StrictFileNameParser; DRF names Django's parser class inside
    parse(), so the method is restated here."""

    # The stubs say MultiPartParser.parse returns an immutable QueryDict; DRF's and ours both
    # return the one Django's parser makes, which is mutable. `stream` is request.stream, typed
    # IO by DRF's stubs and a narrower protocol by Django's: Any bridges the two.
    def parse(  # type: ignore[override]
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> "DataAndFiles[QueryDict, MultiValueDict[str, Any]]":  # DRF's class: not subscriptable
        parser_context = parser_context or {}
        request: Request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        parser = StrictFileNameParser(
            meta, stream, request.upload_handlers, get_encoding(parser_context)
        )
        try:
            data, files = parser.parse()
        except MultiPartParserError as exc:
            raise ParseError(f"Multipart form parse error - {exc}") from exc
        return DataAndFiles(data, files)


class PictureJsonParser(BaseParser):
    """JSON carrying a base64 picture, up to PICTURE_JSON_MAX_MB.

    DRF's JSONParser reads request.body, which Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE
    (2 MB, right for every other JSON body); a phone photo as base64 is larger. This reads the
    stream itself with its own cap, so only the endpoints that take pictures allow more.
    """

    media_type = "application/json"

    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = settings.PICTURE_JSON_MAX_MB * 1024 * 1024
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise UploadTooLarge(
                f"The picture is larger than {settings.PICTURE_JSON_MAX_MB} MB as base64.",
                code="file_too_large",
            )
        return loads_bounded(raw or b"{}")
