"""Domain errors of messaging (kinds from lebrq.errors; the API maps them to statuses)."""

from lebrq.errors import Forbidden, InvalidInput, NotFound


class ThreadNotFound(NotFound):
    default_message = "Thread not found"
    default_code = "thread_not_found"


class ClientNotFound(NotFound):
    default_message = "Client not found"
    default_code = "client_not_found"


class CustomerNotFound(NotFound):
    default_message = "Customer not found"
    default_code = "customer_not_found"


class NotificationNotFound(NotFound):
    default_message = "Notification not found"
    default_code = "notification_not_found"


class CustomersOnly(Forbidden):
    default_message = "Customers only"
    default_code = "customers_only"


class UnknownBooking(InvalidInput):
    default_message = "booking_id: no such booking of this customer."
    default_code = "unknown_booking"


class InvalidSuspensionDate(InvalidInput):
    default_message = "Invalid date format"
    default_code = "invalid_date"


class BookingNotFound(NotFound):
    default_message = "Booking not found"
    default_code = "booking_not_found"
