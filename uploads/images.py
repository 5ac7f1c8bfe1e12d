"""Verifying and re-encoding uploaded images with Pillow.

Re-encoding keeps only the pixels (plus the colour profile, transparency and animation
timing): EXIF (GPS position, camera serial), XMP and comments are dropped, and so is anything
appended or hidden in the original bytes, such as HTML in a GIF/HTML polyglot.
"""

import logging
from typing import IO

from django.conf import settings
from PIL import Image, ImageOps

from lebrq.errors import Unavailable
from lebrq.low_priority import run_low_priority
from uploads.decoding import decoding
from uploads.exceptions import UploadRejected
from uploads.filetypes import FileType

logger = logging.getLogger(__name__)

# Metadata a saver would otherwise copy from the source image's info.
_NO_METADATA = {"exif": b"", "xmp": b"", "comment": b""}
_SAVE_OPTIONS = {
    "JPEG": {"quality": 90},
    "WEBP": {"quality": 90},
    "PNG": {},
    "GIF": {},
}


THUMBNAIL_SIZE = (320, 320)


def reencode_image(
    source: IO[bytes],
    destination: IO[bytes],
    file_type: FileType,
    *,
    label: str,
    thumbnail: IO[bytes] | None = None,
    max_side: int | None = None,
) -> tuple[int, int]:
    """Check the image in `source` and write a clean copy to `destination`, and a JPEG
    preview of at most THUMBNAIL_SIZE to `thumbnail` if given (from the pixels already
    decoded, so it costs no second decode). With `max_side`, the copy is shrunk to fit a
    square of that side (a profile picture); a JPEG is then decoded at 1/2, 1/4 or 1/8 scale
    to begin with (libjpeg's draft mode), so a 36-megapixel photo never exists in memory.

    Returns (width, height) of the copy, after EXIF orientation is applied. Raises
    UploadRejected (its message starts with `label`) for a corrupt or truncated image and for
    more pixels than settings.MAX_IMAGE_PIXELS (all frames of an animation together), checked
    from the header before anything is decoded; Unavailable (503) when this worker's decode
    budget (uploads.decoding) stays full.
    """
    pillow_format = file_type.pillow_format
    assert pillow_format is not None, f"{file_type} is not an image type"
    try:
        source.seek(0)
        with Image.open(source, formats=[pillow_format]) as probe:
            _check_pixel_budget(probe, label)
            probe.verify()
        # verify() leaves the image unusable: decode it afresh.
        source.seek(0)
        with Image.open(source, formats=[pillow_format]) as image:
            if max_side is not None and pillow_format == "JPEG":
                image.draft(image.mode, (max_side, max_side))
            animated = getattr(image, "is_animated", False)
            # An animation is re-encoded frame by frame: about two frames live at once.
            with decoding(image.width * image.height * (2 if animated else 1)):
                # Decoding happens in here (Pillow loads lazily): on a low-priority thread,
                # so a flood of large pictures does not slow everyone's requests. The memory
                # is reserved first, in this thread, so no such thread waits for it.
                return run_low_priority(
                    _reencode, image, destination, pillow_format, thumbnail, max_side
                )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(label) from exc
    except (UploadRejected, Unavailable):
        raise
    except Exception as exc:
        # Pillow reports malformed data with many exception types (OSError, SyntaxError,
        # ValueError, EOFError, struct.error...); for an upload they all mean the same.
        logger.info("Refused an unreadable %s image: %r", pillow_format, exc)
        raise UploadRejected(
            f"{label}: the image is corrupt or truncated.", code="corrupt_image"
        ) from exc


def _reencode(
    image: Image.Image,
    destination: IO[bytes],
    pillow_format: str,
    thumbnail: IO[bytes] | None,
    max_side: int | None,
) -> tuple[int, int]:
    if getattr(image, "is_animated", False):
        image.save(
            destination,
            format=pillow_format,
            save_all=True,
            **_SAVE_OPTIONS[pillow_format],
            **_NO_METADATA,
        )
        if thumbnail is not None:
            image.seek(0)
            _save_thumbnail(image, thumbnail)
        return image.size
    # In place: a transposed copy would hold the decoded pixels twice (measured 283
    # instead of 142 MB for a 36-megapixel JPEG).
    ImageOps.exif_transpose(image, in_place=True)
    icc_profile = image.info.get("icc_profile")
    if max_side is not None and max(image.size) > max_side:
        scale = max_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    image.save(
        destination,
        format=pillow_format,
        icc_profile=icc_profile,
        **_SAVE_OPTIONS[pillow_format],
        **_NO_METADATA,
    )
    if thumbnail is not None:
        _save_thumbnail(image, thumbnail)
    return image.size


def _save_thumbnail(image: Image.Image, thumbnail: IO[bytes]) -> None:
    # Resized straight from the decoded picture: Image.thumbnail() works on a full-size
    # copy, which held the pixels twice (+292 instead of +183 MB at 36 MP, make bench-images).
    scale = min(1.0, THUMBNAIL_SIZE[0] / image.width, THUMBNAIL_SIZE[1] / image.height)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    if image.mode in ("P", "PA", "1"):
        # These resize only by nearest neighbour: shrink that way to a few times the preview,
        # then filter properly in RGBA.
        rough = (min(image.width, size[0] * 4), min(image.height, size[1] * 4))
        preview = image.resize(rough, Image.Resampling.NEAREST).convert("RGBA")
        preview = preview.resize(size, Image.Resampling.LANCZOS)
    else:
        preview = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if preview.mode != "RGB":
        # JPEG has no alpha: lay transparent images on white.
        background = Image.new("RGB", preview.size, "white")
        mask = preview.getchannel("A") if "A" in preview.getbands() else None
        background.paste(preview.convert("RGBA") if mask else preview, mask=mask)
        preview = background
    preview.save(thumbnail, format="JPEG", quality=80, optimize=True)


def _check_pixel_budget(image: Image.Image, label: str) -> None:
    width, height = image.size
    if width * height > settings.MAX_IMAGE_PIXELS:
        raise _too_many_pixels(label)
    # Counting frames reads through the whole file: only worth it once one frame fits.
    if width * height * getattr(image, "n_frames", 1) > settings.MAX_IMAGE_PIXELS:
        raise _too_many_pixels(label)


def _too_many_pixels(label: str) -> UploadRejected:
    return UploadRejected(
        f"{label}: the image has too many pixels (at most {settings.MAX_IMAGE_PIXELS:,} in all, "
        "all frames of an animation together).",
        code="too_many_pixels",
    )
