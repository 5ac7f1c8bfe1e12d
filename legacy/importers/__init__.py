"""One importer per legacy table, in the order they run (parents first)."""

from legacy.importers.accounts import (
    BrokerProfilesImporter,
    UsersImporter,
    VendorProfilesImporter,
)
from legacy.importers.base import TableImporter
from legacy.importers.bookings import (
    AdminSettingsImporter,
    BookingEventsImporter,
    BookingGuestsImporter,
    BookingItemsImporter,
    BookingsImporter,
)
from legacy.importers.catalog import (
    ItemMediaImporter,
    ItemsImporter,
    SpacesImporter,
    VenuesImporter,
)
from legacy.importers.content import (
    ContentPagesImporter,
    GalleryImagesImporter,
    PageContentImporter,
)
from legacy.importers.contests import (
    ContestEntriesImporter,
    ContestEntryFilesImporter,
    ContestNotificationsImporter,
    ContestsImporter,
    UserEventDatesImporter,
)
from legacy.importers.hr import (
    AttendanceImporter,
    LeavesImporter,
    OfficesImporter,
    PayrollImporter,
    StaffDocumentsImporter,
    StaffImporter,
)
from legacy.importers.messaging import (
    AudioNotesImporter,
    ClientMessagesImporter,
    ClientNotificationsImporter,
    WhatsAppConversationsImporter,
    WhatsAppKeywordsImporter,
    WhatsAppMessagesImporter,
    WhatsAppQuickRepliesImporter,
)
from legacy.importers.notify import NotificationsImporter
from legacy.importers.offers import (
    CouponsImporter,
    CouponUsageImporter,
    OfferNotificationsImporter,
    OffersImporter,
    OfferUsageImporter,
)
from legacy.importers.payments import PaymentsImporter, RefundsImporter
from legacy.importers.programs import ProgramParticipantsImporter, ProgramsImporter
from legacy.importers.racks import RackOrdersImporter, RackProductsImporter, RacksImporter
from legacy.importers.transport import VehicleBookingsImporter, VehiclesImporter
from legacy.importers.vendors import (
    BookingItemRejectionsImporter,
    BookingItemStatusHistoryImporter,
    VendorNotificationsImporter,
)

IMPORTERS: list[type[TableImporter]] = [
    UsersImporter,
    VendorProfilesImporter,
    BrokerProfilesImporter,
    VenuesImporter,
    SpacesImporter,
    ItemsImporter,
    ItemMediaImporter,
    BookingsImporter,
    BookingItemsImporter,
    BookingEventsImporter,
    BookingGuestsImporter,
    AdminSettingsImporter,
    PaymentsImporter,
    RefundsImporter,
    ProgramsImporter,
    ProgramParticipantsImporter,
    ContentPagesImporter,
    PageContentImporter,
    GalleryImagesImporter,
    OffersImporter,
    CouponsImporter,
    OfferUsageImporter,
    CouponUsageImporter,
    OfferNotificationsImporter,
    ContestsImporter,
    ContestEntriesImporter,
    ContestEntryFilesImporter,
    ContestNotificationsImporter,
    UserEventDatesImporter,
    OfficesImporter,
    StaffImporter,
    StaffDocumentsImporter,
    AttendanceImporter,
    LeavesImporter,
    PayrollImporter,
    VehiclesImporter,
    VehicleBookingsImporter,
    RacksImporter,
    RackProductsImporter,
    RackOrdersImporter,
    WhatsAppKeywordsImporter,
    WhatsAppQuickRepliesImporter,
    WhatsAppConversationsImporter,
    WhatsAppMessagesImporter,
    AudioNotesImporter,
    # Before client_notifications: those take new ids after this table's legacy ones.
    NotificationsImporter,
    ClientNotificationsImporter,
    ClientMessagesImporter,
    BookingItemRejectionsImporter,
    VendorNotificationsImporter,
    BookingItemStatusHistoryImporter,
]

_VENDOR = "vendor workflow (accept, reject, supply, verify, settle)"
_CRM = "customers and CRM (messages, audio notes, notifications, activity)"
# An older shop no legacy code reads or writes (routers/racks.py uses racks, rack_products
# and rack_orders only): rows in them are reported, nothing takes them.
_RACKS = "the older shop tables (no legacy code uses them)"

# Legacy tables no importer reads yet, and the domain (a later issue) that will.
NOT_BUILT_TABLES: dict[str, str] = {
    "vendor_messages": _VENDOR,
    "client_activity_log": _CRM,
    "customers": _CRM,
    "rack_items": _RACKS,
    "rack_order_items": _RACKS,
    "shop_orders": _RACKS,
    "shop_order_items": _RACKS,
    "events": "legacy events (programs.event_id)",
    "invoice_edits": "invoice edits (staff's invoice overrides; importer to come)",
    "regular_programs": "regular programs table (no legacy code used it)",
    "timeslots": "time slots table (no legacy code used it)",
}

# Legacy tables that hold no business data.
IGNORED_TABLES: dict[str, str] = {
    "alembic_version": "the legacy's schema migration marker",
    "attendance_otps": "one-time attendance codes in plain text, expired minutes after sending",
    # Its rows are the accept/reject clicks booking_item_status_history records as well (whose
    # events are imported), plus the vendor's IP address and browser: personal data no screen
    # reads, not kept.
    "vendor_activity_log": "vendors' clicks, recorded again in booking_item_status_history",
}

__all__ = ["IGNORED_TABLES", "IMPORTERS", "NOT_BUILT_TABLES", "TableImporter"]
