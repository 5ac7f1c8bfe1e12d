from django.urls import include, path

from payments.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("payments/prepare", views.PrepareView.as_view(), name="payments-prepare"),
    path("payments/create-razorpay-order", views.OrderView.as_view(), name="payments-order"),
    path("payments/razorpay/verify", views.VerifyView.as_view(), name="payments-verify"),
    path("payments/razorpay/webhook", views.WebhookView.as_view(), name="payments-webhook"),
    path(
        "payments/status/<str:payment_id>",
        views.PaymentStatusView.as_view(),
        name="payments-status",
    ),
    path("payments/admin/payments", views.StaffPaymentListView.as_view(), name="staff-payments"),
    path(
        "payments/admin/settings/advance-payment",
        views.AdvancePaymentSettingsView.as_view(),
        name="staff-advance-payment",
    ),
    path(
        "bookings/<row_id:booking_id>/payment-history",
        views.PaymentHistoryView.as_view(),
        name="booking-payment-history",
    ),
    path(
        "bookings/<row_id:booking_id>/cancel",
        views.BookingCancelView.as_view(),
        name="booking-cancel-with-refund",
    ),
    path(
        "bookings/<row_id:booking_id>/refund",
        views.BookingRefundRequestView.as_view(),
        name="booking-refund-request",
    ),
    path("admin/refunds", views.StaffRefundListView.as_view(), name="staff-refunds"),
    path(
        "admin/refunds/<row_id:refund_id>/process",
        views.StaffRefundProcessView.as_view(),
        name="staff-refund-process",
    ),
    path(
        "admin/settings/refund-percentage",
        views.RefundPercentageSettingView.as_view(),
        name="staff-refund-percentage",
    ),
    # A completed refund's receipt PDF (payments/api/receipts.py).
    path("", include("payments.api.receipt_urls")),
]
