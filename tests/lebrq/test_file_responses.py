"""lebrq.file_responses.file_response on its own: chunking and closing the file."""

import os
from collections.abc import AsyncGenerator

import pytest
from asgiref.sync import async_to_sync
from django.http import StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.test import AsyncRequestFactory, RequestFactory

from lebrq.file_responses import CHUNK_SIZE, file_response

SIZE = 3 * CHUNK_SIZE + 100

# response.close() sends request_finished, whose receiver checks the database connection.
pytestmark = pytest.mark.django_db


@pytest.fixture
def big_file(tmp_path):
    path = tmp_path / "big.bin"
    path.write_bytes(os.urandom(SIZE))
    return path


def streaming(response: HttpResponseBase) -> StreamingHttpResponse:
    assert isinstance(response, StreamingHttpResponse), response
    return response


def open_descriptors_to(path) -> int:
    fds = os.listdir("/proc/self/fd")
    return sum(1 for fd in fds if _target(fd) == str(path))


def _target(fd: str) -> str | None:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


def test_under_asgi_the_body_is_async_and_read_in_bounded_chunks(big_file):
    request = AsyncRequestFactory().get("/file", headers={"Range": "bytes=10-"})
    response = streaming(
        file_response(request, path=big_file, content_type="application/octet-stream")
    )

    async def chunk_sizes() -> list[int]:
        return [len(chunk) async for chunk in response]

    sizes = async_to_sync(chunk_sizes)()
    response.close()

    assert response.is_async
    assert sizes == [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 90]
    assert open_descriptors_to(big_file) == 0


def test_under_wsgi_the_body_is_a_sync_iterator_in_bounded_chunks(big_file):
    request = RequestFactory().get("/file", headers={"Range": "bytes=0-99999"})
    response = streaming(
        file_response(request, path=big_file, content_type="application/octet-stream")
    )

    sizes = [len(chunk) for chunk in response]
    response.close()

    assert not response.is_async
    assert sizes == [CHUNK_SIZE, 100000 - CHUNK_SIZE]


def test_the_file_is_closed_when_the_client_goes_away_mid_body(big_file):
    request = AsyncRequestFactory().get("/file")
    response = streaming(
        file_response(request, path=big_file, content_type="application/octet-stream")
    )

    async def read_one_chunk_then_disconnect() -> None:
        body = aiter(response)
        assert isinstance(body, AsyncGenerator)  # Django's __aiter__ is one
        await anext(body)
        await body.aclose()

    async_to_sync(read_one_chunk_then_disconnect)()
    # What Django's handlers do once a response is over, finished or not.
    response.close()

    assert open_descriptors_to(big_file) == 0


def test_the_file_is_closed_when_the_body_is_never_read(big_file):
    response = file_response(
        AsyncRequestFactory().get("/file"), path=big_file, content_type="text/plain"
    )
    assert open_descriptors_to(big_file) == 1

    response.close()

    assert open_descriptors_to(big_file) == 0


@pytest.mark.parametrize("status_header", [("If-None-Match", "*"), ("Range", "bytes=999999999-")])
def test_bodyless_answers_close_the_file_at_once(big_file, status_header):
    name, value = status_header
    response = file_response(
        RequestFactory().get("/file", headers={name: value}),
        path=big_file,
        content_type="text/plain",
    )

    assert response.status_code in (304, 416)
    assert open_descriptors_to(big_file) == 0
