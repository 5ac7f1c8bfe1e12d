from django.urls import path

from vendors.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
# GET /admin/booking-items (the staff list of lines) is the bookings app's.
staff = [
    path("admin/vendors", views.StaffVendorsView.as_view(), name="staff-vendors"),
    path(
        "admin/vendors/candidates",
        views.StaffVendorCandidatesView.as_view(),
        name="staff-vendor-candidates",
    ),
    path("admin/vendors/<row_id:vendor_id>", views.StaffVendorView.as_view(), name="staff-vendor"),
    path(
        "admin/vendors/<row_id:vendor_id>/invite",
        views.StaffVendorInviteView.as_view(),
        name="staff-vendor-invite",
    ),
    path(
        "admin/vendors/<row_id:vendor_id>/suspend",
        views.StaffVendorSuspendView.as_view(),
        name="staff-vendor-suspend",
    ),
    path(
        "admin/vendors/<row_id:vendor_id>/items",
        views.StaffVendorItemsView.as_view(),
        name="staff-vendor-items",
    ),
    path(
        "admin/booking-items/<row_id:item_id>/assign-vendor",
        views.AssignVendorView.as_view(),
        name="booking-item-assign-vendor",
    ),
    path(
        "admin/booking-items/<row_id:item_id>/reassign-vendor",
        views.ReassignVendorView.as_view(),
        name="booking-item-reassign-vendor",
    ),
    path(
        "admin/booking-items/<row_id:item_id>/cancel-vendor",
        views.CancelVendorView.as_view(),
        name="booking-item-cancel-vendor",
    ),
    path(
        "admin/booking-items/<row_id:item_id>/supplied",
        views.StaffSuppliedView.as_view(),
        name="booking-item-supplied",
    ),
    path(
        "admin/booking-items/<row_id:item_id>/verify-supply",
        views.VerifySupplyView.as_view(),
        name="booking-item-verify-supply",
    ),
]
portal = [
    path("vendor/profile", views.VendorProfileView.as_view(), name="vendor-profile"),
    path("vendor/items", views.VendorItemsView.as_view(), name="vendor-items"),
    path("vendor/items/<row_id:item_id>", views.VendorItemView.as_view(), name="vendor-item"),
    path("vendor/orders", views.VendorOrdersView.as_view(), name="vendor-orders"),
    path("vendor/orders/pdf", views.VendorOrdersPdfView.as_view(), name="vendor-orders-pdf"),
    path(
        "vendor/orders/<row_id:item_id>/accept",
        views.VendorAcceptView.as_view(),
        name="vendor-order-accept",
    ),
    path(
        "vendor/orders/<row_id:item_id>/reject",
        views.VendorRejectView.as_view(),
        name="vendor-order-reject",
    ),
    path(
        "vendor/orders/<row_id:item_id>/supplied",
        views.VendorSuppliedView.as_view(),
        name="vendor-order-supplied",
    ),
    path("vendor/notifications", views.NotificationsView.as_view(), name="vendor-notifications"),
    path(
        "vendor/notifications/unread-count",
        views.NotificationsUnreadCountView.as_view(),
        name="vendor-notifications-unread-count",
    ),
    path(
        "vendor/notifications/mark-all-read",
        views.NotificationsMarkAllReadView.as_view(),
        name="vendor-notifications-mark-all-read",
    ),
    path(
        "vendor/notifications/<row_id:notification_id>",
        views.NotificationView.as_view(),
        name="vendor-notification",
    ),
    path(
        "vendor/notifications/<row_id:notification_id>/read",
        views.NotificationReadView.as_view(),
        name="vendor-notification-read",
    ),
]
payments = [
    path("vendor/payments/summary", views.PaymentSummaryView.as_view(), name="vendor-pay-summary"),
    path("vendor/payments/invoice", views.PaymentInvoiceView.as_view(), name="vendor-pay-invoice"),
    path("vendor/payments/settle", views.SettleView.as_view(), name="vendor-pay-settle"),
    path(
        "vendor/payments/prepare-payment",
        views.PreparePaymentView.as_view(),
        name="vendor-pay-prepare",
    ),
    path(
        "vendor/payments/verify-payment",
        views.VerifyPaymentView.as_view(),
        name="vendor-pay-verify",
    ),
    path(
        "vendor/payments/prepare-bulk-payment",
        views.PrepareBulkPaymentView.as_view(),
        name="vendor-pay-prepare-bulk",
    ),
    path(
        "vendor/payments/verify-bulk-payment",
        views.VerifyBulkPaymentView.as_view(),
        name="vendor-pay-verify-bulk",
    ),
]
urlpatterns = staff + portal + payments
