from django.conf import settings
from django.urls import path

from ops import views

# Included under /api/; the path itself is the HEALTH_PATH setting the guards exempt.
HEALTH = settings.HEALTH_PATH.removeprefix("/api/")

urlpatterns = [
    path(HEALTH, views.LivenessView.as_view(), name="health"),
    path(f"{HEALTH}/ready", views.ReadinessView.as_view(), name="health-ready"),
    path(f"{HEALTH}/memory", views.MemoryView.as_view(), name="health-memory"),
]
