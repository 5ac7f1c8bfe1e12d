"""HR in the admin. Staff records carry personal and bank details: only users with the hr
app's model permissions (HR staff, superusers) see these pages."""

from django.contrib import admin

from hr.models import Attendance, Leave, Office, Payroll, Staff, StaffDocument
from lebrq.admin import LargeTableAdmin


class StaffDocumentInline(admin.TabularInline[StaffDocument, Staff]):
    model = StaffDocument
    extra = 0
    fields = ("document_type", "file_name", "upload", "legacy_url", "description", "uploaded_at")
    readonly_fields = ("uploaded_at",)
    raw_id_fields = ("upload", "uploaded_by")


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin[Staff]):
    list_display = ("employee_code", "first_name", "last_name", "department", "role", "is_active")
    list_filter = ("is_active", "department", "salary_type")
    search_fields = ("=employee_code", "first_name", "last_name", "email", "phone")
    readonly_fields = ("created_at", "updated_at", "created_by")
    raw_id_fields = ("user",)
    inlines = (StaffDocumentInline,)


@admin.register(StaffDocument)
class StaffDocumentAdmin(LargeTableAdmin[StaffDocument]):
    list_display = ("staff", "document_type", "file_name", "uploaded_at")
    list_filter = ("document_type",)
    list_select_related = ("staff",)
    search_fields = ("=staff__employee_code", "staff__first_name", "staff__last_name")
    raw_id_fields = ("staff", "upload", "uploaded_by")
    readonly_fields = ("uploaded_at",)


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin[Office]):
    list_display = (
        "name",
        "latitude",
        "longitude",
        "allowed_radius",
        "is_active",
        "qr_generated_at",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "=qr_id")
    readonly_fields = ("qr_id", "qr_generated_at", "created_at", "updated_at", "created_by")


@admin.register(Attendance)
class AttendanceAdmin(LargeTableAdmin[Attendance]):
    list_display = (
        "staff",
        "attendance_date",
        "status",
        "check_in_time",
        "check_out_time",
        "total_hours",
        "is_manual",
    )
    list_filter = ("status", "is_manual")
    list_select_related = ("staff",)
    search_fields = ("=staff__employee_code", "staff__first_name", "staff__last_name")
    raw_id_fields = ("staff", "office", "corrected_by")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Leave)
class LeaveAdmin(LargeTableAdmin[Leave]):
    list_display = ("staff", "leave_type", "start_date", "end_date", "total_days", "status")
    list_filter = ("status", "leave_type")
    list_select_related = ("staff",)
    search_fields = ("=staff__employee_code", "staff__first_name", "staff__last_name")
    raw_id_fields = ("staff", "approved_by")
    readonly_fields = ("applied_at", "updated_at")


@admin.register(Payroll)
class PayrollAdmin(LargeTableAdmin[Payroll]):
    """Read-only: payroll is computed, processed and locked through the HR screens, so a
    locked month cannot be changed here either."""

    list_display = ("staff", "year", "month", "net_salary", "status", "is_locked")
    list_filter = ("status", "is_locked", "year")
    list_select_related = ("staff",)
    search_fields = ("=staff__employee_code", "staff__first_name", "staff__last_name")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
