from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import path, reverse
from django.utils.html import format_html

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


class StoredThroughUploadService(forms.ModelForm):
    """A form whose file goes through uploads.services.upload_store, the API's validation:
    the same type sniffing, size limit, image checks and re-encoding, with its refusal
    shown on the field."""

    stored_upload: Upload | None = None
    current_user = None  # set by the ModelAdmin's get_form

    def store(self, field: str, *, kind: UploadKind, is_public: bool) -> Upload | None:
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


class UploadAddForm(StoredThroughUploadService):
    upload = forms.FileField(label="File")

    class Meta:
        model = Upload
        fields = ["kind", "is_public"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.stored_upload = self.store(
                "upload", kind=cleaned["kind"], is_public=cleaned["is_public"]
            )
        return cleaned


class FormWithUserMixin:
    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"current_user": request.user})


@admin.register(Upload)
class UploadAdmin(FormWithUserMixin, LargeTableAdmin[Upload]):
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

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = UploadAddForm
            kwargs["fields"] = ["kind", "is_public", "upload"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        return ["upload", "kind", "is_public"] if obj is None else super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        form.save(commit=False)  # gives the form its save_m2m(); the row is the service's
        return form.stored_upload

    def delete_model(self, request, obj: Upload) -> None:
        upload_delete(obj)

    def delete_queryset(self, request, queryset) -> None:
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

    def get_urls(self):
        def staff_view(view, suffix):
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


class GalleryImageForm(StoredThroughUploadService):
    file = forms.FileField(
        required=False,
        help_text="An image (JPEG, PNG, WebP, GIF) or a video (MP4, WebM, QuickTime).",
    )

    class Meta:
        model = GalleryImage
        fields = ["title", "description", "media_type"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None or self.errors:
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
class GalleryImageAdmin(FormWithUserMixin, admin.ModelAdmin):
    form = GalleryImageForm
    list_display = ("preview", "title", "media_type", "created_at")
    list_display_links = ("preview", "title")
    list_filter = ("media_type",)
    list_select_related = ("upload",)
    search_fields = ("title", "description")
    readonly_fields = ("large_preview", "upload")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", "media_type", "title", "description"]
        return ["large_preview", "upload", "media_type", "title", "description"]

    @admin.display(description="Preview")
    def preview(self, entry: GalleryImage) -> str:
        return _preview(entry.upload, 60)

    @admin.display(description="Preview")
    def large_preview(self, entry: GalleryImage) -> str:
        return _preview(entry.upload, 320)
