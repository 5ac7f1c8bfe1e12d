from django.urls import include, path
from rest_framework.routers import SimpleRouter

from bookings.api import public, staff_bookings, staff_spaces, time_slots, views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
router = SimpleRouter(trailing_slash=False)
router.register("venues", views.VenueViewSet, basename="venue")
router.register("spaces", views.SpaceViewSet, basename="space")
router.register("items", views.ItemViewSet, basename="item")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("bookings", views.BookingViewSet, basename="booking")
router.register("admin/bookings", staff_bookings.StaffBookingEditViewSet, basename="staff-booking")
router.register("admin/booking-items", views.StaffBookingItemViewSet, basename="staff-booking-item")

legacy_spaces = views.LegacySpaceViewSet
urlpatterns = [
    path("venues/spaces", legacy_spaces.as_view({"get": "list"}), name="legacy-space-list"),
    path(
        "venues/spaces/<row_id:pk>",
        staff_spaces.SpaceDetailWithWritesViewSet.as_view(
            {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
        ),
        name="legacy-space-detail",
    ),
    path(
        "venues/<row_id:venue_pk>/spaces",
        staff_spaces.VenueSpacesWithCreateViewSet.as_view({"get": "list", "post": "create"}),
        name="legacy-venue-spaces",
    ),
    path(
        "time-slots/available/<row_id:space_id>",
        time_slots.AvailableSlotsView.as_view(),
        name="time-slots-available",
    ),
    path("time-slots/validate", time_slots.ValidateSlotView.as_view(), name="time-slots-validate"),
    # Before the router: its bookings/<id> routes take digits only, but keep the order plain.
    path(
        "bookings/regular-programs",
        public.RegularProgramListView.as_view(),
        name="regular-programs",
    ),
    path("bookings/today", public.TodaysEventsView.as_view(), name="bookings-today"),
    path(
        "bookings/public/<row_id:booking_id>",
        public.PublicBookingView.as_view(),
        name="booking-public",
    ),
    path("all-bookings", public.CalendarView.as_view(), name="all-bookings"),
    path(
        "settings/refund-percentage",
        public.RefundPercentageView.as_view(),
        name="refund-percentage",
    ),
    # Before the router, whose admin/bookings/<id> routes take digits only.
    path(
        "admin/bookings/mark-viewed",
        staff_bookings.MarkBookingsViewedView.as_view(),
        name="staff-bookings-mark-viewed",
    ),
    path(
        "admin/settings/auto-approve",
        staff_bookings.AutoApproveSettingView.as_view(),
        name="staff-auto-approve",
    ),
    # The staff invoice screen (bookings/api/staff_invoices.py).
    path("", include("bookings.api.invoice_urls")),
    path("", include(router.urls)),
]
# The staff catalog screens and item media (bookings/api/staff_catalog.py).
urlpatterns += [path("", include("bookings.api.catalog_urls"))]
