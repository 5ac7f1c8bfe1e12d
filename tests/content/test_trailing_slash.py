"""Every content path answers with and without a trailing slash, as the legacy's did."""

import pytest

from content.models import ContentPage, PageContent

pytestmark = pytest.mark.django_db


@pytest.fixture
def about(db):
    ContentPage.objects.create(page_name="about", title="About", content="<p>About</p>")
    PageContent.objects.create(slug="about", title="About", body_html="<p>About</p>")


@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("get", "/api/content-pages/about", None, 200),
        ("get", "/api/content/about", None, 200),
        ("get", "/api/admin/content-pages/about", None, 200),
        ("put", "/api/admin/content-pages/about", {"title": "About us"}, 200),
        ("put", "/api/admin/content/about", {"body_html": "<p>Hi</p>"}, 200),
        (
            "post",
            "/api/admin/content-pages",
            {"page_name": "faq", "title": "FAQ", "content": "<p>FAQ</p>"},
            201,
        ),
    ],
)
@pytest.mark.parametrize("slash", ["", "/"], ids=["without-slash", "with-slash"])
def test_both_forms_of_every_path(staff_client, about, method, path, body, expected, slash):
    response = getattr(staff_client, method)(path + slash, body)

    assert response.status_code == expected, response.content[:300]
    assert response["Content-Type"] == "application/json"
