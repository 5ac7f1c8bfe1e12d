"""The shapes of the content endpoints, as the legacy sent them and the frontend reads them."""

from typing import Any

from rest_framework import serializers

from content.models import (
    BODY_MAX_CHARS,
    META_DESCRIPTION_MAX_CHARS,
    PAGE_NAME_MAX_LENGTH,
    PAGE_TITLE_MAX_LENGTH,
    SLUG_TITLE_MAX_LENGTH,
    ContentPage,
    PageContent,
)
from content.services import ContentPageChange, ContentPageDraft
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.serializers import LegacyModelSerializer


class StrictCharField(serializers.CharField):
    """A CharField that refuses numbers, lists and objects instead of turning them into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _body_field(**kwargs: Any) -> StrictCharField:
    return StrictCharField(
        allow_blank=True,
        trim_whitespace=False,
        max_length=BODY_MAX_CHARS,
        help_text=f"HTML, at most {BODY_MAX_CHARS:,} characters.",
        **kwargs,
    )


class ContentPageSerializer(LegacyModelSerializer[ContentPage]):
    """A page as the staff editor reads it (app/admin/content-pages/[page].tsx)."""

    class Meta:
        model = ContentPage
        fields = [
            "id",
            "page_name",
            "title",
            "content",
            "meta_description",
            "is_published",
            "created_at",
            "updated_at",
        ]


class PublicContentPageSerializer(LegacyModelSerializer[ContentPage]):
    """A published page as the public screens read it (about, faq, the policies)."""

    class Meta:
        model = ContentPage
        fields = ["page_name", "title", "content", "meta_description", "updated_at"]


class ContentPageCreateSerializer(serializers.Serializer[Any]):
    page_name = StrictCharField(max_length=PAGE_NAME_MAX_LENGTH)
    title = StrictCharField(max_length=PAGE_TITLE_MAX_LENGTH, allow_blank=True)
    content = _body_field()
    meta_description = StrictCharField(
        required=False, allow_null=True, allow_blank=True, max_length=META_DESCRIPTION_MAX_CHARS
    )
    is_published = serializers.BooleanField(required=False, default=True)

    def draft(self) -> ContentPageDraft:
        data = self.validated_data
        return ContentPageDraft(
            page_name=data["page_name"],
            title=data["title"],
            content=data["content"],
            meta_description=data.get("meta_description") or "",
            is_published=data["is_published"],
        )


class ContentPageUpdateSerializer(serializers.Serializer[Any]):
    """Every field optional; a missing or null field is left as it is."""

    title = StrictCharField(
        required=False, allow_null=True, allow_blank=True, max_length=PAGE_TITLE_MAX_LENGTH
    )
    content = _body_field(required=False, allow_null=True)
    meta_description = StrictCharField(
        required=False, allow_null=True, allow_blank=True, max_length=META_DESCRIPTION_MAX_CHARS
    )
    is_published = serializers.BooleanField(required=False, allow_null=True)

    def change(self) -> ContentPageChange:
        data = self.validated_data
        return ContentPageChange(
            title=data.get("title"),
            content=data.get("content"),
            meta_description=data.get("meta_description"),
            is_published=data.get("is_published"),
        )


class PageContentSerializer(LegacyModelSerializer[PageContent]):
    """The older screen's block (app/admin/content.tsx reads title and body_html)."""

    class Meta:
        model = PageContent
        fields = ["slug", "title", "body_html", "updated_at"]


class PageContentShellSerializer(serializers.Serializer[Any]):
    """GET /content/{slug} of a block never written: 200 with nulls, so the screen starts
    empty (the legacy's "empty shell"). A written block adds updated_at."""

    slug = serializers.CharField()
    title = serializers.CharField(allow_null=True)
    body_html = serializers.CharField(allow_null=True)
    updated_at = NaiveUtcDateTimeField(required=False)


class PageContentPutSerializer(serializers.Serializer[Any]):
    title = StrictCharField(
        required=False, allow_null=True, allow_blank=True, max_length=SLUG_TITLE_MAX_LENGTH
    )
    body_html = _body_field(required=False, allow_null=True)


class PageContentSavedSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    slug = serializers.CharField()
