from django.urls import path

from ops import views

urlpatterns = [
    path("health", views.LivenessView.as_view(), name="health"),
]
