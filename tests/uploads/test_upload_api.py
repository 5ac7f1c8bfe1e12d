"""POST /api/uploads/image and /api/uploads/files."""

import hashlib
import io

import pytest
from asgiref.sync import async_to_sync
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import AsyncClient
from PIL import GifImagePlugin, Image
from rest_framework_simplejwt.tokens import AccessToken

from tests.samples import (
    HTML_BYTES,
    MP4_BYTES,
    PDF_BYTES,
    SVG_BYTES,
    WEBM_BYTES,
    image_bytes,
    jpeg_with_metadata,
    multipart,
    png_declaring,
)
from uploads.models import Upload

pytestmark = pytest.mark.django_db

IMAGE_URL = "/api/uploads/image"
FILES_URL = "/api/uploads/files"


def post(client, url, *files: tuple[str, bytes, str], field: str = "file"):
    uploads = [
        SimpleUploadedFile(name, content, content_type) for name, content, content_type in files
    ]
    return client.post(url, {field: uploads}, format="multipart")


def stored_bytes(name: str | None) -> bytes:
    assert name, "no stored file"
    with default_storage.open(name) as stored:
        return stored.read()


def files_in(directory) -> list[str]:
    return [str(p) for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


def assert_nothing_left(settings, upload_temp_dir) -> None:
    assert Upload.objects.count() == 0
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(upload_temp_dir) == []


def test_it_stores_an_image_under_a_random_name(customer_client, customer, settings):
    png = image_bytes("PNG", size=(8, 6))

    response = post(customer_client, IMAGE_URL, ("holiday.png", png, "image/png"))

    assert response.status_code == 201
    upload = Upload.objects.get()
    stored = stored_bytes(upload.file.name)
    assert response.json() == {
        "url": f"/api/uploads/{upload.pk}",
        "path": upload.file.name,
        "files": [
            {
                "id": upload.pk,
                "url": f"/api/uploads/{upload.pk}",
                "thumbnail_url": f"/api/uploads/{upload.pk}/thumbnail",
                "original_name": "holiday.png",
                "content_type": "image/png",
                "size": len(stored),
                "sha256": hashlib.sha256(stored).hexdigest(),
                "kind": "image",
                "width": 8,
                "height": 6,
                "created_at": response.json()["files"][0]["created_at"],
            }
        ],
    }
    assert upload.owner == customer
    assert upload.is_public is True  # pictures for public pages (ImageUploadView)
    assert upload.file.name is not None
    assert "holiday" not in upload.file.name
    assert upload.file.name.startswith("uploads/")
    assert upload.file.name.endswith(".png")
    assert (settings.MEDIA_ROOT / upload.file.name).is_file()


def test_two_uploads_of_one_name_get_different_stored_names(customer_client):
    png = image_bytes("PNG")

    first = post(customer_client, IMAGE_URL, ("a.png", png, "image/png")).json()
    second = post(customer_client, IMAGE_URL, ("a.png", png, "image/png")).json()

    assert first["path"] != second["path"]


def test_it_accepts_several_files_also_in_the_legacy_files_field(customer_client):
    response = post(
        customer_client,
        IMAGE_URL,
        ("one.png", image_bytes("PNG"), "image/png"),
        ("two.gif", image_bytes("GIF"), "image/gif"),
        field="files",
    )

    assert response.status_code == 201
    body = response.json()
    assert [f["original_name"] for f in body["files"]] == ["one.png", "two.gif"]
    assert [f["content_type"] for f in body["files"]] == ["image/png", "image/gif"]
    assert body["url"] == body["files"][0]["url"]
    assert Upload.objects.count() == 2


def test_it_strips_exif_and_comments_and_applies_the_orientation(customer_client):
    response = post(customer_client, IMAGE_URL, ("gps.jpg", jpeg_with_metadata(), "image/jpeg"))

    assert response.status_code == 201
    upload = Upload.objects.get()
    assert upload.file.name is not None
    with default_storage.open(upload.file.name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.getexif() == {}
        assert "exif" not in image.info
        assert "comment" not in image.info
        # Orientation 6 turned the 40x20 original upright.
        assert image.size == (20, 40)
    assert (upload.width, upload.height) == (20, 40)


def test_the_type_comes_from_the_content_not_the_name(customer_client):
    response = post(customer_client, IMAGE_URL, ("photo.jpg", image_bytes("PNG"), "image/jpeg"))

    assert response.status_code == 201
    assert response.json()["files"][0]["content_type"] == "image/png"
    assert response.json()["path"].endswith(".png")


@pytest.mark.parametrize(
    "markup",
    [
        HTML_BYTES,
        b"<SCRIPT>alert(1)</SCRIPT>",
        b'<img src=x onerror="alert(1)">',
        b"<iframe src=//evil.example>",
        b"javascript:alert(1)",
    ],
)
def test_an_image_carrying_html_or_script_is_refused_with_415(
    customer_client, settings, upload_temp_dir, markup
):
    polyglot = image_bytes("GIF") + markup

    response = post(customer_client, IMAGE_URL, ("poly.gif", polyglot, "image/gif"))

    assert response.status_code == 415
    assert response.json()["code"] == "markup_refused"
    assert_nothing_left(settings, upload_temp_dir)


def test_markup_split_across_read_chunks_is_still_found():
    from uploads.filetypes import contains_markup

    assert contains_markup([b"GIF89a...<scr", b"IPT>alert(1)"])
    assert not contains_markup([b"GIF89a", b"<svg-free pixels", b"script"])


@pytest.mark.parametrize(
    ("name", "content", "mime", "content_type"),
    [
        ("scan.pdf", PDF_BYTES, "application/pdf", "application/pdf"),
        ("clip.mp4", MP4_BYTES, "video/mp4", "video/mp4"),
        ("clip.webm", WEBM_BYTES, "video/webm", "video/webm"),
        ("clip.bin", MP4_BYTES, "application/octet-stream", "video/mp4"),
    ],
)
def test_the_files_endpoint_stores_allowed_types_byte_for_byte(
    customer_client, name, content, mime, content_type
):
    response = post(customer_client, FILES_URL, (name, content, mime))

    assert response.status_code == 201
    stored = response.json()["files"][0]
    assert stored["content_type"] == content_type
    assert stored["kind"] == "file"
    assert stored["size"] == len(content)
    assert stored["sha256"] == hashlib.sha256(content).hexdigest()
    assert stored_bytes(response.json()["path"]) == content


def test_the_files_endpoint_re_encodes_images_too(customer_client):
    response = post(customer_client, FILES_URL, ("gps.jpg", jpeg_with_metadata(), "image/jpeg"))

    assert response.status_code == 201
    stored = response.json()["files"][0]
    assert (stored["content_type"], stored["kind"], stored["width"]) == ("image/jpeg", "file", 20)


TRUNCATED_JPEG = image_bytes("JPEG", size=(64, 64))[:-300]
EXE_BYTES = b"MZ\x90\x00" + bytes(200)


@pytest.mark.parametrize(
    ("url", "name", "content", "mime", "status", "code"),
    [
        (FILES_URL, "logo.svg", SVG_BYTES, "image/svg+xml", 415, "markup_refused"),
        (FILES_URL, "page.html", HTML_BYTES, "text/html", 415, "markup_refused"),
        (IMAGE_URL, "cat.png", HTML_BYTES, "image/png", 415, "markup_refused"),
        (FILES_URL, "bom.txt", b"\xef\xbb\xbf  \n<html>", "text/plain", 415, "markup_refused"),
        (
            FILES_URL,
            "setup.exe",
            EXE_BYTES,
            "application/octet-stream",
            415,
            "unsupported_file_type",
        ),
        (FILES_URL, "notes.txt", b"just some text", "text/plain", 415, "unsupported_file_type"),
        (IMAGE_URL, "scan.pdf", PDF_BYTES, "application/pdf", 415, "unsupported_file_type"),
        (IMAGE_URL, "clip.mp4", MP4_BYTES, "video/mp4", 415, "unsupported_file_type"),
        (
            IMAGE_URL,
            "bomb.png",
            png_declaring(100_000, 100_000),
            "image/png",
            400,
            "too_many_pixels",
        ),
        (IMAGE_URL, "big.png", png_declaring(7_000, 7_000), "image/png", 400, "too_many_pixels"),
        (IMAGE_URL, "cut.jpg", TRUNCATED_JPEG, "image/jpeg", 400, "corrupt_image"),
        (
            IMAGE_URL,
            "junk.png",
            b"\x89PNG\r\n\x1a\n" + bytes(50),
            "image/png",
            400,
            "corrupt_image",
        ),
        (FILES_URL, "empty.pdf", b"", "application/pdf", 400, "empty_file"),
    ],
    ids=[
        "svg-with-script",
        "html",
        "html-named-png",
        "html-after-bom-and-spaces",
        "exe",
        "plain-text",
        "pdf-as-image",
        "video-as-image",
        "pixel-bomb",
        "pixels-over-the-limit",
        "truncated-jpeg",
        "png-signature-then-junk",
        "zero-bytes",
    ],
)
def test_a_bad_upload_is_refused_with_json_and_leaves_nothing(
    customer_client, settings, upload_temp_dir, url, name, content, mime, status, code
):
    response = post(customer_client, url, (name, content, mime))

    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"] == body["message"]
    assert body["detail"].startswith(f"{name}: ")
    assert_nothing_left(settings, upload_temp_dir)


def test_the_pixel_limit_follows_the_setting(customer_client, settings, upload_temp_dir):
    settings.MAX_IMAGE_PIXELS = 47

    response = post(customer_client, IMAGE_URL, ("small.png", image_bytes("PNG"), "image/png"))

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "small.png: the image has too many pixels (at most 47 in all, "
        "all frames of an animation together)."
    )
    assert_nothing_left(settings, upload_temp_dir)


def test_an_animation_keeps_its_frames_within_the_pixel_budget(customer_client, settings):
    frames = [Image.new("RGB", (10, 10), color) for color in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], duration=80)

    settings.MAX_IMAGE_PIXELS = 299
    refused = post(customer_client, IMAGE_URL, ("anim.gif", buffer.getvalue(), "image/gif"))
    settings.MAX_IMAGE_PIXELS = 300
    accepted = post(customer_client, IMAGE_URL, ("anim.gif", buffer.getvalue(), "image/gif"))

    assert refused.status_code == 400
    assert accepted.status_code == 201
    with default_storage.open(accepted.json()["path"]) as stored, Image.open(stored) as image:
        assert isinstance(image, GifImagePlugin.GifImageFile)
        assert image.n_frames == 3


def test_an_oversized_file_is_refused_with_413(customer_client, settings, upload_temp_dir):
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    too_big = PDF_BYTES + bytes(1024 * 1024)

    response = post(customer_client, FILES_URL, ("big.pdf", too_big, "application/pdf"))

    assert response.status_code == 413
    assert response.json() == {
        "detail": "big.pdf: the file is larger than 1 MB.",
        "message": "big.pdf: the file is larger than 1 MB.",
        "code": "file_too_large",
    }
    assert_nothing_left(settings, upload_temp_dir)


def test_a_file_of_exactly_the_limit_is_accepted(customer_client, settings):
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    exactly = PDF_BYTES + bytes(1024 * 1024 - len(PDF_BYTES))

    response = post(customer_client, FILES_URL, ("max.pdf", exactly, "application/pdf"))

    assert response.status_code == 201
    assert response.json()["files"][0]["size"] == 1024 * 1024


def test_eleven_files_are_refused_with_a_helpful_message(
    customer_client, settings, upload_temp_dir
):
    pngs = [(f"{n}.png", image_bytes("PNG"), "image/png") for n in range(11)]

    response = post(customer_client, IMAGE_URL, *pngs)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Too many files: send at most 10 in one upload.",
        "message": "Too many files: send at most 10 in one upload.",
        "code": "too_many_files",
    }
    assert_nothing_left(settings, upload_temp_dir)


def test_the_file_count_limit_follows_the_setting(customer_client, settings, upload_temp_dir):
    settings.UPLOAD_MAX_FILES = 2
    pngs = [(f"{n}.png", image_bytes("PNG"), "image/png") for n in range(3)]

    response = post(customer_client, IMAGE_URL, *pngs)

    assert response.status_code == 400
    assert response.json()["code"] == "too_many_files"
    assert_nothing_left(settings, upload_temp_dir)


def test_one_bad_file_among_good_ones_stores_none_of_them(
    customer_client, settings, upload_temp_dir
):
    response = post(
        customer_client,
        FILES_URL,
        ("good.png", image_bytes("PNG"), "image/png"),
        ("good.pdf", PDF_BYTES, "application/pdf"),
        ("bad.svg", SVG_BYTES, "image/svg+xml"),
    )

    assert response.status_code == 415
    assert_nothing_left(settings, upload_temp_dir)


def test_a_request_without_a_file_is_400(customer_client):
    response = customer_client.post(IMAGE_URL, {"title": "no file"}, format="multipart")

    assert response.status_code == 400
    assert response.json()["code"] == "no_file"


def test_anonymous_uploads_are_401(api_client, settings, upload_temp_dir):
    for url in (IMAGE_URL, FILES_URL):
        response = post(api_client, url, ("a.png", image_bytes("PNG"), "image/png"))
        assert response.status_code == 401
    assert_nothing_left(settings, upload_temp_dir)


@pytest.mark.parametrize(
    "client_name",
    ["../../../../tmp/evil.png", "..\\..\\windows\\evil.png", "ev\x00il.png", "evil\x1b.png", ".."],
)
def test_a_file_name_with_a_path_or_control_characters_is_refused(
    customer_client, settings, upload_temp_dir, tmp_path, client_name
):
    body, content_type = multipart([("file", client_name, image_bytes("PNG"), "image/png")])

    response = customer_client.generic("POST", IMAGE_URL, body, content_type)

    assert response.status_code == 400
    assert "file name" in response.json()["detail"]
    assert_nothing_left(settings, upload_temp_dir)
    assert not (tmp_path / "evil.png").exists()


def test_stored_names_are_random_whatever_the_client_name(customer_client, settings):
    response = post(customer_client, IMAGE_URL, ("evil.png", image_bytes("PNG"), "image/png"))

    upload = Upload.objects.get(pk=response.json()["files"][0]["id"])
    assert upload.original_name == "evil.png"
    assert upload.file.name is not None
    assert "evil" not in upload.file.name
    stored_path = (settings.MEDIA_ROOT / upload.file.name).resolve()
    assert stored_path.is_relative_to(settings.MEDIA_ROOT / "uploads")


def test_uploads_work_under_asgi(customer):
    png = SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png")
    auth = {"Authorization": f"Bearer {AccessToken.for_user(customer)}"}

    response = async_to_sync(AsyncClient().post)(IMAGE_URL, {"file": png}, headers=auth)

    assert response.status_code == 201
    assert Upload.objects.get().owner == customer


def test_an_image_gets_a_small_jpeg_preview_and_a_pdf_none(customer_client, customer):
    big = image_bytes("PNG", size=(1200, 800))

    image = post(customer_client, IMAGE_URL, ("wide.png", big, "image/png")).json()["files"][0]
    document = post(customer_client, FILES_URL, ("doc.pdf", PDF_BYTES, "application/pdf"))

    preview = customer_client.get(image["thumbnail_url"])
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(preview.streaming_content))) as thumbnail:
        assert thumbnail.format == "JPEG"
        assert thumbnail.size == (320, 213)
    assert document.json()["files"][0]["thumbnail_url"] is None


def test_a_preview_is_as_private_as_its_file(customer_client, other_client):
    png = image_bytes("PNG", size=(40, 30))
    image = post(customer_client, FILES_URL, ("me.png", png, "image/png")).json()["files"][0]

    assert other_client.get(image["thumbnail_url"]).status_code == 404


def test_pictures_for_public_pages_are_public_and_cached(customer_client, api_client):
    """Banners, posters and item pictures are shown to visitors without a login, as the
    legacy's public upload folder did; what goes to /uploads/files stays private."""
    png = image_bytes("PNG", size=(40, 30))
    picture = post(customer_client, IMAGE_URL, ("banner.png", png, "image/png")).json()
    document = post(customer_client, FILES_URL, ("id.pdf", PDF_BYTES, "application/pdf")).json()

    response = api_client.get(picture["url"])

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=86400"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert api_client.get(document["url"]).status_code == 404
