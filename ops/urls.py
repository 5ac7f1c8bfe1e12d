from django.urls import path

from ops import views

urlpatterns = [
    path("health", views.LivenessView.as_view(), name="health"),
    path("health/ready", views.ReadinessView.as_view(), name="health-ready"),
    path("health/memory", views.MemoryView.as_view(), name="health-memory"),
]
