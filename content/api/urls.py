from django.urls import path

from content.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
# Names are slugs (letters, digits, - and _); anything else cannot be a page: 404.
urlpatterns = [
    path(
        "content-pages/<slug:page_name>",
        views.PublicContentPageView.as_view(),
        name="content-page-public",
    ),
    path("content/<slug:slug>", views.PublicPageContentView.as_view(), name="page-content-public"),
    path(
        "admin/content-pages",
        views.ContentPageCreateView.as_view(),
        name="staff-content-page-create",
    ),
    path(
        "admin/content-pages/<slug:page_name>",
        views.ContentPageStaffView.as_view(),
        name="staff-content-page",
    ),
    path(
        "admin/content/<slug:slug>",
        views.PageContentStaffView.as_view(),
        name="staff-page-content",
    ),
]
