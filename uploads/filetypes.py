"""The file types we accept, recognised from their first bytes, never from a name or a header
the client chose."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    # Images are decoded and re-encoded in this Pillow format; other types are stored as sent.
    pillow_format: str | None = None

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None


JPEG = FileType("image/jpeg", "jpg", "JPEG")
PNG = FileType("image/png", "png", "PNG")
GIF = FileType("image/gif", "gif", "GIF")
WEBP = FileType("image/webp", "webp", "WEBP")
PDF = FileType("application/pdf", "pdf")
MP4 = FileType("video/mp4", "mp4")
QUICKTIME = FileType("video/quicktime", "mov")
WEBM = FileType("video/webm", "webm")

IMAGE_TYPES = frozenset({JPEG, PNG, GIF, WEBP})
VIDEO_TYPES = frozenset({MP4, QUICKTIME, WEBM})
ALL_TYPES = IMAGE_TYPES | VIDEO_TYPES | {PDF}

# Enough for every signature below.
SNIFF_LENGTH = 64

_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}
)
# EBML header magic, then the DocType element (id 0x4282, 4 bytes long) saying "webm".
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_WEBM_DOCTYPE = b"\x42\x82\x84webm"


def sniff(head: bytes) -> FileType | None:
    """The allowed type whose signature `head` (the first SNIFF_LENGTH bytes) carries, if any.

    Only unambiguous signatures count: no plain text, no HEIC/AVIF (also `ftyp` boxes), no
    QuickTime files without an `ftyp` box.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return QUICKTIME
        if brand in _MP4_BRANDS:
            return MP4
    if head.startswith(_EBML_MAGIC) and _WEBM_DOCTYPE in head:
        return WEBM
    return None


def looks_like_markup(head: bytes) -> bool:
    """HTML, SVG, XML or a script: text starting with `<`, after an optional BOM and spaces.

    Such files are refused whatever their name says: a browser may render them as a page on
    our origin.
    """
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


# Markup that has no business inside a picture: what an image/HTML polyglot carries so a
# browser that sniffs it (or an old one that ignores nosniff) runs it. Seven characters or more,
# so random compressed pixel data matches by chance about once in 10^8 uploads of 10 MB.
EMBEDDED_MARKUP = (b"<script", b"<iframe", b"<object", b"<!doctype", b"javascript:", b"onerror=")
_OVERLAP = max(len(marker) for marker in EMBEDDED_MARKUP) - 1


def contains_markup(chunks: Iterable[bytes]) -> bool:
    """Whether any EMBEDDED_MARKUP appears, in any letter case, anywhere in the stream."""
    tail = b""
    for chunk in chunks:
        window = tail + chunk.lower()
        if any(marker in window for marker in EMBEDDED_MARKUP):
            return True
        tail = window[-_OVERLAP:]
    return False
