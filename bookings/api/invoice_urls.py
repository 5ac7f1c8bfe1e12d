"""The staff invoice screen's routes (included by bookings/api/urls.py)."""

from django.urls import path

from bookings.api import staff_invoices

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("admin/invoices", staff_invoices.StaffInvoiceListView.as_view(), name="staff-invoices"),
    path(
        "admin/invoices/<row_id:booking_id>/data",
        staff_invoices.StaffInvoiceDataView.as_view(),
        name="staff-invoice-data",
    ),
    path(
        "admin/invoices/<row_id:booking_id>/save",
        staff_invoices.StaffInvoiceSaveView.as_view(),
        name="staff-invoice-save",
    ),
    path(
        "admin/invoices/<row_id:booking_id>/preview",
        staff_invoices.StaffInvoicePreviewView.as_view(),
        name="staff-invoice-preview",
    ),
    path(
        "admin/invoices/<row_id:booking_id>/download",
        staff_invoices.StaffInvoiceDownloadView.as_view(),
        name="staff-invoice-download",
    ),
]
