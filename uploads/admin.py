from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from accounts.auth import staff_user
from accounts.models import User
from lebrq.admin import LargeTableAdmin
from uploads.choices import MediaType, UploadKind
from uploads.exceptions import UploadRejected
from uploads.models import GalleryImage, Upload
from uploads.services import upload_delete, upload_store
from uploads.serving import upload_file_response, upload_thumbnail_response

PREVIEW = '<img src="{}" alt="" loading="lazy" style="max-height:{}px;max-width:{}px">'


def _preview(upload: Upload | None, size: int) -> str:
    if upload is None or not upload.thumbnail:
        return "-"
    url = reverse("admin:uploads_upload_thumbnail", args=[upload.pk])
    return format_html(PREVIEW, url, size, size)


class StoredThroughUploadService[M: Model](forms.ModelForm[M]):
    """A form whose file goes through uploads.services.upload_store, the API's validation:
    the same type sniffing, size limit, image checks and re-encoding, with its refusal
    shown on the field."""

    stored_upload: Upload | None = None
    current_user: User | None = None  # set by FormWithUserMixin.get_form: the staff member

    def store(self, field: str, *, kind: UploadKind, is_public: bool) -> Upload | None:
        if self.current_user is None:
            raise ImproperlyConfigured(f"{type(self).__name__} is made by its ModelAdmin.get_form")
        try:
            return upload_store(
                uploaded_file=self.cleaned_data[field],
                owner=self.current_user,
                kind=kind,
                is_public=is_public,
            )
        except UploadRejected as exc:
            self.add_error(field, exc.message)
            return None


class UploadAddForm(StoredThroughUploadService[Upload]):
    upload = forms.FileField(label="File")

    class Meta:
        model = Upload
        fields = ["kind", "is_public"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors:
            self.stored_upload = self.store(
                "upload", kind=cleaned["kind"], is_public=cleaned["is_public"]
            )
        return cleaned


class FormWithUserMixin[M: Model](admin.ModelAdmin[M]):
    """Gives the form class the staff member who is filling it in, as `current_user`."""

    def get_form(
        self, request: HttpRequest, obj: M | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[M]]:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"current_user": staff_user(request)})


@admin.register(Upload)
class UploadAdmin(FormWithUserMixin[Upload], LargeTableAdmin[Upload]):
    list_display = (
        "preview",
        "original_name",
        "kind",
        "content_type",
        "size",
        "owner",
        "is_public",
        "created_at",
    )
    list_display_links = ("preview", "original_name")
    list_filter = ("kind", "is_public", "content_type")
    list_select_related = ("owner",)
    search_fields = ("original_name", "=sha256", "owner__username", "owner__email")
    fields = (
        "large_preview",
        "download",
        "original_name",
        "kind",
        "content_type",
        "size",
        "width",
        "height",
        "sha256",
        "owner",
        "is_public",
        "created_at",
    )
    readonly_fields = tuple(field for field in fields if field != "is_public")

    def get_form(
        self,
        request: HttpRequest,
        obj: Upload | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[Upload]]:
        if obj is None:
            kwargs["form"] = UploadAddForm
            kwargs["fields"] = ["kind", "is_public", "upload"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Upload | None = None) -> tuple[str, ...]:
        return ("upload", "kind", "is_public") if obj is None else self.fields

    def get_readonly_fields(
        self, request: HttpRequest, obj: Upload | None = None
    ) -> tuple[str, ...]:
        return () if obj is None else self.readonly_fields

    def save_form(
        self, request: HttpRequest, form: forms.ModelForm[Upload], change: bool
    ) -> Upload | None:
        if change:
            saved: Upload = super().save_form(request, form, change)
            return saved
        form.save(commit=False)  # gives the form its save_m2m(); the row is the service's
        assert isinstance(form, UploadAddForm)  # get_form's form when adding
        return form.stored_upload

    def delete_model(self, request: HttpRequest, obj: Upload) -> None:
        upload_delete(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Upload]) -> None:
        for upload in queryset.iterator():
            upload_delete(upload)

    @admin.display(description="Preview")
    def preview(self, upload: Upload) -> str:
        return _preview(upload, 60)

    @admin.display(description="Preview")
    def large_preview(self, upload: Upload) -> str:
        return _preview(upload, 320)

    @admin.display(description="File")
    def download(self, upload: Upload) -> str:
        url = reverse("admin:uploads_upload_file", args=[upload.pk])
        return format_html('<a href="{}">{}</a>', url, upload.download_name)

    def get_urls(self) -> list[URLPattern]:
        def staff_view(
            view: Callable[[HttpRequest, int], HttpResponseBase], suffix: str
        ) -> URLPattern:
            return path(
                f"<row_id:upload_id>/{suffix}/",
                self.admin_site.admin_view(view),
                name=f"uploads_upload_{suffix}",
            )

        return [
            staff_view(self.file_view, "file"),
            staff_view(self.thumbnail_view, "thumbnail"),
            *super().get_urls(),
        ]

    def _upload_for_staff(self, request: HttpRequest, upload_id: int) -> Upload:
        if not self.has_view_permission(request):
            raise PermissionDenied
        upload = Upload.objects.filter(pk=upload_id).first()
        if upload is None:
            raise Http404("No such upload.")
        return upload

    def file_view(self, request: HttpRequest, upload_id: int) -> HttpResponseBase:
        return upload_file_response(request, self._upload_for_staff(request, upload_id))

    def thumbnail_view(self, request: HttpRequest, upload_id: int) -> HttpResponseBase:
        upload = self._upload_for_staff(request, upload_id)
        if not upload.thumbnail:
            raise Http404("This upload has no preview.")
        return upload_thumbnail_response(request, upload)


class GalleryImageForm(StoredThroughUploadService[GalleryImage]):
    file = forms.FileField(
        required=False,
        help_text="An image (JPEG, PNG, WebP, GIF) or a video (MP4, WebM, QuickTime).",
    )

    class Meta:
        model = GalleryImage
        fields = ["title", "description", "media_type"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not self.instance._state.adding or self.errors:
            return cleaned
        if not cleaned.get("file"):
            self.add_error("file", "Choose the picture or video to show.")
            return cleaned
        is_video = cleaned["media_type"] == MediaType.VIDEO
        upload = self.store(
            "file", kind=UploadKind.FILE if is_video else UploadKind.IMAGE, is_public=True
        )
        if upload is not None and is_video and not upload.content_type.startswith("video/"):
            upload.delete()
            upload.delete_files()
            self.add_error("file", "This is not a video: choose media type Image.")
            return cleaned
        if upload is not None:
            self.instance.upload = upload
        return cleaned


@admin.register(GalleryImage)
class GalleryImageAdmin(FormWithUserMixin[GalleryImage]):
    form = GalleryImageForm
    list_display = ("preview", "title", "media_type", "created_at")
    list_display_links = ("preview", "title")
    list_filter = ("media_type",)
    list_select_related = ("upload",)
    search_fields = ("title", "description")
    readonly_fields = ("large_preview", "upload")

    def get_fields(self, request: HttpRequest, obj: GalleryImage | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("file", "media_type", "title", "description")
        return ("large_preview", "upload", "media_type", "title", "description")

    @admin.display(description="Preview")
    def preview(self, entry: GalleryImage) -> str:
        return _preview(entry.upload, 60)

    @admin.display(description="Preview")
    def large_preview(self, entry: GalleryImage) -> str:
        return _preview(entry.upload, 320)
