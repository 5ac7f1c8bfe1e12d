"""Domain errors of vendors (lebrq.errors maps their kinds to HTTP statuses)."""

from lebrq.errors import Conflict, Forbidden, InvalidInput, NotFound


class VendorNotFound(NotFound):
    default_message = "Vendor not found"
    default_code = "vendor_not_found"


class VendorProfileMissing(NotFound):
    default_message = "Vendor profile not found"
    default_code = "vendor_profile_not_found"


class VendorSuspended(Forbidden):
    default_message = "This vendor account is suspended."
    default_code = "vendor_suspended"


class BookingItemNotFound(NotFound):
    default_message = "Booking item not found"
    default_code = "booking_item_not_found"


class OrderNotFound(NotFound):
    """A booking item that is not this vendor's (or no longer: reassigned)."""

    default_message = "Order item not found"
    default_code = "order_not_found"


class NotificationNotFound(NotFound):
    default_message = "Notification not found"
    default_code = "notification_not_found"


class WrongFulfilmentStep(Conflict):
    """The booking item is not in a state this step may leave (vendors/README.md)."""

    default_message = "This step does not apply to the booking item as it stands."
    default_code = "wrong_fulfilment_step"


class VendorRejectedItem(Conflict):
    default_message = "This vendor has previously rejected this item."
    default_code = "vendor_rejected_item"


class AlreadySettled(Conflict):
    default_message = "Some booking items are already settled."
    default_code = "already_settled"


class PayoutInProgress(Conflict):
    default_message = "A payment for these items is in progress."
    default_code = "payout_in_progress"


class NothingToPay(InvalidInput):
    default_message = "No amount to pay"
    default_code = "nothing_to_pay"


class SettlementMismatch(InvalidInput):
    default_message = "This payment was prepared for other booking items."
    default_code = "settlement_mismatch"


class NoInvoiceItems(InvalidInput):
    default_message = "No items available for invoice generation."
    default_code = "no_invoice_items"
