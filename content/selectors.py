"""Reads of the site's pages (one query each)."""

from content.exceptions import ContentPageNotFound
from content.models import ContentPage, PageContent


def content_page_get(*, page_name: str) -> ContentPage:
    """A page, published or not (for staff); ContentPageNotFound if there is none."""
    page = ContentPage.objects.filter(page_name=page_name).first()
    if page is None:
        raise ContentPageNotFound()
    return page


def content_page_get_published(*, page_name: str) -> ContentPage:
    """A published page for the public. A draft is a 404 like a missing page."""
    page = ContentPage.objects.filter(page_name=page_name, is_published=True).first()
    if page is None:
        raise ContentPageNotFound()
    return page


def page_content_find(*, slug: str) -> PageContent | None:
    """The older screen's block by slug, or None (the API then answers an empty shell)."""
    return PageContent.objects.filter(slug=slug).first()
