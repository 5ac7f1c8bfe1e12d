"""Previews: a JPEG within 320 x 320, same aspect ratio, transparency laid on white, made
from the decoded picture for every mode an upload can decode to."""

import io

import pytest
from PIL import Image

from uploads.filetypes import GIF, JPEG, PNG
from uploads.images import reencode_image


def rgb(image: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    pixel = image.getpixel(xy)
    assert isinstance(pixel, tuple), pixel  # an RGB image's pixels are tuples
    return pixel


def preview_of(image: Image.Image, fmt: str, file_type) -> Image.Image:
    source, clean, preview = io.BytesIO(), io.BytesIO(), io.BytesIO()
    image.save(source, format=fmt)
    reencode_image(source, clean, file_type, label="x", thumbnail=preview)
    preview.seek(0)
    result = Image.open(preview)
    result.load()
    return result


@pytest.mark.parametrize(
    ("mode", "fmt", "file_type"),
    [
        ("RGB", "JPEG", JPEG),
        ("CMYK", "JPEG", JPEG),
        ("L", "PNG", PNG),
        ("LA", "PNG", PNG),
        ("RGBA", "PNG", PNG),
        ("P", "PNG", PNG),
        ("P", "GIF", GIF),
        ("1", "PNG", PNG),
    ],
)
def test_every_mode_gets_an_rgb_jpeg_preview_within_the_box(mode, fmt, file_type):
    image = Image.new("RGB", (1600, 900), (200, 30, 30)).convert(mode)

    preview = preview_of(image, fmt, file_type)

    assert preview.format == "JPEG"
    assert preview.mode == "RGB"
    assert preview.size == (320, 180)


def test_transparent_pixels_become_white_and_opaque_ones_keep_their_colour():
    image = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    image.paste((20, 40, 200, 255), (0, 0, 400, 800))  # left half opaque blue

    preview = preview_of(image, "PNG", PNG)

    left, right = rgb(preview, (40, 160)), rgb(preview, (280, 160))
    assert all(abs(a - b) < 12 for a, b in zip(left, (20, 40, 200), strict=True))
    assert all(channel > 243 for channel in right)


def test_a_transparent_palette_image_is_laid_on_white_too():
    image = Image.new("RGBA", (900, 600), (0, 0, 0, 0)).convert("P")
    image.info["transparency"] = 0

    preview = preview_of(image, "GIF", GIF)

    assert all(channel > 243 for channel in rgb(preview, (150, 100)))


def test_a_small_image_is_not_enlarged():
    preview = preview_of(Image.new("RGB", (120, 40), (9, 9, 9)), "PNG", PNG)

    assert preview.size == (120, 40)
