from django.conf import settings
from django.contrib import admin
from django.urls import include, path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from lebrq.converters import RowIdConverter
from ops.metrics_view import metrics

register_converter(RowIdConverter, "row_id")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/", include("accounts.api.urls")),
    # Before bookings: it serves /bookings/{id}/cancel (with the cancellation refund).
    path("api/", include("payments.api.urls")),
    # Before bookings: it serves POST/PATCH/DELETE on /programs (GETs go to bookings' catalog).
    path("api/", include("programs.api.urls")),
    path("api/", include("offers.api.urls")),
    path("api/", include("contests.api.urls")),
    path("api/", include("hr.api.urls")),
    path("api/", include("vendors.api.urls")),
    path("api/", include("brokers.api.urls")),
    path("api/", include("racks.api.urls")),
    # Before bookings: it serves POST /bookings/{id}/notify-guests.
    path("api/", include("messaging.api.urls")),
    path("api/", include("bookings.api.urls")),
    path("api/", include("transport.api.urls")),
    path("api/", include("uploads.api.urls")),
    path("api/", include("content.api.urls")),
    path("api/", include("notify.api.urls")),
    path("api/", include("ops.urls")),
    # Prometheus scrapes, from the METRICS_ALLOWED_IPS only (not under /api: not the API).
    path(settings.METRICS_PATH.lstrip("/"), metrics, name="metrics"),
]

handler400 = "lebrq.api.exceptions.bad_request"
handler403 = "lebrq.api.exceptions.permission_denied"
handler404 = "lebrq.api.exceptions.page_not_found"
handler500 = "lebrq.api.exceptions.server_error"
