from collections.abc import Callable
from dataclasses import dataclass

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpResponseBase
from django.test import AsyncClient, Client
from rest_framework_simplejwt.tokens import AccessToken


@dataclass
class Fetched:
    status_code: int
    headers: HttpResponseBase
    body: bytes
    # None for a response that is not streamed.
    is_async: bool | None

    def __getitem__(self, header: str) -> str:
        return self.headers[header]

    def __contains__(self, header: str) -> bool:
        return header in self.headers


Fetch = Callable[..., Fetched]


@pytest.fixture(autouse=True)
def upload_temp_dir(settings, tmp_path_factory):
    """Spooled uploads and re-encoded images go here (beside, not in, the test's tmp_path,
    which some tests check is empty), so tests can see nothing is left."""
    temp_dir = tmp_path_factory.mktemp("upload-tmp")
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    return temp_dir


def _auth_headers(user, headers: dict[str, str] | None) -> dict[str, str]:
    headers = dict(headers or {})
    if user is not None:
        headers["Authorization"] = f"Bearer {AccessToken.for_user(user)}"
    return headers


def _fetch_wsgi(url: str, *, user=None, method: str = "get", headers=None) -> Fetched:
    response = getattr(Client(), method)(url, headers=_auth_headers(user, headers))
    if response.streaming:
        body = b"".join(response.streaming_content)
        return Fetched(response.status_code, response, body, response.is_async)
    return Fetched(response.status_code, response, response.content, None)


def _fetch_asgi(url: str, *, user=None, method: str = "get", headers=None) -> Fetched:
    async def fetch() -> Fetched:
        response = await getattr(AsyncClient(), method)(url, headers=_auth_headers(user, headers))
        if response.streaming:
            body = b"".join([chunk async for chunk in response.streaming_content])
            return Fetched(response.status_code, response, body, response.is_async)
        return Fetched(response.status_code, response, response.content, None)

    return async_to_sync(fetch)()


@pytest.fixture(params=["wsgi", "asgi"])
def server_mode(request) -> str:
    return request.param


@pytest.fixture
def fetch(server_mode) -> Fetch:
    """Fetch a URL through Django's WSGI or ASGI request path (both are run) and read the body.

    Under ASGI, a streamed body must be an async iterator; pyproject's filterwarnings turns
    Django's "must consume synchronous iterators" (a whole-body buffer) into an error.
    """
    return _fetch_wsgi if server_mode == "wsgi" else _fetch_asgi
