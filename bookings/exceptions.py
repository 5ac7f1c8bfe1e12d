"""Domain errors raised by booking services; the API maps them to 409 / 400 answers."""

from rest_framework import status
from rest_framework.exceptions import APIException


class BookingConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The booking cannot change that way."
    default_code = "booking_conflict"


class SlotUnavailable(BookingConflict):
    default_detail = "That time slot is already booked."
    default_code = "slot_unavailable"


class InvalidTransition(BookingConflict):
    default_code = "invalid_transition"
