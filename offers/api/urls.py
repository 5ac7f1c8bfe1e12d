from django.urls import path

from offers.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("offers/check", views.CheckView.as_view(), name="offers-check"),
    path("offers/apply", views.ApplyView.as_view(), name="offers-apply"),
    path("admin/offers", views.StaffOfferListView.as_view(), name="staff-offers"),
    path("admin/offers/<row_id:offer_id>", views.StaffOfferView.as_view(), name="staff-offer"),
    path(
        "admin/offers/<row_id:offer_id>/usage",
        views.StaffOfferUsageView.as_view(),
        name="staff-offer-usage",
    ),
    path(
        "admin/offers/<row_id:offer_id>/users",
        views.StaffOfferUsersView.as_view(),
        name="staff-offer-users",
    ),
    path(
        "admin/offers/<row_id:offer_id>/notify-all",
        views.StaffOfferNotifyAllView.as_view(),
        name="staff-offer-notify-all",
    ),
    path("admin/coupons", views.StaffCouponListView.as_view(), name="staff-coupons"),
    path("admin/coupons/<row_id:coupon_id>", views.StaffCouponView.as_view(), name="staff-coupon"),
    path(
        "admin/coupons/<row_id:coupon_id>/usage",
        views.StaffCouponUsageView.as_view(),
        name="staff-coupon-usage",
    ),
]
