"""Uploads on object storage (lebrq.object_storage, docs/SCALING.md, Files): with a bucket, an
upload through the API lands in it, downloads are a redirect (after the access check) to a
presigned URL whose answer carries the range asked for, and a deletion removes the objects.

The bucket is moto's S3 server on loopback (tests/fake_s3.py), read back with a plain boto3
client. Downloads run through Django's WSGI and ASGI request paths (the `fetch` fixture), and
the presigned URL is then fetched from the bucket as a browser following the 302 would.
"""

import hashlib
import os
import threading
from typing import Any

import httpx
import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fake_s3 import bucket_storages
from tests.samples import image_bytes
from uploads.models import Upload

pytestmark = pytest.mark.django_db

IMAGE_URL = "/api/uploads/image"
FILES_URL = "/api/uploads/files"
MIB = 1024 * 1024
# A PDF by its first bytes (the type is sniffed from them), every offset distinguishable after.
CONTENT = b"%PDF-1.4\n" + os.urandom(300_000)


def post(client, url, name: str, content: bytes, content_type: str):
    file = SimpleUploadedFile(name, content, content_type)
    return client.post(url, {"file": [file]}, format="multipart")


def files_in(directory) -> list[str]:
    return [str(p) for p in directory.rglob("*") if p.is_file()] if directory.exists() else []


@pytest.fixture
def stored_pdf(bucket, customer_client) -> Upload:
    response = post(customer_client, FILES_URL, "report.pdf", CONTENT, "application/pdf")
    assert response.status_code == 201, response.content
    return Upload.objects.get()


def test_an_uploaded_image_and_its_preview_land_in_the_bucket(
    bucket, customer_client, settings, upload_temp_dir
):
    response = post(
        customer_client, IMAGE_URL, "holiday.png", image_bytes("PNG", (64, 48)), "image/png"
    )

    assert response.status_code == 201, response.content
    upload = Upload.objects.get()
    assert (upload.file.name or "").startswith("uploads/")
    assert (upload.thumbnail.name or "").startswith("thumbnails/")
    assert bucket.keys() == sorted([f"media/{upload.file.name}", f"media/{upload.thumbnail.name}"])
    stored = bucket.read(f"media/{upload.file.name}")
    assert hashlib.sha256(stored).hexdigest() == upload.sha256
    assert len(stored) == upload.size
    assert bucket.head(f"media/{upload.file.name}")["ContentType"] == "image/png"
    assert bucket.read(f"media/{upload.thumbnail.name}").startswith(b"\xff\xd8\xff")  # a JPEG
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(upload_temp_dir) == []


def test_a_large_file_goes_up_in_parts_typed_by_its_content(
    bucket, customer_client, settings, upload_temp_dir
):
    # Parts of 5 MiB (S3's smallest): a 12 MiB file is sent as three.
    settings.STORAGES = {
        **settings.STORAGES,
        **bucket_storages(bucket.endpoint_url, bucket.name, multipart_chunk_mb=5),
    }
    settings.UPLOAD_MAX_FILE_SIZE_MB = 20
    content = b"%PDF-1.4\n" + os.urandom(12 * MIB)

    # The client calls it HTML; the stored object is typed by what the bytes are.
    response = post(customer_client, FILES_URL, "big.pdf", content, "text/html")

    assert response.status_code == 201, response.content
    upload = Upload.objects.get()
    key = f"media/{upload.file.name}"
    head = bucket.head(key)
    assert head["ETag"].strip('"').endswith("-3")  # a multipart object of three parts
    assert head["ContentLength"] == len(content)
    assert head["ContentType"] == "application/pdf"
    assert hashlib.sha256(bucket.read(key)).hexdigest() == hashlib.sha256(content).hexdigest()
    assert files_in(settings.MEDIA_ROOT) == []
    assert files_in(upload_temp_dir) == []


def test_a_download_redirects_to_the_bucket_which_answers_the_range(
    fetch, bucket, stored_pdf, customer
):
    response = fetch(
        f"/api/uploads/{stored_pdf.pk}", user=customer, headers={"Range": "bytes=1000-1999"}
    )

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    location = response["Location"]
    assert location.startswith(bucket.endpoint_url + "/")
    assert "X-Amz-Signature=" in location
    assert "X-Amz-Expires=600" in location
    # The browser follows the redirect with the same Range header.
    fetched = httpx.get(location, headers={"Range": "bytes=1000-1999"})
    assert fetched.status_code == 206
    assert fetched.content == CONTENT[1000:2000]
    assert fetched.headers["Content-Range"] == f"bytes 1000-1999/{len(CONTENT)}"
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert fetched.headers["Cache-Control"] == "private, max-age=0, must-revalidate"
    whole = httpx.get(location)
    assert whole.status_code == 200
    assert whole.content == CONTENT


def test_head_gets_a_url_signed_for_head(fetch, stored_pdf, customer):
    response = fetch(f"/api/uploads/{stored_pdf.pk}", user=customer, method="head")

    assert response.status_code == 302
    answer = httpx.head(response["Location"])
    assert answer.status_code == 200
    assert answer.headers["Content-Length"] == str(len(CONTENT))


def test_another_customer_gets_no_url(fetch, stored_pdf):
    from tests.factories import UserFactory

    response = fetch(f"/api/uploads/{stored_pdf.pk}", user=UserFactory())

    assert response.status_code == 404
    assert "Location" not in response
    assert b"X-Amz-Signature" not in response.body


def test_the_preview_and_a_public_image_redirect_with_their_cache_policy(
    fetch, bucket, customer_client, customer
):
    post(customer_client, IMAGE_URL, "poster.png", image_bytes("PNG", (64, 48)), "image/png")
    upload = Upload.objects.get()
    assert upload.is_public

    image = fetch(f"/api/uploads/{upload.pk}", user=customer)
    preview = fetch(f"/api/uploads/{upload.pk}/thumbnail", user=customer)

    assert image.status_code == preview.status_code == 302
    served = httpx.get(image["Location"])
    assert served.content == bucket.read(f"media/{upload.file.name}")
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Disposition"] == 'inline; filename="poster.png"'
    assert served.headers["Cache-Control"] == "public, max-age=86400"
    thumbnail = httpx.get(preview["Location"])
    assert thumbnail.content == bucket.read(f"media/{upload.thumbnail.name}")
    assert thumbnail.headers["Content-Type"] == "image/jpeg"


def test_deleting_an_upload_removes_its_objects(
    bucket, customer_client, django_capture_on_commit_callbacks
):
    post(customer_client, IMAGE_URL, "gone.png", image_bytes("PNG", (64, 48)), "image/png")
    upload = Upload.objects.get()
    assert len(bucket.keys()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.delete(f"/api/uploads/{upload.pk}")

    assert response.status_code == 204
    assert bucket.keys() == []
    assert not Upload.objects.exists()


def test_one_bucket_client_serves_every_thread_of_a_process(bucket):
    # Django runs each request's sync code in a new thread: a client per thread would load
    # boto3's S3 model again for every request (lebrq.bucket_storage).
    storage: Any = storages["default"]  # a BucketStorage
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(storage.connection)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(seen) == 3
    assert all(connection is storage.connection for connection in seen)
