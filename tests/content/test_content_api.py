"""The content endpoints, each read the way its frontend call site reads it (whole bodies).

Call sites (lebrqksd-bot/lebrqapp): app/about.tsx, app/faq.tsx, app/privacy-policy.tsx,
app/terms-of-service.tsx, app/refund-policy.tsx (GET /content-pages/{page}),
app/admin/content-pages/[page].tsx (GET/PUT /admin/content-pages/{page}, POST
/admin/content-pages), app/admin/content.tsx (GET /content/{slug}, PUT /admin/content/{slug}).
"""

import pytest

from content.models import BODY_MAX_CHARS, ContentPage, PageContent
from tests.content.conftest import naive_utc

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"detail", "message", "code"}


# --- Public pages: GET /content-pages/{page_name} --------------------------------------------


@pytest.mark.parametrize(
    "page_name", ["about", "faq", "privacy-policy", "refund-policy", "terms-of-service"]
)
def test_a_published_page_is_what_the_public_screens_read(api_client, page_name):
    page = ContentPage.objects.create(
        page_name=page_name,
        title="Privacy &amp; you",
        content="<p>We keep &lt;little&gt;.</p>",
        meta_description="",
    )
    # about.tsx adds ?v=<timestamp> and asks for a fresh copy.
    response = api_client.get(
        f"/api/content-pages/{page_name}?v=1733300000000", HTTP_CACHE_CONTROL="no-cache"
    )

    assert response.status_code == 200
    assert response.json() == {
        "page_name": page_name,
        "title": "Privacy &amp; you",
        "content": "<p>We keep &lt;little&gt;.</p>",
        "meta_description": "",
        "updated_at": naive_utc(page.updated_at),
    }


def test_public_pages_are_cached_briefly_and_revalidated(api_client, about_page, settings):
    settings.CONTENT_PAGE_CACHE_SECONDS = 45
    first = api_client.get("/api/content-pages/about")

    assert first["Cache-Control"] == "public, max-age=45"
    etag = first["ETag"]
    assert etag
    again = api_client.get("/api/content-pages/about", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""

    about_page.content = "<p>New</p>"
    about_page.save()
    changed = api_client.get("/api/content-pages/about", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["content"] == "<p>New</p>"
    assert changed["ETag"] != etag


def test_a_page_never_written_is_404_so_the_screen_shows_its_own_text(api_client):
    response = api_client.get("/api/content-pages/privacy-policy")

    assert response.status_code == 404
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["detail"] == "Content page not found"


def test_a_draft_is_not_shown_to_the_public(api_client, staff_client, draft_page):
    public = api_client.get("/api/content-pages/refund-policy")
    staff_reading_public_page = staff_client.get("/api/content-pages/refund-policy")

    assert public.status_code == 404
    assert public.json()["detail"] == "Content page not found"
    assert "Draft" not in public.content.decode()
    assert staff_reading_public_page.status_code == 404


def test_a_stale_token_does_not_turn_a_public_page_into_a_401(api_client, about_page):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-valid-token")

    assert api_client.get("/api/content-pages/about").status_code == 200


def test_a_public_page_costs_one_query(api_client, about_page, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert api_client.get("/api/content-pages/about").status_code == 200


def test_the_about_page_preflight_allows_its_cache_headers(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://lebrq.example"]
    response = api_client.options(
        "/api/content-pages/about",
        HTTP_ORIGIN="https://lebrq.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="cache-control,pragma",
    )

    assert response.status_code == 200
    allowed = {h.strip() for h in response["Access-Control-Allow-Headers"].split(",")}
    assert {"cache-control", "pragma"} <= allowed


# --- Staff editor: GET/PUT /admin/content-pages/{page_name}, POST /admin/content-pages --------


def test_the_editor_reads_a_page_whole(staff_client, draft_page):
    response = staff_client.get("/api/admin/content-pages/refund-policy")

    assert response.status_code == 200
    assert response.json() == {
        "id": draft_page.pk,
        "page_name": "refund-policy",
        "title": "Refund Policy",
        "content": "<p>Draft</p>",
        "meta_description": "",
        "is_published": False,
        "created_at": naive_utc(draft_page.created_at),
        "updated_at": naive_utc(draft_page.updated_at),
    }


def test_the_editor_gets_404_for_a_page_never_written(staff_client):
    # [page].tsx then fills in its defaults and saves with POST (pageData has no id).
    response = staff_client.get("/api/admin/content-pages/terms-of-service")

    assert response.status_code == 404
    assert response.json()["detail"] == "Content page not found"


def test_the_editor_creates_a_page_as_it_sends_it(staff_client, api_client):
    payload = {
        "page_name": "terms-of-service",
        "title": "Terms of Service",
        "content": "<h2>Terms of Service</h2><p>Content coming soon...</p>",
        "meta_description": "Terms of Service page",
        "is_published": True,
    }
    response = staff_client.post("/api/admin/content-pages", payload)

    assert response.status_code == 201
    page = ContentPage.objects.get(page_name="terms-of-service")
    assert response.json() == {
        "id": page.pk,
        **payload,
        "created_at": naive_utc(page.created_at),
        "updated_at": naive_utc(page.updated_at),
    }
    # The editor keeps the body as pageData: its id makes the next save a PUT.
    assert response.json()["id"]
    assert api_client.get("/api/content-pages/terms-of-service").json()["title"] == (
        "Terms of Service"
    )


def test_a_page_is_published_unless_said_otherwise(staff_client):
    response = staff_client.post(
        "/api/admin/content-pages", {"page_name": "faq", "title": "FAQ", "content": "<p>A</p>"}
    )

    assert response.status_code == 201
    assert response.json()["is_published"] is True
    assert response.json()["meta_description"] == ""


def test_creating_a_page_that_exists_is_400_and_changes_nothing(staff_client, about_page):
    response = staff_client.post(
        "/api/admin/content-pages",
        {"page_name": "about", "title": "Other", "content": "<p>Other</p>"},
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "page_name: Page with this name already exists"
    assert response.json()["code"] == "content_page_exists"
    about_page.refresh_from_db()
    assert about_page.title == "About &amp; us"
    assert ContentPage.objects.count() == 1


def test_the_editor_saves_a_page_as_it_sends_it(staff_client, about_page):
    before = about_page.updated_at
    payload = {
        "title": "About LeBRQ",
        "content": "<p>Rewritten</p>",
        "meta_description": "",
        "is_published": False,
    }
    response = staff_client.put("/api/admin/content-pages/about", payload)

    assert response.status_code == 200
    about_page.refresh_from_db()
    assert response.json() == {
        "id": about_page.pk,
        "page_name": "about",
        **payload,
        "created_at": naive_utc(about_page.created_at),
        "updated_at": naive_utc(about_page.updated_at),
    }
    assert about_page.updated_at > before
    assert about_page.content == "<p>Rewritten</p>"
    assert about_page.is_published is False


def test_a_missing_or_null_field_is_left_as_it_is(staff_client, about_page):
    response = staff_client.put(
        "/api/admin/content-pages/about", {"content": "<p>Only this</p>", "title": None}
    )

    assert response.status_code == 200
    about_page.refresh_from_db()
    assert about_page.title == "About &amp; us"
    assert about_page.meta_description == "Who we are"
    assert about_page.content == "<p>Only this</p>"


def test_saving_nothing_is_400(staff_client, about_page):
    response = staff_client.put("/api/admin/content-pages/about", {})

    assert response.status_code == 400
    assert response.json()["detail"] == "No fields to update"


def test_saving_a_page_never_written_is_404(staff_client):
    response = staff_client.put("/api/admin/content-pages/faq", {"title": "FAQ"})

    assert response.status_code == 404
    assert not ContentPage.objects.exists()


# --- Older content screen: GET /content/{slug}, PUT /admin/content/{slug} --------------------


def test_a_block_never_written_is_an_empty_shell(api_client):
    response = api_client.get("/api/content/privacy-policy")

    assert response.status_code == 200
    assert response.json() == {"slug": "privacy-policy", "title": None, "body_html": None}
    assert response["Cache-Control"] == "no-cache"


def test_a_block_is_what_the_older_screen_reads(api_client, faq_block):
    response = api_client.get("/api/content/faq")

    assert response.status_code == 200
    assert response.json() == {
        "slug": "faq",
        "title": "FAQ",
        "body_html": "<p>Q and A</p>",
        "updated_at": naive_utc(faq_block.updated_at),
    }
    # Its only reader is the editor, which must see its own last save.
    assert response["Cache-Control"] == "no-cache"
    again = api_client.get("/api/content/faq", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_older_screen_creates_then_changes_a_block(staff_client, api_client):
    created = staff_client.put(
        "/api/admin/content/about", {"title": "About", "body_html": "<p>One</p>"}
    )
    assert created.status_code == 200
    assert created.json() == {"ok": True, "slug": "about"}

    changed = staff_client.put("/api/admin/content/about", {"title": "", "body_html": "<p>Two</p>"})
    assert changed.json() == {"ok": True, "slug": "about"}
    block = PageContent.objects.get(slug="about")
    assert (block.title, block.body_html) == ("", "<p>Two</p>")
    assert api_client.get("/api/content/about").json()["body_html"] == "<p>Two</p>"
    # A separate store, as in the legacy: the public About page is not changed by it.
    assert not ContentPage.objects.exists()


def test_the_older_screen_may_send_one_field(staff_client, faq_block):
    response = staff_client.put("/api/admin/content/faq", {"body_html": "<p>New</p>"})

    assert response.status_code == 200
    faq_block.refresh_from_db()
    assert (faq_block.title, faq_block.body_html) == ("FAQ", "<p>New</p>")


# --- Sizes and bad input: 400, and nothing changes --------------------------------------------


def test_a_body_of_the_maximum_size_is_accepted(staff_client, about_page):
    body = "x" * BODY_MAX_CHARS
    assert staff_client.put("/api/admin/content-pages/about", {"content": body}).status_code == 200
    assert staff_client.put("/api/admin/content/faq", {"body_html": body}).status_code == 200
    about_page.refresh_from_db()
    assert len(about_page.content) == BODY_MAX_CHARS


OVERSIZE = "x" * (BODY_MAX_CHARS + 1)


@pytest.mark.parametrize(
    ("method", "path", "payload", "field"),
    [
        ("put", "/api/admin/content-pages/about", {"content": OVERSIZE}, "content"),
        ("put", "/api/admin/content-pages/about", {"title": "t" * 201}, "title"),
        (
            "put",
            "/api/admin/content-pages/about",
            {"meta_description": "m" * 1001},
            "meta_description",
        ),
        ("put", "/api/admin/content-pages/about", {"title": 42}, "title"),
        ("put", "/api/admin/content-pages/about", {"content": ["<p>"]}, "content"),
        ("put", "/api/admin/content-pages/about", {"is_published": "maybe"}, "is_published"),
        ("put", "/api/admin/content-pages/about", {"title": "ok", "content": {"a": 1}}, "content"),
        ("post", "/api/admin/content-pages", {"page_name": "x", "content": "<p>"}, "title"),
        (
            "post",
            "/api/admin/content-pages",
            {"page_name": "faq", "title": "FAQ", "content": OVERSIZE},
            "content",
        ),
        (
            "post",
            "/api/admin/content-pages",
            {"page_name": "About Us!", "title": "About", "content": "<p></p>"},
            "page_name",
        ),
        (
            "post",
            "/api/admin/content-pages",
            {"page_name": "p" * 51, "title": "About", "content": "<p></p>"},
            "page_name",
        ),
        ("put", "/api/admin/content/faq", {"body_html": OVERSIZE}, "body_html"),
        ("put", "/api/admin/content/faq", {"body_html": 7}, "body_html"),
        ("put", "/api/admin/content/faq", {"title": "t" * 256}, "title"),
        ("put", f"/api/admin/content/{'s' * 121}", {"title": "Long"}, "slug"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_bad_input_is_400_and_changes_nothing(
    staff_client, about_page, faq_block, method, path, payload, field
):
    pages_before = list(ContentPage.objects.values())
    blocks_before = list(PageContent.objects.values())

    response = getattr(staff_client, method)(path, payload)

    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) >= ERROR_KEYS
    if field is not None:
        assert field in body["errors"]
    assert list(ContentPage.objects.values()) == pages_before
    assert list(PageContent.objects.values()) == blocks_before


def test_a_body_that_is_not_a_json_object_is_400(staff_client, about_page):
    response = staff_client.put(
        "/api/admin/content-pages/about", '["a"]', content_type="application/json"
    )
    assert response.status_code == 400
    response = staff_client.put("/api/admin/content/faq", "null", content_type="application/json")
    assert response.status_code == 400
    assert not PageContent.objects.exists()


def test_a_name_that_cannot_be_a_page_is_404(api_client, staff_client):
    assert api_client.get("/api/content-pages/a.b").status_code == 404
    assert api_client.get("/api/content/a%20b").status_code == 404
    assert staff_client.get("/api/admin/content-pages/%00").status_code == 404


def test_staff_html_is_sanitized_before_it_is_stored_or_served(staff_client, api_client):
    """A page cannot carry a script, an event handler or a javascript: link to its readers."""
    hostile = (
        '<h2>About</h2><script>steal()</script><p onclick="steal()">Hi'
        ' <a href="javascript:steal()">x</a> <a href="https://lebrq.com">home</a></p>'
    )

    created = staff_client.post(
        "/api/admin/content-pages",
        {"page_name": "about", "title": "About", "content": hostile},
        format="json",
    )
    block = staff_client.put("/api/admin/content/footer", {"body_html": hostile}, format="json")

    assert created.status_code == 201, created.json()
    assert block.status_code == 200
    served = api_client.get("/api/content-pages/about").json()["content"]
    stored_block = api_client.get("/api/content/footer").json()["body_html"]
    for html in (served, stored_block):
        assert "<script" not in html
        assert "onclick" not in html
        assert "javascript:" not in html
        assert "<h2>About</h2>" in html
        assert 'href="https://lebrq.com"' in html
