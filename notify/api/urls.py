from django.urls import path

from notify.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("notifications/count", views.NotificationCountView.as_view(), name="notifications-count"),
    path("notifications/wa-test", views.WhatsAppTestView.as_view(), name="notifications-wa-test"),
]
