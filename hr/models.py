"""HR: staff records, offices with their QR code, attendance, leave and monthly payroll (the
legacy's staff, offices, attendance, leaves and payroll tables; docs/HR.md).

Personal and bank details of a staff record are shown to HR staff only (hr.access); money is
Decimal, hours and days too.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hr.choices import (
    AttendanceStatus,
    DocumentType,
    LeaveStatus,
    LeaveType,
    PayrollStatus,
    SalaryType,
)
from uploads.models import Upload

ZERO = Decimal("0")


class Staff(models.Model):
    """An employee of the venue (not necessarily a user who logs in)."""

    employee_code = models.CharField(max_length=50, unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_record",
        help_text="The login of this employee, if any (lets them apply for their own leave).",
    )
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120)
    email = models.EmailField(max_length=255, unique=True)
    # The 10 digits of an Indian mobile number: attendance OTPs are sent there.
    phone = models.CharField(max_length=32)
    date_of_birth = models.DateField(null=True, blank=True)
    address = models.TextField(blank=True)
    aadhar_number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    pan_number = models.CharField(max_length=20, null=True, blank=True, unique=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_phone = models.CharField(max_length=32, blank=True)
    emergency_contact_relation = models.CharField(max_length=50, blank=True)
    bank_name = models.CharField(max_length=120, blank=True)
    bank_account_number = models.CharField(max_length=34, blank=True)
    bank_ifsc = models.CharField("bank IFSC", max_length=11, blank=True)

    role = models.CharField("designation", max_length=100)
    department = models.CharField(max_length=100)
    salary_type = models.CharField(
        max_length=20, choices=SalaryType.choices, default=SalaryType.MONTHLY
    )
    fixed_salary = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    hourly_wage = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(ZERO)]
    )
    joining_date = models.DateField()
    # {"hra": 5000, "travel": 2000, "food": 1500, "custom": {"phone": 300}} (amounts a month)
    allowances = models.JSONField(default=dict, blank=True)
    # {"pf": 1800, "esi": 500, "tds": 2000, "custom": {...}} (amounts a month)
    deductions = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    photo_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "staff"
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "staff"
        indexes = [
            models.Index(fields=["created_at", "id"], name="staff_created_idx"),
            models.Index(fields=["is_active", "first_name", "last_name"], name="staff_active_idx"),
        ]
        permissions = [("access_hr", "Can use the HR screens (staff, attendance, leave, payroll)")]

    def __str__(self) -> str:
        return f"{self.employee_code} {self.full_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class StaffDocument(models.Model):
    """A document kept on a staff record (ID proof, offer letter, contract): a private upload,
    read by HR staff in the admin. The legacy's staff_documents table; no screen of the
    frontend lists them."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="documents")
    document_type = models.CharField(max_length=50, choices=DocumentType.choices)
    upload = models.OneToOneField(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="staff_document"
    )
    file_name = models.CharField(max_length=255)
    # Imported rows whose file was not found: where the legacy kept it.
    legacy_url = models.CharField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "staff_documents"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()} of {self.staff_id}"


class Office(models.Model):
    """A place staff clock in at: its QR code carries `qr_id`; a scan counts within
    `allowed_radius` metres of the point."""

    name = models.CharField(max_length=255)
    qr_id = models.CharField(max_length=100, unique=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    allowed_radius = models.FloatField(
        default=100.0, validators=[MinValueValidator(10), MaxValueValidator(1000)]
    )
    is_active = models.BooleanField(default=True)
    qr_generated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "offices"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    """One day of one employee: one row per person per day (a unique constraint, so two
    scans at once cannot both check in)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="attendance")
    attendance_date = models.DateField()
    office = models.ForeignKey(
        Office, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    check_in_time = models.DateTimeField(null=True, blank=True)
    check_out_time = models.DateTimeField(null=True, blank=True)
    total_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    overtime_hours = models.DecimalField(max_digits=7, decimal_places=2, default=ZERO)
    check_in_latitude = models.FloatField(null=True, blank=True)
    check_in_longitude = models.FloatField(null=True, blank=True)
    check_out_latitude = models.FloatField(null=True, blank=True)
    check_out_longitude = models.FloatField(null=True, blank=True)
    check_in_device_type = models.CharField(max_length=50, blank=True)
    check_in_ip_address = models.GenericIPAddressField(null=True, blank=True)
    check_out_device_type = models.CharField(max_length=50, blank=True)
    check_out_ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    is_manual = models.BooleanField(default=False)
    manual_correction_note = models.TextField(blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "attendance"
        ordering = ["-attendance_date", "-created_at", "-id"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "attendance_date"], name="attendance_one_per_person_per_day"
            )
        ]
        indexes = [
            models.Index(
                fields=["attendance_date", "created_at", "id"], name="attendance_date_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} on {self.attendance_date}"


class Leave(models.Model):
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="leaves")
    leave_type = models.CharField(max_length=50, choices=LeaveType.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    total_days = models.DecimalField(max_digits=6, decimal_places=1)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=LeaveStatus.choices, default=LeaveStatus.PENDING
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "leaves"
        ordering = ["-applied_at", "-id"]
        indexes = [
            models.Index(fields=["status", "applied_at", "id"], name="leaves_status_idx"),
            models.Index(fields=["applied_at", "id"], name="leaves_applied_idx"),
            models.Index(fields=["staff", "start_date"], name="leaves_staff_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="leaves_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.leave_type} leave of {self.staff_id}, {self.start_date}-{self.end_date}"


class Payroll(models.Model):
    """One employee's pay for one month, computed from attendance and leave (hr.payroll).
    Once locked it never changes (hr.services refuses with PayrollLocked)."""

    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="payrolls")
    month = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000)])
    period_start = models.DateField()
    period_end = models.DateField()
    total_working_days = models.PositiveSmallIntegerField()
    present_days = models.DecimalField(max_digits=6, decimal_places=1)
    absent_days = models.DecimalField(max_digits=6, decimal_places=1, default=ZERO)
    leave_days = models.DecimalField(max_digits=6, decimal_places=1, default=ZERO)
    unpaid_leave_days = models.DecimalField(max_digits=6, decimal_places=1, default=ZERO)
    half_days = models.DecimalField(max_digits=6, decimal_places=1, default=ZERO)
    holidays = models.PositiveSmallIntegerField(default=0)
    total_hours = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    overtime_hours = models.DecimalField(max_digits=7, decimal_places=2, default=ZERO)
    basic_salary = models.DecimalField(max_digits=12, decimal_places=2)
    calculated_salary = models.DecimalField(max_digits=12, decimal_places=2)
    total_allowances = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    overtime_pay = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    total_deductions = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    leave_deductions = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    net_salary = models.DecimalField(max_digits=12, decimal_places=2)
    allowances_breakdown = models.JSONField(default=dict, blank=True)
    deductions_breakdown = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=20, choices=PayrollStatus.choices, default=PayrollStatus.DRAFT
    )
    is_locked = models.BooleanField(default=False)
    salary_slip_url = models.CharField(max_length=500, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "payroll"
        ordering = ["-year", "-month", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "year", "month"], name="payroll_one_per_person_per_month"
            ),
            models.CheckConstraint(
                condition=models.Q(is_locked=False) | models.Q(status=PayrollStatus.LOCKED),
                name="payroll_locked_status",
            ),
        ]
        indexes = [models.Index(fields=["year", "month", "id"], name="payroll_period_idx")]

    def __str__(self) -> str:
        return f"Payroll of {self.staff_id} for {self.year}-{self.month:02d}"
