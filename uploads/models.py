import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from uploads.choices import MediaType, UploadKind


def thumbnail_name(instance: "Upload", filename: str) -> str:
    return f"thumbnails/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.jpg"


def stored_name(instance: "Upload", filename: str) -> str:
    """A random path for a stored file: never the client's name or directory.

    The extension is whatever the upload service decided from the content (it passes a name
    like "x.png"); the client's name survives only in `original_name`.
    """
    suffix = PurePosixPath(filename).suffix.lower()
    return f"uploads/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Upload(models.Model):
    """A file someone uploaded, stored through Django's storage API under a random name."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="uploads",
    )
    file = models.FileField(upload_to=stored_name, max_length=255)
    kind = models.CharField(max_length=16, choices=UploadKind.choices)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    thumbnail = models.FileField(
        upload_to=thumbnail_name,
        max_length=255,
        blank=True,
        help_text="A small JPEG preview, made when an image is uploaded.",
    )
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    is_public = models.BooleanField(
        default=False, help_text="Public files (gallery, posters) can be fetched by anyone."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "uploads"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"], name="uploads_owner_created_idx")]

    def __str__(self) -> str:
        return self.original_name or self.file.name or f"Upload {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("upload-file", args=[self.pk])

    def delete_files(self) -> None:
        """Remove the stored file and its preview (the row is the caller's business)."""
        self.file.delete(save=False)
        self.thumbnail.delete(save=False)

    def get_thumbnail_url(self) -> str | None:
        return reverse("upload-thumbnail", args=[self.pk]) if self.thumbnail else None

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The name a browser saves the file under: the client's, else one from the id."""
        suffix = PurePosixPath(self.file.name or "").suffix
        return self.original_name or f"upload-{self.pk}{suffix}"


class GalleryImage(models.Model):
    """A picture or video shown in the public gallery."""

    upload = models.OneToOneField(Upload, on_delete=models.PROTECT, related_name="gallery_entry")
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    media_type = models.CharField(max_length=10, choices=MediaType.choices, default=MediaType.IMAGE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "gallery_images"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_at"], name="gallery_created_idx")]
        verbose_name = "gallery entry"
        verbose_name_plural = "gallery"

    def __str__(self) -> str:
        return self.title or f"Gallery entry {self.pk}"
