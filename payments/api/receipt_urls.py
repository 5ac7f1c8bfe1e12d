"""The refund receipt's route (included by payments/api/urls.py)."""

from django.urls import path

from payments.api import receipts

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path(
        "admin/refunds/<row_id:refund_id>/invoice",
        receipts.StaffRefundReceiptView.as_view(),
        name="staff-refund-receipt",
    ),
]
