from django.urls import path

from messaging.api import audio, views, whatsapp

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
    # Voice notes.
    path("client/audio-notes", audio.CustomerAudioNotesView.as_view(), name="audio-notes"),
    path(
        "admin/audio-notes/bookings/<row_id:booking_id>",
        audio.StaffBookingAudioNotesView.as_view(),
        name="staff-booking-audio-notes",
    ),
    path(
        "admin/audio-notes/<row_id:note_id>/mark-played",
        audio.AudioNoteMarkPlayedView.as_view(),
        name="audio-note-mark-played",
    ),
    path(
        "admin/audio-notes/<row_id:note_id>/notes",
        audio.AudioNoteAdminNotesView.as_view(),
        name="audio-note-admin-notes",
    ),
    path(
        "audio-notes/<row_id:note_id>/audio",
        audio.AudioNoteFileView.as_view(),
        name="audio-note-file",
    ),
    # WhatsApp: the staff's inbox and chatbot settings.
    path(
        "admin/whatsapp/conversations",
        whatsapp.ConversationListView.as_view(),
        name="whatsapp-conversations",
    ),
    path(
        "admin/whatsapp/conversations/<row_id:conversation_id>/messages",
        whatsapp.ConversationMessagesView.as_view(),
        name="whatsapp-conversation-messages",
    ),
    path(
        "admin/whatsapp/conversations/<row_id:conversation_id>/reply",
        whatsapp.ConversationReplyView.as_view(),
        name="whatsapp-conversation-reply",
    ),
    path(
        "admin/whatsapp/conversations/<row_id:conversation_id>/status",
        whatsapp.ConversationStatusView.as_view(),
        name="whatsapp-conversation-status",
    ),
    path(
        "admin/whatsapp/chatbot/config",
        whatsapp.ChatbotConfigView.as_view(),
        name="whatsapp-chatbot-config",
    ),
    path("admin/whatsapp/keywords", whatsapp.KeywordListView.as_view(), name="whatsapp-keywords"),
    path(
        "admin/whatsapp/keywords/<row_id:keyword_id>",
        whatsapp.KeywordDetailView.as_view(),
        name="whatsapp-keyword",
    ),
    path(
        "admin/whatsapp/quick-replies",
        whatsapp.QuickReplyListView.as_view(),
        name="whatsapp-quick-replies",
    ),
    path(
        "admin/whatsapp/quick-replies/<row_id:quick_reply_id>",
        whatsapp.QuickReplyDetailView.as_view(),
        name="whatsapp-quick-reply",
    ),
    # WhatsApp: the website's chat window and the provider's callback.
    path("whatsapp/send-session", whatsapp.SendSessionView.as_view(), name="whatsapp-send-session"),
    path("whatsapp/messages", whatsapp.WebTranscriptView.as_view(), name="whatsapp-messages"),
    path("whatsapp/webhook", whatsapp.WhatsAppCallbackView.as_view(), name="whatsapp-webhook"),
    path("whatsapp/callback", whatsapp.WhatsAppCallbackView.as_view(), name="whatsapp-callback"),
]
