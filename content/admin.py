"""Staff edit the site's pages here too; the models' validators (sizes, slugs) apply to the
forms as they do to the API."""

from django.contrib import admin

from content.models import ContentPage, PageContent


@admin.register(ContentPage)
class ContentPageAdmin(admin.ModelAdmin[ContentPage]):
    list_display = ("page_name", "title", "is_published", "updated_at")
    list_filter = ("is_published",)
    search_fields = ("page_name", "title")
    ordering = ("page_name",)
    readonly_fields = ("created_at", "updated_at")
    fields = (
        "page_name",
        "title",
        "is_published",
        "meta_description",
        "content",
        "created_at",
        "updated_at",
    )


@admin.register(PageContent)
class PageContentAdmin(admin.ModelAdmin[PageContent]):
    list_display = ("slug", "title", "updated_at")
    search_fields = ("slug", "title")
    ordering = ("slug",)
    readonly_fields = ("updated_at",)
    fields = ("slug", "title", "body_html", "updated_at")
