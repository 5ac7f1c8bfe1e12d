from datetime import UTC

import pytest

from content.models import ContentPage, PageContent


def naive_utc(moment) -> str:
    """A record timestamp as the API sends it: naive UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@pytest.fixture
def about_page(db) -> ContentPage:
    return ContentPage.objects.create(
        page_name="about",
        title="About &amp; us",
        content="<h2>Welcome</h2><p>Venues for every occasion.</p>",
        meta_description="Who we are",
    )


@pytest.fixture
def draft_page(db) -> ContentPage:
    return ContentPage.objects.create(
        page_name="refund-policy",
        title="Refund Policy",
        content="<p>Draft</p>",
        is_published=False,
    )


@pytest.fixture
def faq_block(db) -> PageContent:
    return PageContent.objects.create(slug="faq", title="FAQ", body_html="<p>Q and A</p>")
