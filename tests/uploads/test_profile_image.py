"""PUT /auth/profile/image as the profile screens call it: the picked picture as a base64
data URI (app/admin/profile.tsx, app/vendor/profile.tsx, app/(tabs)/login.tsx)."""

import base64
import io

import pytest
from PIL import Image

from tests.conftest import bearer_client
from tests.samples import SVG_BYTES, image_bytes
from uploads.models import Upload

pytestmark = pytest.mark.django_db

URL = "/api/auth/profile/image"


def data_uri(content: bytes, content_type: str = "image/jpeg") -> str:
    return f"data:{content_type};base64,{base64.b64encode(content).decode()}"


def test_a_picked_picture_becomes_a_public_image_upload(customer, api_client):
    client = bearer_client(customer)

    response = client.put(URL, {"profile_image": data_uri(image_bytes("JPEG"))}, format="json")

    assert response.status_code == 200
    upload = Upload.objects.get()
    assert response.json() == {
        "message": "Profile image updated successfully",
        "profile_image": f"/api/uploads/{upload.pk}",
    }
    customer.refresh_from_db()
    assert customer.profile_image == f"/api/uploads/{upload.pk}"
    assert (upload.owner, upload.is_public, upload.content_type) == (customer, True, "image/jpeg")
    picture = api_client.get(customer.profile_image)  # shown to others without a login
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content).startswith(b"\xff\xd8")
    assert client.get("/api/auth/me").json()["profile_image"] == customer.profile_image


def test_a_phone_sized_picture_fits(customer):
    """A square crop at quality 0.5 from a phone camera is a few megabytes of base64."""
    noise = Image.effect_noise((2000, 2000), 120).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG", quality=70)
    assert len(data_uri(buffer.getvalue())) > 2 * 1024 * 1024

    response = bearer_client(customer).put(
        URL, {"profile_image": data_uri(buffer.getvalue())}, format="json"
    )

    assert response.status_code == 200
    # Stored shrunk to PROFILE_IMAGE_MAX_SIDE (tests/uploads/test_abuse_limits.py).
    assert Upload.objects.get().width == 1024


def test_a_url_is_kept_as_it_is(customer):
    response = bearer_client(customer).put(
        URL, {"profile_image": "https://cdn.example.com/me.jpg"}, format="json"
    )

    assert response.json()["profile_image"] == "https://cdn.example.com/me.jpg"
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("value", "status", "code"),
    [
        ("data:image/jpeg;base64,@@not-base64@@", 400, "invalid_base64"),
        (data_uri(SVG_BYTES, "image/svg+xml"), 415, "markup_refused"),
        (data_uri(b"GIF89a-truncated", "image/gif"), 400, "corrupt_image"),
        ("javascript:alert(1)", 400, "invalid_profile_image"),
    ],
    ids=["bad base64", "svg", "corrupt", "not a picture"],
)
def test_a_bad_picture_changes_nothing(customer, value, status, code):
    response = bearer_client(customer).put(URL, {"profile_image": value}, format="json")

    assert response.status_code == status
    body = response.json()
    assert (body["code"], body["message"]) == (code, body["detail"])
    customer.refresh_from_db()
    assert customer.profile_image == ""
    assert not Upload.objects.exists()


def test_only_a_logged_in_user_sets_a_picture(api_client):
    response = api_client.put(URL, {"profile_image": "https://x.example/a.png"}, format="json")

    assert response.status_code == 401


def test_a_picture_over_the_json_limit_is_a_413(customer, settings):
    settings.PICTURE_JSON_MAX_MB = 1
    huge = data_uri(b"\xff\xd8" + bytes(900 * 1024))

    response = bearer_client(customer).put(URL, {"profile_image": huge}, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert not Upload.objects.exists()
