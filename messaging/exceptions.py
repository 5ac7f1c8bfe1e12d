"""Domain errors of messaging (kinds from lebrq.errors; the API maps them to statuses)."""

from lebrq.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited


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


class AudioNoteNotFound(NotFound):
    default_message = "Audio note not found"
    default_code = "audio_note_not_found"


class ConversationNotFound(NotFound):
    default_message = "Conversation not found"
    default_code = "conversation_not_found"


class KeywordNotFound(NotFound):
    default_message = "Keyword not found"
    default_code = "keyword_not_found"


class QuickReplyNotFound(NotFound):
    default_message = "Quick reply not found"
    default_code = "quick_reply_not_found"


class AlreadyDeleted(InvalidInput):
    """The legacy's 400 for deleting a keyword or quick reply twice."""

    default_message = "Already deleted"
    default_code = "already_deleted"


class UnknownParent(InvalidInput):
    default_message = "parent_id: no such quick reply."
    default_code = "unknown_parent"


class OutsideSessionWindow(Conflict):
    """WhatsApp takes free text only within 24 hours of the customer's last message; later,
    only an approved template (which staff send from the booking screens)."""

    default_message = (
        "The customer last wrote more than 24 hours ago: WhatsApp accepts only templates now."
    )
    default_code = "outside_session_window"


class WebhookRefused(Forbidden):
    default_message = "Invalid webhook signature"
    default_code = "invalid_signature"


class InvalidPhone(InvalidInput):
    default_message = "to: a WhatsApp number with its country code, e.g. +919876543210."
    default_code = "invalid_phone"


class TooManyWebMessages(RateLimited):
    default_message = "Too many messages from the website for this number; try again later."
    default_code = "too_many_messages"


class RecipientOptedOut(Conflict):
    default_message = "The customer asked for no more WhatsApp messages."
    default_code = "opted_out"
