from django.urls import path

from messaging.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
# Thread ids are the legacy's strings ("client_12_0a1b2c3d").
THREAD = "<str:key>"

urlpatterns = [
    # Customer-staff threads.
    path("client/messages", views.CustomerComposeView.as_view(), name="client-messages"),
    path("client/messages/threads", views.CustomerThreadsView.as_view(), name="client-threads"),
    path(
        f"client/messages/thread/{THREAD}",
        views.CustomerThreadView.as_view(),
        name="client-thread",
    ),
    path(
        f"client/messages/threads/{THREAD}/reply",
        views.CustomerReplyView.as_view(),
        name="client-thread-reply",
    ),
    path("admin/client-messages", views.StaffComposeView.as_view(), name="staff-messages"),
    path("admin/client-messages/threads", views.StaffThreadsView.as_view(), name="staff-threads"),
    path(
        f"admin/client-messages/thread/{THREAD}",
        views.StaffThreadView.as_view(),
        name="staff-thread",
    ),
    path(
        f"admin/client-messages/threads/{THREAD}/reply",
        views.StaffReplyView.as_view(),
        name="staff-thread-reply",
    ),
    # The clients screen and the sidebar's badges.
    path("admin/clients", views.ClientListView.as_view(), name="staff-clients"),
    path(
        "admin/clients/mark-viewed",
        views.ClientsMarkViewedView.as_view(),
        name="staff-clients-mark-viewed",
    ),
    path("admin/badges/counts", views.BadgeCountsView.as_view(), name="staff-badges"),
    path(
        "admin/customers/<row_id:user_id>/suspend",
        views.CustomerSuspendView.as_view(),
        name="staff-customer-suspend",
    ),
    path(
        "bookings/<row_id:booking_id>/notify-guests",
        views.NotifyGuestsView.as_view(),
        name="booking-notify-guests",
    ),
    # Customer notifications.
    path("client/notifications", views.NotificationListView.as_view(), name="notifications"),
    path(
        "client/notifications/mark-all-read",
        views.NotificationMarkAllReadView.as_view(),
        name="notifications-mark-all-read",
    ),
    path(
        "client/notifications/clear-all",
        views.NotificationClearView.as_view(),
        name="notifications-clear-all",
    ),
    path(
        "client/notifications/<row_id:notification_id>/read",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path(
        "client/notifications/<row_id:notification_id>",
        views.NotificationDeleteView.as_view(),
        name="notification-delete",
    ),
]
