from django.contrib import admin

from uploads.models import GalleryImage, Upload


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "kind",
        "content_type",
        "size",
        "owner",
        "is_public",
        "created_at",
    )
    list_filter = ("kind", "is_public", "content_type")
    list_select_related = ("owner",)
    search_fields = ("original_name", "sha256", "owner__username", "owner__email")
    readonly_fields = ("sha256", "size", "content_type", "width", "height", "created_at")
    autocomplete_fields = ("owner",)
    show_full_result_count = False


@admin.register(GalleryImage)
class GalleryImageAdmin(admin.ModelAdmin):
    list_display = ("title", "media_type", "upload", "created_at")
    list_filter = ("media_type",)
    list_select_related = ("upload",)
    search_fields = ("title", "description")
    autocomplete_fields = ("upload",)
