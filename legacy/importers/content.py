"""content_pages, page_content, gallery_images."""

from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.files import FileNotFound, media_type_of
from legacy.importers.base import TableImporter
from legacy.source import Row


class ContentPagesImporter(TableImporter):
    table = "content_pages"
    model_label = "content.ContentPage"
    domain = "content"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in ("id", "page_name", "title", "content", "meta_description", "is_published",
                  "created_at", "updated_at")
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from content.models import ContentPage

        created = c.utc_aware(row["created_at"]) or timezone.now()
        return ContentPage(
            id=row["id"],
            page_name=c.bounded("page_name", row["page_name"], 50),
            title=c.bounded("title", row["title"], 200),
            content=c.text(row["content"]),
            meta_description=c.text(row["meta_description"]),
            is_published=c.flag(row["is_published"], True),
            created_at=created,
            updated_at=c.utc_aware(row["updated_at"]) or created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.page_name, obj.title, len(obj.content), obj.is_published)


class PageContentImporter(TableImporter):
    table = "page_content"
    model_label = "content.PageContent"
    domain = "content"
    homes: ClassVar[dict[str, str]] = {
        k: k for k in ("id", "slug", "title", "body_html", "updated_at")
    }

    def convert(self, row: Row) -> models.Model:
        from content.models import PageContent

        return PageContent(
            id=row["id"],
            slug=c.bounded("slug", row["slug"], 120),
            title=c.bounded("title", row["title"], 255),
            body_html=c.text(row["body_html"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.slug, obj.title, len(obj.body_html))


class GalleryImagesImporter(TableImporter):
    """gallery_images rows become GalleryImage entries over an upload of the file."""

    table = "gallery_images"
    model_label = "uploads.GalleryImage"
    domain = "uploads"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "filename": "upload.original_name",
        "filepath": "upload (the file copied from --files)",
        "title": "title",
        "description": "description",
        "created_at": "created_at (and updated_at, upload.created_at)",
        "media_type": "media_type (from the file's content)",
    }

    def convert(self, row: Row) -> models.Model:
        from uploads.models import GalleryImage

        try:
            upload = self.ctx.files.store_path(c.text(row["filepath"]), owner=None)
        except FileNotFound as exc:
            self.ctx.report.files["missing"] += 1
            raise c.Invalid("filepath", str(exc)) from None
        created = c.utc_aware(row["created_at"]) or timezone.now()
        upload.original_name = c.text(row["filename"])[:255]
        upload.created_at = created
        upload.save(update_fields=["original_name", "created_at"])
        media_type = media_type_of(upload)
        if media_type != c.text(row["media_type"]).strip().lower():
            self.ctx.report.converted("gallery_images.media_type", "taken from the content")
        return GalleryImage(
            id=row["id"],
            upload=upload,
            title=c.bounded("title", row["title"], 255),
            description=c.text(row["description"]),
            media_type=media_type,
            created_at=created,
            updated_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.title, obj.media_type, obj.created_at)
