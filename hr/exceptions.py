from lebrq.errors import Conflict, InvalidInput, NotFound


class StaffNotFound(NotFound):
    default_message = "Staff not found"
    default_code = "staff_not_found"


class OfficeNotFound(NotFound):
    default_message = "Office not found"
    default_code = "office_not_found"


class LeaveNotFound(NotFound):
    default_message = "Leave not found"
    default_code = "leave_not_found"


class PayrollNotFound(NotFound):
    default_message = "Payroll not found"
    default_code = "payroll_not_found"


class SalarySlipNotGenerated(NotFound):
    default_message = "Salary slip not generated"
    default_code = "salary_slip_not_generated"


class StaffDuplicate(InvalidInput):
    """The legacy's 400s: "Email already exists"... (the staff form matches on the word)."""

    default_code = "staff_duplicate"


class QrAlreadyGenerated(Conflict):
    default_code = "qr_already_generated"


class QrNotGenerated(Conflict):
    default_message = "QR code has not been generated yet. Please generate it first."
    default_code = "qr_not_generated"


class LeaveNotPending(Conflict):
    default_message = "Leave request is not pending"
    default_code = "leave_not_pending"


class LeaveOverlaps(Conflict):
    default_message = "Leave already exists for this date range"
    default_code = "leave_overlaps"


class PayrollLocked(Conflict):
    """A locked month never changes: not recalculated, processed, relocked, nor its leave."""

    default_message = "Payroll for this month is locked and cannot be changed"
    default_code = "payroll_locked"


class PayrollNotProcessed(Conflict):
    default_message = "Payroll must be processed before locking"
    default_code = "payroll_not_processed"


class NotAtOffice(InvalidInput):
    default_code = "not_at_office"


class AttendanceBusy(Conflict):
    default_message = "Attendance for today is being marked already; please retry."
    default_code = "attendance_busy"
