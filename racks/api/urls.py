from django.urls import URLPattern, URLResolver, path

from racks.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
# The fixed paths come before racks/<id> (row ids are digits only, so none of them could be
# taken for one anyway).
urlpatterns: list[URLPattern | URLResolver] = [
    path("racks", views.RackListView.as_view(), name="racks"),
    path("racks/products/all", views.ProductListView.as_view(), name="racks-products-all"),
    path("racks/code/<str:code>", views.RackByCodeView.as_view(), name="racks-by-code"),
    path("racks/admin", views.RackCreateView.as_view(), name="racks-admin-create"),
    path("racks/admin/default-rack", views.DefaultRackView.as_view(), name="racks-admin-default"),
    path("racks/admin/orders", views.StaffOrderListView.as_view(), name="racks-admin-orders"),
    path(
        "racks/admin/products/<row_id:product_id>",
        views.ProductAdminItemView.as_view(),
        name="racks-admin-product",
    ),
    path("racks/admin/<row_id:rack_id>", views.RackAdminItemView.as_view(), name="racks-admin"),
    path(
        "racks/admin/<row_id:rack_id>/generate-qr",
        views.RackQrView.as_view(),
        name="racks-admin-qr",
    ),
    path(
        "racks/admin/<row_id:rack_id>/products",
        views.ProductCreateView.as_view(),
        name="racks-admin-products",
    ),
    path("racks/orders", views.OrderCreateView.as_view(), name="racks-orders"),
    path("racks/orders/<row_id:order_id>", views.OrderItemView.as_view(), name="racks-order"),
    path(
        "racks/orders/<row_id:order_id>/surprise-gift-details",
        views.SurpriseGiftView.as_view(),
        name="racks-order-surprise-gift",
    ),
    path("racks/<row_id:rack_id>", views.RackItemView.as_view(), name="racks-item"),
]
