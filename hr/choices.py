from django.db import models


class SalaryType(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    HOURLY = "hourly", "Hourly"


class DocumentType(models.TextChoices):
    ID = "id", "ID proof"
    PHOTO = "photo", "Photo"
    OFFER_LETTER = "offer_letter", "Offer letter"
    CONTRACT = "contract", "Contract"
    OTHER = "other", "Other"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    ABSENT = "absent", "Absent"
    HALF_DAY = "half_day", "Half day"
    HOLIDAY = "holiday", "Holiday"
    LEAVE = "leave", "Leave"


class LeaveType(models.TextChoices):
    CASUAL = "casual", "Casual"
    SICK = "sick", "Sick"
    PAID = "paid", "Paid"
    UNPAID = "unpaid", "Unpaid"


class LeaveStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class PayrollStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROCESSED = "processed", "Processed"
    LOCKED = "locked", "Locked"
