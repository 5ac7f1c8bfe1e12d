"""POST /uploads/poster, /uploads/program-images, /uploads/video and the staff gallery's
upload, edit and delete (app/admin/gallery.tsx)."""

import re

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.factories import GalleryImageFactory, UserFactory, VendorFactory
from tests.samples import HTML_BYTES, MP4_BYTES, PDF_BYTES, WEBM_BYTES, image_bytes
from uploads.models import GalleryImage, Upload

pytestmark = pytest.mark.django_db

PNG = ("poster.png", image_bytes("PNG", size=(30, 20)), "image/png")
MP4 = ("clip.mp4", MP4_BYTES, "video/mp4")


def post(client, url, *files, field="file", **data):
    payload = {field: [SimpleUploadedFile(n, c, t) for n, c, t in files], **data}
    return client.post(url, payload, format="multipart")


def test_poster_without_a_login_is_a_public_picture(api_client):
    """app/admin/programs/[id].tsx:109 and the booking screens send no token."""
    response = post(api_client, "/api/uploads/poster", PNG)
    assert response.status_code == 201, response.json()
    body = response.json()
    upload = Upload.objects.get()
    assert body.keys() == {"url", "path", "files"}
    assert body["url"] == f"http://testserver/api/uploads/{upload.pk}"
    assert body["path"] == upload.file.name
    assert [f["id"] for f in body["files"]] == [upload.pk]
    assert (upload.is_public, upload.owner, upload.kind) == (True, None, "image")


def test_poster_with_a_token_belongs_to_the_caller(staff_user):
    assert post(bearer_client(staff_user), "/api/uploads/poster", PNG).status_code == 201
    assert Upload.objects.get().owner == staff_user


@pytest.mark.parametrize(
    ("file", "status"),
    [
        (("x.pdf", PDF_BYTES, "application/pdf"), 415),
        (("x.html", HTML_BYTES, "image/png"), 415),
        (MP4, 415),
        (("empty.png", b"", "image/png"), 400),
    ],
)
def test_poster_refusals_store_nothing(api_client, file, status):
    assert post(api_client, "/api/uploads/poster", file).status_code == status
    assert not Upload.objects.exists()


def test_anonymous_uploads_have_an_hourly_budget(api_client, staff_client, settings):
    settings.ANONYMOUS_UPLOADS_PER_HOUR = 2
    assert post(api_client, "/api/uploads/poster", PNG).status_code == 201
    response = post(api_client, "/api/uploads/program-images", PNG, PNG, field="files")
    assert response.status_code == 429
    assert response.json()["code"] == "anonymous_uploads_exhausted"
    assert int(response["Retry-After"]) > 0
    assert Upload.objects.count() == 1
    # A logged-in caller is not counted against it.
    assert post(staff_client, "/api/uploads/poster", PNG).status_code == 201


def test_program_images_answer_urls_in_files(api_client):
    """app/admin/spaces/[id].tsx:445 maps json.files, using http(s) URLs as they are."""
    response = post(api_client, "/api/uploads/program-images", PNG, PNG, field="files")
    assert response.status_code == 201, response.json()
    body = response.json()
    ids = sorted(Upload.objects.values_list("pk", flat=True))
    assert body.keys() == {"files", "program_id", "uploads"}
    assert body["files"] == [f"http://testserver/api/uploads/{pk}" for pk in ids]
    assert body["program_id"] is None
    response = post(api_client, "/api/uploads/program-images", PNG, field="files", program_id="7")
    assert response.json()["program_id"] == 7


def test_program_images_one_bad_file_stores_none(api_client):
    response = post(
        api_client,
        "/api/uploads/program-images",
        PNG,
        ("x.pdf", PDF_BYTES, "application/pdf"),
        field="files",
    )
    assert response.status_code == 415
    assert not Upload.objects.exists()


def test_video_for_staff_and_vendors(staff_client):
    """app/admin/racks/index.tsx:374 reads data.url || data.path."""
    response = post(staff_client, "/api/uploads/video", MP4)
    assert response.status_code == 201, response.json()
    upload = Upload.objects.get()
    assert response.json()["url"] == f"http://testserver/api/uploads/{upload.pk}"
    assert (upload.kind, upload.content_type, upload.is_public) == ("video", "video/mp4", True)
    vendor = VendorFactory()
    assert post(bearer_client(vendor.user), "/api/uploads/video", MP4).status_code == 201


@pytest.mark.parametrize(
    ("file", "status"), [(PNG, 415), (("x.pdf", PDF_BYTES, "application/pdf"), 415)]
)
def test_video_takes_only_videos(staff_client, file, status):
    assert post(staff_client, "/api/uploads/video", file).status_code == status
    assert not Upload.objects.exists()


def test_video_limit_is_its_own(staff_client, settings, upload_temp_dir):
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    settings.VIDEO_UPLOAD_MAX_FILE_SIZE_MB = 2
    big = ("big.mp4", MP4_BYTES + bytes(1024 * 1024 + 10), "video/mp4")
    assert post(staff_client, "/api/uploads/video", big).status_code == 201
    too_big = ("huge.mp4", MP4_BYTES + bytes(2 * 1024 * 1024), "video/mp4")
    response = post(staff_client, "/api/uploads/video", too_big)
    assert response.status_code == 413
    assert response.json()["message"] == "huge.mp4: the file is larger than 2 MB."
    # A picture on a video-sized route keeps the image limit.
    assert post(staff_client, "/api/uploads/poster", big).status_code in (413, 415)
    assert Upload.objects.count() == 1
    assert not list(upload_temp_dir.iterdir())


@pytest.mark.parametrize(
    "path",
    [
        "/api/uploads/poster",
        "/api/uploads/video/",
        "/api/uploads/program-images",
        "/api/gallery/upload",
        "/api/items/12/media/upload",
    ],
)
def test_the_upload_routes_get_the_upload_body_limit(path):
    assert re.match(django_settings.UPLOAD_PATH_REGEX, path)


@pytest.mark.parametrize("path", ["/api/items/x/media/upload", "/api/gallery/1", "/api/bookings"])
def test_other_routes_keep_the_small_body_limit(path):
    assert not re.match(django_settings.UPLOAD_PATH_REGEX, path)


# --- the staff gallery ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "media_type"),
    [(PNG, "image"), (("clip.webm", WEBM_BYTES, "video/webm"), "video")],
)
def test_gallery_upload(staff_client, file, media_type):
    response = post(staff_client, "/api/gallery/upload", file)
    assert response.status_code == 201, response.json()
    entry = GalleryImage.objects.get()
    body = response.json()
    assert body == {
        "message": f"{media_type.capitalize()} uploaded successfully",
        "id": entry.pk,
        "title": "",
        "description": "",
        "media_type": media_type,
        "filename": file[0],
        "content_type": entry.upload.content_type,
        "width": entry.upload.width,
        "height": entry.upload.height,
        "url": f"http://testserver/api/uploads/{entry.upload_id}",
        "thumbnail_url": body["thumbnail_url"],
        "created_at": body["created_at"],
    }
    assert entry.upload.is_public
    # The public list shows it at once.
    assert APIClient().get("/api/gallery/public").json()[0]["id"] == entry.pk


@pytest.mark.parametrize(
    "file",
    [("x.pdf", PDF_BYTES, "application/pdf"), ("x.svg", HTML_BYTES, "image/svg+xml")],
)
def test_gallery_upload_refusals_store_nothing(staff_client, file):
    assert post(staff_client, "/api/gallery/upload", file).status_code == 415
    assert not Upload.objects.exists()
    assert not GalleryImage.objects.exists()


def test_gallery_edit_keeps_what_is_not_sent(staff_client):
    entry = GalleryImageFactory(title="Old", description="Kept")
    response = staff_client.patch(f"/api/gallery/{entry.pk}", {"title": "New"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert (body["image"]["title"], body["image"]["description"]) == ("New", "Kept")
    response = staff_client.patch(
        f"/api/gallery/{entry.pk}", {"title": None, "description": ""}, format="json"
    )
    entry.refresh_from_db()
    assert (entry.title, entry.description) == ("New", "")
    too_long = staff_client.patch(f"/api/gallery/{entry.pk}", {"title": "x" * 300}, format="json")
    assert too_long.status_code == 400
    entry.refresh_from_db()
    assert entry.title == "New"


def test_gallery_delete_removes_the_file(staff_client, django_capture_on_commit_callbacks):
    entry = GalleryImageFactory()
    path = entry.upload.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.delete(f"/api/gallery/{entry.pk}")
    assert response.json() == {
        "success": True,
        "message": "Image deleted successfully",
        "id": entry.pk,
    }
    assert not GalleryImage.objects.exists()
    assert not Upload.objects.exists()
    import os

    assert not os.path.exists(path)
    assert staff_client.delete(f"/api/gallery/{entry.pk}").status_code == 404


def test_gallery_reads_ignore_a_stale_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert client.get("/api/gallery/public").status_code == 200


# --- who may call what ---------------------------------------------------------------------

PERSONAS = ("anonymous", "customer", "vendor", "staff")

MATRIX = [
    ("post", "/api/uploads/poster", (201, 201, 201, 201)),
    ("post", "/api/uploads/program-images", (201, 201, 201, 201)),
    ("post", "/api/uploads/video", (401, 403, 201, 201)),
    ("post", "/api/gallery/upload", (401, 403, 403, 201)),
    ("patch", "/api/gallery/{entry}", (401, 403, 403, 200)),
    ("delete", "/api/gallery/{entry}", (401, 403, 403, 200)),
]


@pytest.mark.parametrize(
    ("method", "path", "persona", "expected"),
    [
        pytest.param(m, p, persona, codes[i], id=f"{m} {p} as {persona}")
        for m, p, codes in MATRIX
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_authorization(method, path, persona, expected):
    entry = GalleryImageFactory()
    users = {
        "anonymous": None,
        "customer": UserFactory(),
        "vendor": VendorFactory().user,
        "staff": UserFactory(staff=True),
    }
    user = users[persona]
    client = bearer_client(user) if user else APIClient()
    url = path.format(entry=entry.pk)
    if path == "/api/uploads/video":
        response = post(client, url, MP4)
    elif path == "/api/uploads/program-images":
        response = post(client, url, PNG, field="files")
    elif method == "post":
        response = post(client, url, PNG)
    else:
        response = getattr(client, method)(url, {"title": "x"}, format="json")
    assert response.status_code == expected, response.content
