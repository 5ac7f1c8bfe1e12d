from bookings.models.bookings import Booking, BookingEvent, BookingItem
from bookings.models.catalog import Item, ItemMedia
from bookings.models.guests import BookingGuest
from bookings.models.invoices import InvoiceEdit
from bookings.models.programs import Program, ProgramParticipant
from bookings.models.settings import AdminSetting
from bookings.models.venues import Space, Venue

__all__ = [
    "AdminSetting",
    "Booking",
    "BookingEvent",
    "BookingGuest",
    "BookingItem",
    "InvoiceEdit",
    "Item",
    "ItemMedia",
    "Program",
    "ProgramParticipant",
    "Space",
    "Venue",
]
