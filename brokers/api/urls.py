from django.urls import URLPattern, URLResolver, path

from brokers.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/brokers", views.BrokerCollectionView.as_view(), name="admin-brokers"),
    path(
        "admin/brokers/bulk-update-brokerage",
        views.BulkBrokerageView.as_view(),
        name="admin-brokers-bulk-brokerage",
    ),
    path("admin/brokers/<row_id:broker_id>", views.BrokerItemView.as_view(), name="admin-broker"),
    path(
        "admin/brokers/<row_id:broker_id>/approve",
        views.BrokerApproveView.as_view(),
        name="admin-broker-approve",
    ),
    path(
        "admin/brokers/<row_id:broker_id>/invite",
        views.BrokerInviteView.as_view(),
        name="admin-broker-invite",
    ),
    path(
        "admin/brokers/<row_id:broker_id>/suspend",
        views.BrokerSuspendView.as_view(),
        name="admin-broker-suspend",
    ),
    path("broker/payments/summary", views.SummaryView.as_view(), name="broker-payments-summary"),
    path("broker/payments/settle", views.SettleView.as_view(), name="broker-payments-settle"),
    path(
        "broker/payments/prepare-payment",
        views.PreparePaymentView.as_view(),
        name="broker-payments-prepare",
    ),
    path(
        "broker/payments/verify-payment",
        views.VerifyPaymentView.as_view(),
        name="broker-payments-verify",
    ),
    path(
        "broker/payments/prepare-bulk-payment",
        views.PrepareBulkPaymentView.as_view(),
        name="broker-payments-prepare-bulk",
    ),
    path(
        "broker/payments/verify-bulk-payment",
        views.VerifyBulkPaymentView.as_view(),
        name="broker-payments-verify-bulk",
    ),
]
