"""Writes of the site's pages. The models' field rules (lengths, slugs) are checked here for
every write, so the API refuses what the admin's forms refuse, and nothing is saved."""

from dataclasses import dataclass

import nh3
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from content.exceptions import ContentInvalid, ContentPageExists, ContentPageNotFound
from content.models import ContentPage, PageContent


@dataclass(frozen=True, kw_only=True)
class ContentPageDraft:
    """A new page as the admin's editor sends it."""

    page_name: str
    title: str
    content: str
    meta_description: str = ""
    is_published: bool = True


@dataclass(frozen=True, kw_only=True)
class ContentPageChange:
    """What to change on a page; None leaves a field as it is (as the legacy's PUT did)."""

    title: str | None = None
    content: str | None = None
    meta_description: str | None = None
    is_published: bool | None = None

    def is_empty(self) -> bool:
        return all(
            value is None
            for value in (self.title, self.content, self.meta_description, self.is_published)
        )


def clean_html(html: str) -> str:
    """Staff's HTML without scripts, event handlers or javascript: links (nh3's default
    allow-list: formatting, lists, tables, links, images), so a page cannot run code in a
    reader's browser. Done before storing, so what is served is what was checked."""
    return nh3.clean(html)


def _check(instance: models.Model) -> None:
    """The model's own field rules; uniqueness is left to the database and the callers."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        name, messages = next(iter(fields.items()))
        raise ContentInvalid(f"{name}: {messages[0]}", fields=fields) from None


def content_page_create(*, draft: ContentPageDraft) -> ContentPage:
    page = ContentPage(
        page_name=draft.page_name,
        title=draft.title,
        content=clean_html(draft.content),
        meta_description=draft.meta_description,
        is_published=draft.is_published,
    )
    _check(page)
    if ContentPage.objects.filter(page_name=draft.page_name).exists():
        raise ContentPageExists.for_field("page_name", ContentPageExists.default_message)
    try:
        with transaction.atomic():
            page.save(force_insert=True)
    except IntegrityError:
        # Another request created it between our check and our insert.
        raise ContentPageExists.for_field("page_name", ContentPageExists.default_message) from None
    return page


def content_page_update(*, page_name: str, change: ContentPageChange) -> ContentPage:
    if change.is_empty():
        raise ContentInvalid("No fields to update", code="no_fields")
    with transaction.atomic():
        page = ContentPage.objects.select_for_update().filter(page_name=page_name).first()
        if page is None:
            raise ContentPageNotFound()
        if change.title is not None:
            page.title = change.title
        if change.content is not None:
            page.content = clean_html(change.content)
        if change.meta_description is not None:
            page.meta_description = change.meta_description
        if change.is_published is not None:
            page.is_published = change.is_published
        _check(page)
        page.save()
    return page


def page_content_put(*, slug: str, title: str | None, body_html: str | None) -> PageContent:
    """Create or change the older screen's block; None leaves a field as it is."""
    with transaction.atomic():
        page = PageContent.objects.select_for_update().filter(slug=slug).first()
        if page is None:
            new_page = PageContent(
                slug=slug, title=title or "", body_html=clean_html(body_html or "")
            )
            _check(new_page)
            try:
                with transaction.atomic():
                    new_page.save(force_insert=True)
            except IntegrityError:
                # A concurrent request created it since our read: change that row instead.
                page = PageContent.objects.select_for_update().get(slug=slug)
            else:
                return new_page
        if title is not None:
            page.title = title
        if body_html is not None:
            page.body_html = clean_html(body_html)
        _check(page)
        page.save()
    return page
