from django.urls import path

from contests.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
# The fixed paths come before contests/<slug>; services.RESERVED_SLUGS keeps slugs off them.
STAFF = "contests/admin/contests/<row_id:contest_id>"

urlpatterns = [
    path("contests/admin/contests", views.StaffContestsView.as_view(), name="contests-staff"),
    path(STAFF, views.StaffContestView.as_view(), name="contest-staff"),
    path(f"{STAFF}/entries", views.StaffEntriesView.as_view(), name="contest-entries"),
    path(
        f"{STAFF}/entries/bulk-update",
        views.EntriesBulkStatusView.as_view(),
        name="contest-entries-bulk-update",
    ),
    path(
        f"{STAFF}/entries/export",
        views.EntriesExportView.as_view(),
        name="contest-entries-export",
    ),
    path(
        f"{STAFF}/entries/<row_id:entry_id>/status",
        views.EntryStatusView.as_view(),
        name="contest-entry-status",
    ),
    path(
        f"{STAFF}/entries/<row_id:entry_id>/notify",
        views.EntryNotifyView.as_view(),
        name="contest-entry-notify",
    ),
    path(f"{STAFF}/users", views.InvitableUsersView.as_view(), name="contest-users"),
    path(f"{STAFF}/notify-all", views.NotifyAllView.as_view(), name="contest-notify-all"),
    path("contests/user-event-dates", views.EventDateAddView.as_view(), name="contest-event-dates"),
    path("contests/proofs/<slug:key>", views.ProofFileView.as_view(), name="contest-proof"),
    path("contests/<slug:slug>", views.PublicContestView.as_view(), name="contest-public"),
    path(
        "contests/<slug:slug>/entries", views.EntrySubmitView.as_view(), name="contest-entries-new"
    ),
    path(
        "contests/<slug:slug>/upload-proof",
        views.ProofUploadView.as_view(),
        name="contest-upload-proof",
    ),
]
