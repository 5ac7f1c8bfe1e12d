"""Image work bounded by memory, a storage quota per customer, and customers deleting their
own uploads."""

import base64
import threading
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from lebrq.errors import Unavailable
from tests.factories import UploadFactory
from tests.samples import image_bytes
from uploads import images
from uploads.decoding import (
    IMAGE_BYTES_PER_PIXEL,
    DecodeBudget,
    MiB,
    decode_budget,
    decoding,
    pixel_limit_for_budget,
)
from uploads.models import Upload

pytestmark = pytest.mark.django_db


def png_file(size=(40, 30)) -> SimpleUploadedFile:
    return SimpleUploadedFile("a.png", image_bytes("PNG", size=size), "image/png")


# --- The decode budget ---------------------------------------------------------------------


def test_the_budget_never_lends_more_than_it_has():
    budget = DecodeBudget(100)
    held = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with budget.reserve(60, timeout=1):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait(5)
    started = time.monotonic()
    with pytest.raises(Unavailable) as refused, budget.reserve(60, timeout=0.2):
        pass
    waited = time.monotonic() - started
    with budget.reserve(40, timeout=0.2):
        assert budget.in_use == 100
    release.set()
    thread.join()

    assert refused.value.code == "image_decoding_busy"
    assert 0.15 < waited < 2
    with budget.reserve(100, timeout=0.2):
        assert budget.in_use == 100
    assert budget.in_use == 0


def test_a_waiting_decode_goes_ahead_when_room_is_freed():
    budget = DecodeBudget(100)
    order: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with budget.reserve(80, timeout=1):
            first_in.set()
            time.sleep(0.2)
            order.append("first done")

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(5)
    with budget.reserve(80, timeout=5):
        order.append("second in")
    thread.join()

    assert order == ["first done", "second in"]


def test_the_pixel_limit_follows_from_the_budget():
    assert pixel_limit_for_budget(240) == 240 * MiB // IMAGE_BYTES_PER_PIXEL
    assert pixel_limit_for_budget(240) > 40_000_000 > pixel_limit_for_budget(200)


def test_an_upload_that_finds_the_budget_full_gets_503_and_nothing_is_stored(
    customer_client, settings
):
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.1
    budget = decode_budget()

    with budget.reserve(budget.capacity, timeout=1):
        response = customer_client.post(
            "/api/uploads/image", {"file": png_file()}, format="multipart"
        )

    assert response.status_code == 503
    assert response.json()["code"] == "image_decoding_busy"
    assert int(response["Retry-After"]) > 0
    assert not Upload.objects.exists()


def test_each_decode_reserves_its_pixels(customer_client, monkeypatch):
    reserved: list[int] = []
    real = decoding

    def recording(pixels: int):
        reserved.append(pixels)
        return real(pixels)

    monkeypatch.setattr(images, "decoding", recording)

    customer_client.post("/api/uploads/image", {"file": png_file((40, 30))}, format="multipart")

    assert reserved == [40 * 30]


def test_a_profile_photo_is_decoded_at_reduced_scale_and_stored_small(
    customer_client, customer, monkeypatch
):
    reserved: list[int] = []

    def recording(pixels: int):
        reserved.append(pixels)
        return decoding(pixels)

    monkeypatch.setattr(images, "decoding", recording)
    photo = image_bytes("JPEG", size=(4000, 3000))

    response = customer_client.put(
        "/api/auth/profile/image",
        {"profile_image": "data:image/jpeg;base64," + base64.b64encode(photo).decode()},
        format="json",
    )

    assert response.status_code == 200, response.content
    # libjpeg's draft mode decoded at 1/2 scale: a quarter of the pixels ever existed.
    assert reserved == [2000 * 1500]
    stored = Upload.objects.get(owner=customer)
    assert (stored.width, stored.height) == (1024, 768)


# --- Storage quota -------------------------------------------------------------------------


def test_a_customer_past_the_storage_quota_gets_413(
    customer_client, customer, other_client, staff_client, settings
):
    settings.UPLOAD_QUOTA_PER_USER_MB = 1
    UploadFactory(owner=customer, content=b"%PDF-1.4\n" + b"x" * (1024 * 1024 - 100))

    refused = customer_client.post("/api/uploads/image", {"file": png_file()}, format="multipart")

    assert refused.status_code == 413
    assert refused.json()["code"] == "storage_quota_exceeded"
    assert Upload.objects.filter(owner=customer).count() == 1
    assert (
        other_client.post(
            "/api/uploads/image", {"file": png_file()}, format="multipart"
        ).status_code
        == 201
    )


# --- Deleting one's own uploads -------------------------------------------------------------


def test_a_customer_deletes_their_own_upload_and_its_files(
    customer_client, customer, django_capture_on_commit_callbacks
):
    upload = UploadFactory(owner=customer)
    name = str(upload.file.name)

    # The files go once the row's deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.delete(f"/api/uploads/{upload.pk}")

    assert response.status_code == 204
    assert not Upload.objects.filter(pk=upload.pk).exists()
    assert not default_storage.exists(name)


@pytest.mark.parametrize(
    ("client_name", "status"),
    [("api_client", 401), ("other_client", 404), ("staff_client", 204)],
    ids=["anonymous", "another-customer", "staff"],
)
def test_who_may_delete_an_upload(request, customer, client_name, status):
    upload = UploadFactory(owner=customer)

    response = request.getfixturevalue(client_name).delete(f"/api/uploads/{upload.pk}")

    assert response.status_code == status
    assert Upload.objects.filter(pk=upload.pk).exists() is (status != 204)


def test_deleting_frees_the_quota(customer_client, customer, settings):
    settings.UPLOAD_QUOTA_PER_USER_MB = 1
    big = UploadFactory(owner=customer, content=b"%PDF-1.4\n" + b"x" * (1024 * 1024 - 100))
    assert (
        customer_client.post(
            "/api/uploads/image", {"file": png_file()}, format="multipart"
        ).status_code
        == 413
    )

    customer_client.delete(f"/api/uploads/{big.pk}")

    assert (
        customer_client.post(
            "/api/uploads/image", {"file": png_file()}, format="multipart"
        ).status_code
        == 201
    )
