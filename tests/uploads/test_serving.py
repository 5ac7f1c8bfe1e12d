"""GET/HEAD /api/uploads/<id>: every status of the ranged, conditional file response.

Each test runs twice, through Django's WSGI and ASGI request paths (the `fetch` fixture).
"""

import json

import pytest
from django.utils.http import http_date

from tests.factories import UploadFactory, UserFactory

CONTENT = bytes(range(256)) * 40  # 10,240 bytes, every offset distinguishable
SIZE = len(CONTENT)

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(customer):
    return UploadFactory(owner=customer, content=CONTENT)


def url(upload) -> str:
    return f"/api/uploads/{upload.pk}"


def test_it_streams_the_whole_file_with_validators_and_safety_headers(
    fetch, server_mode, upload, customer
):
    response = fetch(url(upload), user=customer)

    assert response.status_code == 200
    assert response.body == CONTENT
    assert response.is_async is (server_mode == "asgi")
    assert response["Content-Length"] == str(SIZE)
    assert response["Content-Type"] == "application/pdf"
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="document.pdf"'
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert response["ETag"].startswith('"')
    assert response["ETag"].endswith('"')
    assert response["Last-Modified"].endswith(" GMT")
    assert "Content-Range" not in response


@pytest.mark.parametrize(
    ("range_header", "start", "end"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=10000-", 10000, SIZE - 1),
        ("bytes=-300", SIZE - 300, SIZE - 1),
        ("bytes=10200-99999", 10200, SIZE - 1),
        ("bytes=-99999", 0, SIZE - 1),
        ("bytes=0-0", 0, 0),
        ("BYTES=5-9", 5, 9),
    ],
    ids=[
        "closed",
        "open-ended",
        "suffix",
        "end-clamped",
        "suffix-longer-than-file",
        "one-byte",
        "unit-in-capitals",
    ],
)
def test_it_answers_a_single_range_with_206(fetch, upload, customer, range_header, start, end):
    response = fetch(url(upload), user=customer, headers={"Range": range_header})

    assert response.status_code == 206
    assert response.body == CONTENT[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{SIZE}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.parametrize("range_header", [f"bytes={SIZE}-", "bytes=99999-100000", "bytes=-0"])
def test_it_answers_an_unsatisfiable_range_with_416(fetch, upload, customer, range_header):
    response = fetch(url(upload), user=customer, headers={"Range": range_header})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response.body == b""


def test_it_answers_several_ranges_with_the_whole_file(fetch, upload, customer):
    response = fetch(url(upload), user=customer, headers={"Range": "bytes=0-1,5-6"})

    assert response.status_code == 200
    assert response.body == CONTENT
    assert "Content-Range" not in response


@pytest.mark.parametrize(
    "range_header",
    [
        "bytes=abc",
        "bytes=5-2",
        "bytes=",
        "bytes 0-10",
        "bytes=--1",
        "bytes=1-2-3",
        "bytes=-",
        "=0-1",
    ],
)
def test_it_ignores_a_malformed_range(fetch, upload, customer, range_header):
    response = fetch(url(upload), user=customer, headers={"Range": range_header})

    assert response.status_code == 200
    assert response.body == CONTENT


def test_it_ignores_a_range_in_another_unit(fetch, upload, customer):
    response = fetch(url(upload), user=customer, headers={"Range": "items=0-5"})

    assert response.status_code == 200
    assert response.body == CONTENT


def _validators(fetch, upload, user) -> tuple[str, str]:
    response = fetch(url(upload), user=user, method="head")
    return response["ETag"], response["Last-Modified"]


def test_it_honours_range_when_if_range_matches_the_etag_or_the_date(fetch, upload, customer):
    etag, last_modified = _validators(fetch, upload, customer)

    for validator in (etag, last_modified):
        response = fetch(
            url(upload), user=customer, headers={"Range": "bytes=0-9", "If-Range": validator}
        )
        assert response.status_code == 206, validator
        assert response.body == CONTENT[:10]


@pytest.mark.parametrize("stale", ['"stale"', "weak", "old-date"])
def test_it_sends_the_whole_file_when_if_range_does_not_match(fetch, upload, customer, stale):
    etag, _ = _validators(fetch, upload, customer)
    if_range = {"weak": f"W/{etag}", "old-date": http_date(0)}.get(stale, stale)

    response = fetch(
        url(upload), user=customer, headers={"Range": "bytes=0-9", "If-Range": if_range}
    )

    assert response.status_code == 200
    assert response.body == CONTENT


@pytest.mark.parametrize("form", ["exact", "star", "list", "weak"])
def test_it_answers_304_when_if_none_match_matches(fetch, upload, customer, form):
    etag, _ = _validators(fetch, upload, customer)
    if_none_match = {"exact": etag, "star": "*", "list": f'"other", {etag}', "weak": f"W/{etag}"}

    response = fetch(url(upload), user=customer, headers={"If-None-Match": if_none_match[form]})

    assert response.status_code == 304
    assert response.body == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"


def test_it_answers_304_when_not_modified_since(fetch, upload, customer):
    _, last_modified = _validators(fetch, upload, customer)

    response = fetch(url(upload), user=customer, headers={"If-Modified-Since": last_modified})

    assert response.status_code == 304
    assert response.body == b""


def test_it_ignores_if_modified_since_when_if_none_match_is_sent(fetch, upload, customer):
    _, last_modified = _validators(fetch, upload, customer)

    response = fetch(
        url(upload),
        user=customer,
        headers={"If-None-Match": '"other"', "If-Modified-Since": last_modified},
    )

    assert response.status_code == 200
    assert response.body == CONTENT


def test_it_answers_412_when_if_match_fails(fetch, upload, customer):
    response = fetch(url(upload), user=customer, headers={"If-Match": '"other"'})

    assert response.status_code == 412


def test_head_sends_the_get_headers_without_a_body(fetch, upload, customer):
    get = fetch(url(upload), user=customer)
    head = fetch(url(upload), user=customer, method="head")

    assert head.status_code == 200
    assert head.body == b""
    for header in (
        "Content-Length",
        "Content-Type",
        "Content-Disposition",
        "ETag",
        "Last-Modified",
        "Accept-Ranges",
        "X-Content-Type-Options",
        "Cache-Control",
    ):
        assert head[header] == get[header], header


def test_head_ignores_range_as_range_is_defined_for_get_only(fetch, upload, customer):
    response = fetch(url(upload), user=customer, method="head", headers={"Range": "bytes=0-9"})

    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)


def test_a_zero_byte_file_is_served_empty(fetch, customer):
    empty = UploadFactory(owner=customer, content=b"")

    response = fetch(url(empty), user=customer)

    assert response.status_code == 200
    assert response.body == b""
    assert response["Content-Length"] == "0"


def test_a_byte_range_of_a_zero_byte_file_is_unsatisfiable(fetch, customer):
    empty = UploadFactory(owner=customer, content=b"")

    response = fetch(url(empty), user=customer, headers={"Range": "bytes=0-"})

    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */0"


def test_a_suffix_range_of_a_zero_byte_file_gets_the_empty_file(fetch, customer):
    """RFC 9110 §14.1.1 calls it satisfiable, but no Content-Range can describe it."""
    empty = UploadFactory(owner=customer, content=b"")

    response = fetch(url(empty), user=customer, headers={"Range": "bytes=-5"})

    assert response.status_code == 200
    assert response.body == b""


def test_images_are_served_inline(fetch, customer):
    image = UploadFactory(owner=customer, image=True)

    response = fetch(url(image), user=customer)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="photo.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_non_ascii_name_is_sent_as_an_rfc_6266_filename(fetch, customer):
    upload = UploadFactory(owner=customer, original_name="reçu 2026.pdf")

    response = fetch(url(upload), user=customer)

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''re%C3%A7u%202026.pdf"


def test_a_file_without_a_name_is_named_after_its_id(fetch, customer):
    upload = UploadFactory(owner=customer, original_name="")

    response = fetch(url(upload), user=customer)

    assert response["Content-Disposition"] == f'attachment; filename="upload-{upload.pk}.pdf"'


def test_an_accept_header_for_the_file_type_does_not_get_406(fetch, upload, customer):
    response = fetch(url(upload), user=customer, headers={"Accept": "application/pdf"})

    assert response.status_code == 200


def test_x_accel_mode_hands_the_bytes_to_nginx(fetch, upload, customer, settings):
    settings.FILE_SERVE_MODE = "x-accel"
    settings.X_ACCEL_PREFIX = "/protected-media/"

    response = fetch(url(upload), user=customer, headers={"Range": "bytes=0-9"})

    assert response.status_code == 200
    assert response.body == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{upload.file.name}"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="document.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, max-age=0, must-revalidate"
    assert "Content-Range" not in response


def test_the_owner_and_staff_can_fetch_a_private_file(fetch, upload, customer, staff_user):
    assert fetch(url(upload), user=customer).status_code == 200
    assert fetch(url(upload), user=staff_user).status_code == 200


def test_another_user_and_anonymous_callers_get_404_for_a_private_file(fetch, upload):
    for user in (UserFactory(), None):
        response = fetch(url(upload), user=user)
        assert response.status_code == 404
        assert response.body.startswith(b'{"detail":')


def test_an_unknown_id_is_404(fetch, customer):
    response = fetch("/api/uploads/999999", user=customer)

    assert response.status_code == 404


def test_anyone_can_fetch_a_public_file_and_caches_may_keep_it(fetch):
    public = UploadFactory(image=True, is_public=True)

    response = fetch(url(public))

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=86400"


def test_a_row_whose_file_is_missing_is_404(fetch, upload, customer):
    upload.file.storage.delete(upload.file.name)

    response = fetch(url(upload), user=customer)

    assert response.status_code == 404
    assert json.loads(response.body)["detail"] == "No such file."


@pytest.mark.django_db(transaction=True)
def test_a_streamed_file_does_not_hold_a_database_connection_while_it_streams(customer):
    from django.db import connection

    from tests.conftest import bearer_client
    from tests.factories import UploadFactory

    upload = UploadFactory(owner=customer, content=b"%PDF-1.4 streamed")
    response = bearer_client(customer).get(f"/api/uploads/{upload.pk}")

    assert response.streaming
    assert connection.connection is None  # closed before the first byte was sent
    # Iterating a streaming response reads its streaming_content (which DRF's stubs, typing
    # every test-client response as a DRF Response, do not know).
    assert b"".join(response) == b"%PDF-1.4 streamed"


HUGE = "9" * 5000  # past Python's 4,300-digit int() limit: once a 500


@pytest.mark.parametrize(
    ("range_header", "status", "body"),
    [
        (f"bytes={HUGE}-", 416, b""),
        (f"bytes=100-{HUGE}", 206, CONTENT[100:]),
        (f"bytes=-{HUGE}", 206, CONTENT),
    ],
    ids=["huge-start", "huge-end", "huge-suffix"],
)
def test_a_range_number_of_thousands_of_digits_is_past_the_end_not_a_500(
    fetch, upload, customer, range_header, status, body
):
    response = fetch(url(upload), user=customer, headers={"Range": range_header})

    assert response.status_code == status
    assert response.body == body
