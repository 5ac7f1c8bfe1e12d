"""What the brokers' services refuse, in domain terms (no HTTP here)."""

from lebrq.errors import Conflict, NotFound


class BrokerNotFound(NotFound):
    default_message = "Broker not found"
    default_code = "broker_not_found"


class NothingToSettle(Conflict):
    default_message = "No unsettled brokerage to pay."
    default_code = "nothing_to_settle"


class AlreadySettled(Conflict):
    default_message = "Broker payment already settled"
    default_code = "broker_already_settled"


class PayoutNotFound(NotFound):
    default_message = "No brokerage payment was prepared for this order."
    default_code = "payout_not_found"


class PayoutMismatch(Conflict):
    default_message = "This payment was prepared for other bookings."
    default_code = "payout_mismatch"


class PayoutRefused(Conflict):
    default_message = "The payment could not settle its bookings and is being refunded."
    default_code = "payout_refused"
