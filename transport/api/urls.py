from django.urls import path

from transport.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("vehicles", views.VehicleCollectionView.as_view(), name="vehicles"),
    path("vehicles/available", views.VehiclesAvailableView.as_view(), name="vehicles-available"),
    path("vehicles/bookings", views.VehicleBookingCreateView.as_view(), name="vehicle-bookings"),
    path("vehicles/<row_id:vehicle_id>", views.VehicleItemView.as_view(), name="vehicles-item"),
    path(
        "vehicles/<row_id:vehicle_id>/upload-image",
        views.VehicleImageView.as_view(),
        name="vehicles-upload-image",
    ),
    path("locations/office-address", views.OfficeAddressView.as_view(), name="locations-office"),
    path(
        "locations/autocomplete",
        views.AutocompleteView.as_view(),
        name="locations-autocomplete",
    ),
    path("locations/distance", views.DistanceView.as_view(), name="locations-distance"),
]
