"""Uploads and gallery in the admin: the API's validation, previews, and files removed."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.factories import UploadFactory
from tests.samples import SVG_BYTES, image_bytes, jpeg_with_metadata
from uploads.models import GalleryImage, Upload

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_an_upload_added_in_the_admin_goes_through_the_api_validation(admin_client, admin_user):
    photo = SimpleUploadedFile("trip.jpg", jpeg_with_metadata(), "image/jpeg")

    response = admin_client.post(
        "/admin/uploads/upload/add/", {"upload": photo, "kind": "image", "is_public": "on"}
    )

    assert response.status_code == 302
    upload = Upload.objects.get()
    assert (upload.owner, upload.is_public, upload.content_type) == (admin_user, True, "image/jpeg")
    with upload.file.open("rb") as stored, Image.open(stored) as image:
        assert not image.getexif()  # re-encoded without its metadata
    assert upload.thumbnail


def test_a_refused_admin_upload_shows_the_reason_and_leaves_nothing(admin_client, settings):
    svg = SimpleUploadedFile("logo.svg", SVG_BYTES, "image/svg+xml")

    response = admin_client.post("/admin/uploads/upload/add/", {"upload": svg, "kind": "file"})

    assert response.status_code == 200
    assert "HTML, SVG and XML files are not accepted" in str(response.context["errors"])
    assert not Upload.objects.exists()
    assert stored_files(settings) == []


def test_a_gallery_picture_added_in_the_admin_is_public_with_a_preview(admin_client):
    picture = SimpleUploadedFile("hall.png", image_bytes("PNG", size=(900, 600)), "image/png")

    response = admin_client.post(
        "/admin/uploads/galleryimage/add/",
        {"file": picture, "media_type": "image", "title": "The hall", "description": ""},
    )

    assert response.status_code == 302
    entry = GalleryImage.objects.select_related("upload").get()
    assert entry.upload.is_public
    assert entry.title == "The hall"
    public = Client().get("/api/gallery").json()["items"][0]
    assert public["thumbnail_url"].endswith(f"/api/uploads/{entry.upload_id}/thumbnail")


@pytest.mark.parametrize(
    ("name", "content", "media_type", "reason"),
    [
        ("logo.svg", SVG_BYTES, "image", "not accepted"),
        ("hall.png", None, "video", "not a video"),
        (None, None, "image", "Choose the picture"),
    ],
)
def test_a_refused_gallery_entry_leaves_nothing(
    admin_client, settings, name, content, media_type, reason
):
    data = {"media_type": media_type, "title": "x", "description": ""}
    if name:
        data["file"] = SimpleUploadedFile(name, content or image_bytes("PNG"), "image/png")

    response = admin_client.post("/admin/uploads/galleryimage/add/", data)

    assert response.status_code == 200
    assert reason in str(response.context["errors"])
    assert not GalleryImage.objects.exists()
    assert not Upload.objects.exists()
    assert stored_files(settings) == []


def test_changelists_show_thumbnails_of_images(admin_client):
    admin_client.post(
        "/admin/uploads/upload/add/",
        {
            "upload": SimpleUploadedFile("a.png", image_bytes("PNG", size=(400, 300))),
            "kind": "image",
        },
    )
    image = Upload.objects.get()
    document = UploadFactory()  # a PDF: no preview

    page = admin_client.get("/admin/uploads/upload/")

    assert f'src="/admin/uploads/upload/{image.pk}/thumbnail/"'.encode() in page.content
    assert f"/admin/uploads/upload/{document.pk}/thumbnail/".encode() not in page.content


def test_staff_open_private_files_and_previews_from_the_admin(admin_client, admin_user):
    admin_client.post(
        "/admin/uploads/upload/add/",
        {
            "upload": SimpleUploadedFile("a.png", image_bytes("PNG", size=(400, 400))),
            "kind": "image",
        },
    )
    upload = Upload.objects.get()

    preview = admin_client.get(f"/admin/uploads/upload/{upload.pk}/thumbnail/")
    original = admin_client.get(f"/admin/uploads/upload/{upload.pk}/file/")

    with Image.open(io.BytesIO(b"".join(preview.streaming_content))) as image:
        assert image.format == "JPEG"
        assert max(image.size) == 320
    assert b"".join(original.streaming_content).startswith(b"\x89PNG")
    anonymous = Client().get(f"/admin/uploads/upload/{upload.pk}/file/")
    assert anonymous.status_code == 302  # to the admin login


def test_deleting_an_upload_in_the_admin_removes_its_files(admin_client, settings):
    admin_client.post(
        "/admin/uploads/upload/add/",
        {"upload": SimpleUploadedFile("a.png", image_bytes("PNG")), "kind": "image"},
    )
    upload = Upload.objects.get()
    assert len(stored_files(settings)) == 2  # the image and its preview

    with pytest.MonkeyPatch.context() as patch:
        # on_commit callbacks run at once here: the test's transaction never commits.
        from django.db import transaction

        patch.setattr(transaction, "on_commit", lambda callback, **kwargs: callback())
        response = admin_client.post(f"/admin/uploads/upload/{upload.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert stored_files(settings) == []


def test_a_file_missing_from_storage_is_404_in_the_admin_too(admin_client):
    upload = UploadFactory()
    assert upload.file.name is not None
    upload.file.storage.delete(upload.file.name)

    response = admin_client.get(f"/admin/uploads/upload/{upload.pk}/file/")

    assert response.status_code == 404
