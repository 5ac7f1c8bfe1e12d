"""Domain errors of the payments services (lebrq.errors maps their kinds to HTTP)."""

from lebrq.errors import Conflict, Forbidden, InvalidInput, NotFound


class AmountMismatch(Conflict):
    """The client's figure is not what the booking owes: both travel in `extra`."""

    default_message = "That amount is not what this booking owes."
    default_code = "amount_mismatch"


class SignatureInvalid(InvalidInput):
    default_message = "The payment signature does not match; nothing was recorded."
    default_code = "signature_invalid"


class PaymentNotFound(NotFound):
    default_message = "Payment not found."
    default_code = "payment_not_found"


class PaymentNotCaptured(Conflict):
    default_message = "The payment service has not received this payment."
    default_code = "payment_not_captured"


class NotPayable(Conflict):
    default_message = "This booking takes no payment now."
    default_code = "not_payable"


class NotYours(Forbidden):
    default_message = "This booking belongs to someone else."
    default_code = "forbidden"


class RefundTooLarge(InvalidInput):
    default_message = "A refund cannot exceed what was paid and not yet refunded."
    default_code = "refund_too_large"


class RefundNotProcessable(Conflict):
    default_message = "This refund cannot be processed in its current state."
    default_code = "refund_not_processable"
