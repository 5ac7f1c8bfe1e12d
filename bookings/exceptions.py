"""Domain errors raised by the booking services (lebrq.errors maps their kinds to HTTP)."""

from lebrq.errors import Conflict, Unprocessable


class BookingConflict(Conflict):
    default_message = "The booking cannot change that way."
    default_code = "booking_conflict"


class SlotUnavailable(BookingConflict):
    default_message = "That time slot is already booked."
    default_code = "slot_unavailable"


class InvalidTransition(BookingConflict):
    default_code = "invalid_transition"


class PriceMismatch(BookingConflict):
    """The client's total is not the server's price: both figures travel in `extra`."""

    default_message = "The total shown is not the price of this booking."
    default_code = "price_mismatch"


class SpaceInUse(Conflict):
    """A space that bookings or catalog items refer to cannot be deleted (deactivate it)."""

    default_message = "This space is in use; deactivate it instead."
    default_code = "space_in_use"


class ItemInUse(Conflict):
    """A catalog item that booking lines refer to cannot be deleted (mark it unavailable)."""

    default_message = "This item is on bookings; mark it unavailable instead of deleting it."
    default_code = "item_in_use"


class IdempotencyKeyReused(Unprocessable):
    """The Idempotency-Key of an earlier booking, sent with a different request (422, as the
    IETF Idempotency-Key draft asks): a replay must not hand back a booking of another slot."""

    default_message = "This Idempotency-Key was used for a different booking request."
    default_code = "idempotency_key_reused"
