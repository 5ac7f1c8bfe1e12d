"""Routes of the staff catalog screens and item media (bookings/api/staff_catalog.py);
included by bookings/api/urls.py. No trailing slashes (ApiTrailingSlashMiddleware)."""

from django.urls import path

from bookings.api import staff_catalog as views

urlpatterns = [
    path("admin/items", views.StaffItemListView.as_view(), name="staff-items"),
    path("admin/items/<row_id:pk>", views.StaffItemDeleteView.as_view(), name="staff-item"),
    path(
        "admin/catalog/items/bulk-markup",
        views.BulkMarkupView.as_view(),
        name="staff-items-bulk-markup",
    ),
    path(
        "admin/catalog/items/bulk-preparation-time",
        views.BulkPreparationTimeView.as_view(),
        name="staff-items-bulk-preparation-time",
    ),
    path(
        "admin/catalog/items/<row_id:pk>",
        views.StaffCatalogItemView.as_view(),
        name="staff-catalog-item",
    ),
    path("items/<row_id:item_id>/media", views.ItemMediaListView.as_view(), name="item-media"),
    path(
        "items/<row_id:item_id>/media/upload",
        views.ItemMediaUploadView.as_view(),
        name="item-media-upload",
    ),
    path(
        "items/<row_id:item_id>/media/reorder",
        views.ItemMediaReorderView.as_view(),
        name="item-media-reorder",
    ),
    path(
        "items/<row_id:item_id>/media/<row_id:media_id>",
        views.ItemMediaDetailView.as_view(),
        name="item-media-detail",
    ),
    path(
        "items/<row_id:item_id>/media/<row_id:media_id>/primary",
        views.ItemMediaPrimaryView.as_view(),
        name="item-media-primary",
    ),
]
