"""Who may call what: every content endpoint for each kind of caller.

Public pages are read by anyone (no login, a stale token ignored); every write and the staff
editor's read are staff only: 401 without a login, 403 for a customer, and nothing changes.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from content.models import ContentPage, PageContent
from tests.conftest import bearer_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "customer", "staff")

# (method, path, body, expected status for anonymous / customer / staff)
MATRIX: list[tuple[str, str, dict[str, Any] | None, tuple[int, int, int]]] = [
    ("get", "/api/content-pages/about", None, (200, 200, 200)),
    ("get", "/api/content-pages/faq", None, (200, 200, 200)),
    ("get", "/api/content-pages/privacy-policy", None, (200, 200, 200)),
    ("get", "/api/content-pages/refund-policy", None, (200, 200, 200)),
    ("get", "/api/content-pages/terms-of-service", None, (200, 200, 200)),
    ("get", "/api/content/about", None, (200, 200, 200)),
    ("get", "/api/admin/content-pages/about", None, (401, 403, 200)),
    (
        "post",
        "/api/admin/content-pages",
        {"page_name": "new-page", "title": "New", "content": "<p>New</p>"},
        (401, 403, 201),
    ),
    ("put", "/api/admin/content-pages/about", {"title": "Changed"}, (401, 403, 200)),
    ("put", "/api/admin/content/about", {"title": "Changed", "body_html": "<p>"}, (401, 403, 200)),
]

CASES = [
    pytest.param(method, path, body, persona, expected[i], id=f"{method} {path} as {persona}")
    for method, path, body, expected in MATRIX
    for i, persona in enumerate(PERSONAS)
]


@pytest.fixture
def pages():
    for name in ("about", "faq", "privacy-policy", "refund-policy", "terms-of-service"):
        ContentPage.objects.create(page_name=name, title=name.title(), content=f"<p>{name}</p>")
    PageContent.objects.create(slug="about", title="About", body_html="<p>About</p>")


def _client(persona: str) -> APIClient:
    if persona == "anonymous":
        return APIClient()
    return bearer_client(UserFactory(staff=persona == "staff"))


def _snapshot() -> tuple[list[Any], list[Any]]:
    return list(ContentPage.objects.values()), list(PageContent.objects.values())


@pytest.mark.parametrize(("method", "path", "body", "persona", "expected"), CASES)
def test_authorization_matrix(pages, method, path, body, persona, expected):
    before = _snapshot()

    response = getattr(_client(persona), method)(path, body)

    assert response.status_code == expected, response.content[:300]
    if expected in (401, 403):
        assert {"detail", "message", "code"} <= set(response.json())
        assert _snapshot() == before, "a refused call changed something"


def test_every_content_route_is_in_the_matrix():
    from django.urls import resolve

    from content.api.urls import urlpatterns

    in_matrix = {(method, resolve(path).url_name) for method, path, _, _ in MATRIX}
    for pattern in urlpatterns:
        view = pattern.callback.view_class  # type: ignore[attr-defined]
        for method in ("get", "post", "put", "patch", "delete"):
            if hasattr(view, method):
                assert (method, pattern.name) in in_matrix, f"{method} {pattern.pattern}"
