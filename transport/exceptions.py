"""Domain errors of transport (lebrq.errors maps their kinds to HTTP statuses)."""

from lebrq.errors import Conflict, InvalidInput, NotFound, Unavailable


class VehicleUnavailable(InvalidInput):
    """Unknown or inactive vehicle, or too small for the party (the legacy's 400)."""

    default_message = "Vehicle unavailable."
    default_code = "vehicle_unavailable"


class VehicleAlreadyBooked(Conflict):
    default_message = "This vehicle is already booked at that time."
    default_code = "vehicle_already_booked"


class BookingNotActive(Conflict):
    default_message = "Transport can only be added to a booking that holds its slot."
    default_code = "booking_not_active"


class LocationNotFound(NotFound):
    default_message = "Location not found."
    default_code = "location_not_found"


class GeocoderUnavailable(Unavailable):
    """The geocoding provider is down, slow, or its one request a second is taken."""

    default_message = "The location service is not available right now; please retry."
    default_code = "location_service_unavailable"
