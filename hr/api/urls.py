from django.urls import path

from hr.api import views

# No trailing slashes here: lebrq.middleware.ApiTrailingSlashMiddleware serves both forms.
urlpatterns = [
    path("hr/staff", views.StaffCollectionView.as_view(), name="hr-staff"),
    path("hr/staff/<row_id:staff_id>", views.StaffItemView.as_view(), name="hr-staff-item"),
    path("hr/attendance", views.AttendanceListView.as_view(), name="hr-attendance"),
    # The staff page (app/staff.tsx): no login, the OTP is the proof.
    path(
        "hr/attendance/qr/scan-office-info",
        views.PublicScanOfficeInfoView.as_view(),
        name="hr-attendance-qr-scan",
    ),
    path(
        "hr/attendance/qr/send-otp",
        views.PublicSendOtpView.as_view(),
        name="hr-attendance-qr-send-otp",
    ),
    path(
        "hr/attendance/qr/verify-otp",
        views.PublicVerifyOtpView.as_view(),
        name="hr-attendance-qr-verify-otp",
    ),
    # The admin scan page (app/admin/hr/attendance/scan.tsx): the same steps with a token.
    path(
        "hr/attendance/scan-office-info",
        views.StaffScanOfficeInfoView.as_view(),
        name="hr-attendance-scan",
    ),
    path("hr/attendance/send-otp", views.StaffSendOtpView.as_view(), name="hr-attendance-send-otp"),
    path(
        "hr/attendance/verify-otp",
        views.StaffVerifyOtpView.as_view(),
        name="hr-attendance-verify-otp",
    ),
    path("hr/dashboard/stats", views.DashboardStatsView.as_view(), name="hr-dashboard-stats"),
    path("hr/leave", views.LeaveCollectionView.as_view(), name="hr-leave"),
    path("hr/leave/pending", views.LeavePendingView.as_view(), name="hr-leave-pending"),
    path(
        "hr/leave/<row_id:leave_id>/approve",
        views.LeaveApproveView.as_view(),
        name="hr-leave-approve",
    ),
    path("hr/office", views.OfficeCollectionView.as_view(), name="hr-office"),
    path("hr/office/<row_id:office_id>", views.OfficeItemView.as_view(), name="hr-office-item"),
    path(
        "hr/office/<row_id:office_id>/generate-qr",
        views.OfficeGenerateQrView.as_view(),
        name="hr-office-generate-qr",
    ),
    path(
        "hr/office/<row_id:office_id>/view-qr",
        views.OfficeViewQrView.as_view(),
        name="hr-office-view-qr",
    ),
    path("hr/payroll", views.PayrollListView.as_view(), name="hr-payroll"),
    path(
        "hr/payroll/calculate",
        views.PayrollActionView.as_view(operation="calculate"),
        name="hr-payroll-calculate",
    ),
    path(
        "hr/payroll/process",
        views.PayrollActionView.as_view(operation="process"),
        name="hr-payroll-process",
    ),
    path(
        "hr/payroll/lock",
        views.PayrollActionView.as_view(operation="lock"),
        name="hr-payroll-lock",
    ),
    path(
        "hr/payroll/<row_id:payroll_id>/salary-slip",
        views.SalarySlipView.as_view(),
        name="hr-payroll-salary-slip",
    ),
]
