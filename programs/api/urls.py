from django.urls import path

from programs.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("program_participants/add", views.ParticipantAddView.as_view(), name="participants-add"),
    path(
        "program_participants/counts/by-bookings",
        views.ParticipantCountsView.as_view(),
        name="participants-counts-by-bookings",
    ),
    path(
        "program_participants/counts/<slug:program_type>",
        views.TicketCountsView.as_view(),
        name="participants-ticket-counts",
    ),
    path(
        "program_participants/by-booking/<row_id:booking_id>",
        views.ParticipantsOfBookingView.as_view(),
        name="participants-of-booking",
    ),
    path(
        "program_participants/list/<slug:program_type>",
        views.OwnParticipantsView.as_view(),
        name="participants-own",
    ),
    path(
        "program_participants/<row_id:participant_id>/verify",
        views.ParticipantVerifyView.as_view(),
        name="participants-verify",
    ),
    # The staff dashboard's spelling of the same call.
    path(
        "program-participants/<row_id:participant_id>/verify",
        views.DashboardVerifyView.as_view(),
        name="participants-verify-dashboard",
    ),
    path(
        "program_participants/<row_id:participant_id>/ticket.svg",
        views.TicketQrView.as_view(),
        name="participants-ticket-qr",
    ),
    path("programs", views.ProgramCollectionView.as_view(), name="programs-collection"),
    path(
        "programs/admin/with_participants",
        views.ProgramsWithParticipantsView.as_view(),
        name="programs-with-participants",
    ),
    path("programs/<row_id:program_id>", views.ProgramItemView.as_view(), name="programs-item"),
    path(
        "programs/<row_id:program_id>/approve",
        views.ProgramDecisionView.as_view(decision="approve"),
        name="programs-approve",
    ),
    path(
        "programs/<row_id:program_id>/reject",
        views.ProgramDecisionView.as_view(decision="reject"),
        name="programs-reject",
    ),
    path("events", views.EventListView.as_view(), name="events"),
    path(
        "event-definitions/<row_id:definition_id>/ticket-types",
        views.TicketTypesView.as_view(),
        name="ticket-types",
    ),
    path(
        "event-schedules/admin/by-type/<slug:event_type>",
        views.SchedulesByTypeView.as_view(),
        name="schedules-by-type",
    ),
    path(
        "event-schedules/admin/legacy/<slug:program_type>",
        views.LegacyParticipantsView.as_view(),
        name="schedules-legacy",
    ),
    path(
        "event-schedules/admin/dashboard-summary",
        views.DashboardSummaryView.as_view(),
        name="schedules-dashboard-summary",
    ),
]
