"""Malicious and broken uploads: each must get a 4xx and leave nothing behind."""

from dataclasses import dataclass

from tests.samples import HTML_BYTES, SVG_BYTES, image_bytes, png_declaring


@dataclass(frozen=True)
class AttackCase:
    name: str
    endpoint: str
    files: list[tuple[str, str, bytes, str]]  # (field, file name, content, content type)
    expected: int


def _png() -> bytes:
    return image_bytes("PNG", size=(64, 48))


def attack_corpus() -> list[AttackCase]:
    image, files = "/api/uploads/image", "/api/uploads/files"
    return [
        AttackCase(
            "polyglot GIF/HTML",
            image,
            [("file", "cat.gif", image_bytes("GIF") + HTML_BYTES, "image/gif")],
            415,
        ),
        AttackCase(
            "SVG with script", files, [("file", "logo.svg", SVG_BYTES, "image/svg+xml")], 415
        ),
        AttackCase(
            "pixel bomb (100,000 x 100,000 PNG)",
            image,
            [("file", "bomb.png", png_declaring(100_000, 100_000), "image/png")],
            400,
        ),
        AttackCase(
            "truncated JPEG",
            image,
            [("file", "cut.jpg", image_bytes("JPEG", size=(400, 300))[:400], "image/jpeg")],
            400,
        ),
        AttackCase(
            "path traversal in the file name",
            files,
            [("file", "../../../../etc/cron.d/evil.png", _png(), "image/png")],
            400,
        ),
        AttackCase(
            "NUL in the file name", image, [("file", "evil\x00.png", _png(), "image/png")], 400
        ),
        AttackCase(
            "wrong extension (HTML named .jpg)",
            image,
            [("file", "photo.jpg", HTML_BYTES, "image/jpeg")],
            415,
        ),
        AttackCase("zero bytes", files, [("file", "empty.pdf", b"", "application/pdf")], 400),
        AttackCase(
            "11 files",
            image,
            [("file", f"p{n}.png", _png(), "image/png") for n in range(11)],
            400,
        ),
        AttackCase(
            "11 MB file (limit 10 MB)",
            files,
            [("file", "big.pdf", b"%PDF-1.4\n" + bytes(11 * 1024 * 1024), "application/pdf")],
            413,
        ),
    ]
