"""Every resource the API returns, pinned as a whole body: every key, its type and its form.

A dropped, renamed or retyped field fails here, and test_removing_any_field_breaks_its_pin
shows that each pin covers every field of its serializer. Values that differ from run to run
(ids of uploads, hashes, now) are matched by their form; everything else is literal.

Datetimes go out as the legacy sent them: booking times as naive venue-local wall time, record
timestamps as naive UTC (lebrq.api.fields).
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.utils import timezone
from rest_framework import serializers as drf

from accounts.api.serializers import MeSerializer
from bookings.api import serializers
from bookings.choices import BookingStatus, BookingType
from bookings.models import Booking, BookingItem, Item, Program, Space, Venue
from bookings.selectors import booking_get
from tests import factories
from tests.conftest import bearer_client
from tests.samples import image_bytes
from uploads.api.gallery import GalleryImageSerializer
from uploads.api.serializers import UploadSerializer
from uploads.choices import UploadKind
from uploads.models import GalleryImage, Upload
from uploads.services import upload_store

pytestmark = pytest.mark.django_db


class Matches:
    """Equal to any string of the given form (for values that change from run to run)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(self.pattern.fullmatch(other))

    def __repr__(self) -> str:
        return f"Matches({self.pattern.pattern!r})"


class InstanceOf:
    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __eq__(self, other: object) -> bool:
        return isinstance(other, self.kind) and not isinstance(other, bool)

    def __repr__(self) -> str:
        return f"InstanceOf({self.kind.__name__})"


NAIVE_DATETIME = Matches(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
SHA256 = Matches(r"[0-9a-f]{64}")
AN_INT = InstanceOf(int)

# Record timestamps, fixed so the bodies below are literal: 10:00 IST is 04:30 UTC.
CREATED = datetime(2026, 11, 20, 4, 30, tzinfo=UTC)
CREATED_TEXT = "2026-11-20T04:30:00"
UPDATED = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
UPDATED_TEXT = "2026-11-21T06:00:00"
# A booking from 16:00 to 19:00 in Kochi.
STARTS = datetime(2030, 1, 15, 16, 0, tzinfo=timezone.get_default_timezone())
ENDS = datetime(2030, 1, 15, 19, 0, tzinfo=timezone.get_default_timezone())


def stamp[M: Model](instance: M) -> M:
    """Give a row the fixed created/updated timestamps (auto_now would overwrite a save)."""
    values = {"created_at": CREATED}
    if hasattr(instance, "updated_at"):
        values["updated_at"] = UPDATED
    type(instance)._default_manager.filter(pk=instance.pk).update(**values)
    instance.refresh_from_db()
    return instance


@pytest.fixture
def world(db) -> dict[str, Any]:
    customer = factories.UserFactory(
        username="asha", email="asha@example.com", mobile="+919812345678"
    )
    venue = stamp(
        factories.VenueFactory(
            name="LeBRQ Kochi",
            address="MG Road",
            city="Kochi",
            timezone="Asia/Kolkata",
            metadata_json={"parking": True},
        )
    )
    space = stamp(
        factories.SpaceFactory(
            venue=venue,
            name="Grand Hall",
            description="The big one",
            capacity=300,
            price_per_hour=Decimal("2000.00"),
            advance_payment_percentage=Decimal("25.00"),
            image_url="/static/hall.jpg",
            features=[{"id": "ac", "label": "Air conditioning", "paid": False}],
            pricing_overrides={"weekend": 2500},
            event_types=["Wedding"],
            stage_options=[{"id": "s1", "price": 1000}],
            banner_sizes=[{"id": "b1", "price": 500}],
        )
    )
    vendor = factories.VendorFactory(
        company_name="Cakes & Co", contact_phone="+914840000000", contact_email="c@example.com"
    )
    cake = stamp(
        factories.ItemFactory(
            name="Birthday cake",
            description="1 kg",
            price=Decimal("1200.00"),
            main_category="cake-others",
            category="cake",
            subcategory="birthday-party",
            item_type="veg",
            image_url="/static/cake.jpg",
            vendor=vendor,
            preparation_time_minutes=120,
        )
    )
    booking = stamp(
        factories.BookingFactory(
            user=customer,
            space=space,
            start_datetime=STARTS,
            end_datetime=ENDS,
            status=BookingStatus.APPROVED,
            booking_type=BookingType.ONE_DAY,
            event_type="Birthday Party",
            attendees=40,
            space_amount=Decimal("6000.00"),
            total_amount=Decimal("8400.00"),
            advance_amount=Decimal("2100.00"),
            paid_amount=Decimal("2100.00"),
            customer_note="Balloons please",
            admin_note="VIP",
            banner_image_url="/static/banner.jpg",
        )
    )
    line = stamp(
        factories.BookingItemFactory(
            booking=booking, item=cake, quantity=2, total_price=Decimal("2400.00")
        )
    )
    program = stamp(
        factories.ProgramFactory(
            title="Morning yoga",
            description="Gentle",
            schedule="Mon-Fri 06:00",
            start_time=time(6, 0),
            end_time=time(7, 0),
            price=Decimal("1500.00"),
            poster_url="/static/yoga.jpg",
        )
    )
    return {
        "customer": customer,
        "venue": venue,
        "space": space,
        "vendor": vendor,
        "cake": cake,
        "booking": booking,
        "line": line,
        "program": program,
    }


def venue_body(venue: Venue) -> dict[str, Any]:
    return {
        "id": venue.pk,
        "name": "LeBRQ Kochi",
        "address": "MG Road",
        "city": "Kochi",
        "timezone": "Asia/Kolkata",
        "metadata_json": {"parking": True},
        "created_at": CREATED_TEXT,
        "updated_at": UPDATED_TEXT,
    }


def space_body(space: Space) -> dict[str, Any]:
    return {
        "id": space.pk,
        "venue_id": space.venue_id,
        "name": "Grand Hall",
        "description": "The big one",
        "capacity": 300,
        "price_per_hour": 2000.0,
        "advance_payment_percentage": 25.0,
        "image_url": "/static/hall.jpg",
        "features": [{"id": "ac", "label": "Air conditioning", "paid": False}],
        "pricing_overrides": {"weekend": 2500},
        "event_types": ["Wedding"],
        "stage_options": [{"id": "s1", "price": 1000}],
        "banner_sizes": [{"id": "b1", "price": 500}],
        "active": True,
        "created_at": CREATED_TEXT,
        "updated_at": UPDATED_TEXT,
    }


def item_body(item: Item) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": "Birthday cake",
        "description": "1 kg",
        "price": 1200.0,
        "main_category": "cake-others",
        "category": "cake",
        "subcategory": "birthday-party",
        "type": "veg",
        "image_url": "/static/cake.jpg",
        "video_url": "",
        "profile_image_url": "",
        "profile_info": "",
        "performance_team_profile": None,
        "space_id": None,
        "vendor_id": item.vendor_id,
        "item_status": "available",
        "preparation_time_minutes": 120,
        "base_hours_included": 0,
        "rate_per_extra_hour": 0.0,
    }


def program_body(program: Program) -> dict[str, Any]:
    return {
        "id": program.pk,
        "title": "Morning yoga",
        "description": "Gentle",
        "program_type": "yoga",
        "schedule": "Mon-Fri 06:00",
        "start_time": "06:00:00",
        "end_time": "07:00:00",
        "price": 1500.0,
        "status": "approved",
        "poster_url": "/static/yoga.jpg",
        "created_at": CREATED_TEXT,
        "updated_at": UPDATED_TEXT,
    }


def line_body(line: BookingItem) -> dict[str, Any]:
    return {
        "id": line.pk,
        "kind": "catalog",
        "item_id": line.item_id,
        "item_name": "Birthday cake",
        "item_description": "1 kg",
        "image_url": "/static/cake.jpg",
        "quantity": 2,
        "hours_used": None,
        "unit_price": 1200.0,
        "total_price": 2400.0,
        "booking_status": "pending",
        "is_supplied": False,
    }


def booking_columns(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "booking_reference": booking.booking_reference,
        "series_reference": "",
        "user_id": booking.user_id,
        "venue_id": booking.venue_id,
        "venue_name": "LeBRQ Kochi",
        "space_id": booking.space_id,
        "space_name": "Grand Hall",
        "start_datetime": "2030-01-15T16:00:00",
        "end_datetime": "2030-01-15T19:00:00",
        "attendees": 40,
        "status": "approved",
        "booking_type": "one_day",
        "event_type": "Birthday Party",
        "total_amount": 8400.0,
        "advance_amount": 2100.0,
        "paid_amount": 2100.0,
        "balance_amount": 6300.0,
        "brokerage_amount": 0.0,
        "customer_note": "Balloons please",
        "admin_note": "VIP",
        "is_admin_booking": False,
        "banner_image_url": "/static/banner.jpg",
        "stage_banner_url": "",
        "created_at": CREATED_TEXT,
        "updated_at": UPDATED_TEXT,
    }


def booking_body(booking: Booking, line: BookingItem) -> dict[str, Any]:
    return {**booking_columns(booking), "price_per_hour": 2000.0, "items": [line_body(line)]}


def user_summary(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.user_id,
        "name": "Asha Menon",
        "username": "asha",
        "email": "asha@example.com",
        "mobile": "+919812345678",
    }


def staff_booking_body(booking: Booking) -> dict[str, Any]:
    return {
        **booking_columns(booking),
        "user_name": "Asha Menon",
        "user": user_summary(booking),
        "discount_amount": 0.0,
        "audio_count": 0,
    }


def staff_line_fulfilment(line: BookingItem) -> dict[str, Any]:
    """What staff see of a line's fulfilment by its vendor (vendors/README.md)."""
    return {
        "vendor_id": line.vendor_id,
        "vendor_name": "Cakes & Co",
        "rejection_status": False,
        "rejection_note": None,
        "rejected_at": None,
        "accepted_at": None,
    }


def staff_booking_detail_body(booking: Booking, line: BookingItem) -> dict[str, Any]:
    items = [{**line_body(line), **staff_line_fulfilment(line)}]
    return {**staff_booking_body(booking), "items": items}


def staff_line_body(line: BookingItem) -> dict[str, Any]:
    booking = line.booking
    return {
        "booking_item_id": line.pk,
        "booking_id": booking.pk,
        "booking_reference": booking.booking_reference,
        "booking_state": "approved",
        "booking_created_at": CREATED_TEXT,
        "event_type": "Birthday Party",
        "event_date": "2030-01-15",
        "booking_status": "pending",
        "is_supplied": False,
        "is_supplyed": False,
        "supplied_at": None,
        "supply_verified": False,
        "verified_at": None,
        "accepted_at": None,
        "rejection_status": False,
        "rejection_note": None,
        "rejected_at": None,
        "quantity": 2,
        "hours_used": None,
        "unit_price": 1200.0,
        "total_price": 2400.0,
        "payment_settled": False,
        "payment_settled_at": None,
        "item_id": line.item_id,
        "item_name": "Birthday cake",
        "image_url": "/static/cake.jpg",
        "vendor_id": line.vendor_id,
        "vendor_company": "Cakes & Co",
        "vendor_phone": "+914840000000",
        "vendor_email": "c@example.com",
        "space_id": booking.space_id,
        "space_name": "Grand Hall",
        "venue_id": booking.venue_id,
        "venue_name": "LeBRQ Kochi",
        "user_id": booking.user_id,
        "user_name": "Asha Menon",
    }


def regular_program_body(booking: Booking) -> dict[str, Any]:
    return {
        "id": booking.pk,
        "booking_reference": booking.booking_reference,
        "title": "Morning yoga",
        "event_type": "Morning yoga",
        "booking_type": "daily",
        "start_datetime": "2030-01-15T16:00:00",
        "end_datetime": "2030-01-15T19:00:00",
        "space_id": booking.space_id,
        "space_name": "Grand Hall",
        "status": "approved",
        "series_reference": "SR-1",
        "banner_image_url": "",
        "customer_note": "",
        "attendees": 20,
        "trainer": "Coach",
    }


def me_body(user: Any) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": "asha",
        "email": "asha@example.com",
        "role": "customer",
        "first_name": "Asha",
        "last_name": "Menon",
        "mobile": "+919812345678",
        "profile_image": "",
        "is_staff": False,
    }


def upload_body(upload: Upload) -> dict[str, Any]:
    return {
        "id": upload.pk,
        "url": f"/api/uploads/{upload.pk}",
        "thumbnail_url": f"/api/uploads/{upload.pk}/thumbnail",
        "original_name": "hall.png",
        "content_type": "image/png",
        "size": AN_INT,
        "sha256": SHA256,
        "kind": "image",
        "width": 8,
        "height": 6,
        "created_at": NAIVE_DATETIME,
    }


def gallery_body(entry: GalleryImage) -> dict[str, Any]:
    upload_id = entry.upload_id
    return {
        "id": entry.pk,
        "title": "Stage night",
        "description": "Our stage",
        "media_type": "image",
        "filename": "hall.png",
        "content_type": "image/png",
        "width": 8,
        "height": 6,
        "url": f"http://testserver/api/uploads/{upload_id}",
        "thumbnail_url": f"http://testserver/api/uploads/{upload_id}/thumbnail",
        "created_at": CREATED_TEXT,
    }


def stored_image(owner: Any, *, is_public: bool = False) -> Upload:
    uploaded = SimpleUploadedFile("hall.png", image_bytes("PNG"), content_type="image/png")
    return upload_store(
        uploaded_file=uploaded, owner=owner, kind=UploadKind.IMAGE, is_public=is_public
    )


@pytest.fixture
def gallery_entry(world) -> GalleryImage:
    upload = stored_image(world["customer"], is_public=True)
    entry = GalleryImage.objects.create(upload=upload, title="Stage night", description="Our stage")
    return stamp(entry)


# --- Through the API, as the frontend calls it ------------------------------------------------


def test_own_booking_list(world):
    client = bearer_client(world["customer"])

    body = client.get("/api/bookings").json()

    assert body == {
        "items": [booking_body(world["booking"], world["line"])],
        "pagination": {
            "page": 1,
            "page_size": 50,
            "total": 1,
            "total_pages": 1,
            "has_next": False,
            "has_prev": False,
        },
    }


def test_own_booking_detail(world):
    booking = world["booking"]
    client = bearer_client(world["customer"])

    assert client.get(f"/api/bookings/{booking.pk}").json() == booking_body(booking, world["line"])


def test_regular_program_list(world):
    booking = factories.BookingFactory(
        user=world["customer"],
        space=world["space"],
        start_datetime=STARTS.replace(day=16),
        end_datetime=ENDS.replace(day=16),
        booking_type=BookingType.DAILY,
        status=BookingStatus.APPROVED,
        event_type="Morning yoga",
        series_reference="SR-1",
    )
    client = bearer_client(world["customer"])

    body = client.get("/api/bookings/regular-programs", {"include_past": "true"}).json()

    expected = regular_program_body(booking)
    expected |= {"start_datetime": "2030-01-16T16:00:00", "end_datetime": "2030-01-16T19:00:00"}
    assert body["items"] == [expected]


def test_staff_booking_list_and_detail(world, staff_client):
    booking = world["booking"]

    listed = staff_client.get("/api/admin/bookings").json()
    detail = staff_client.get(f"/api/admin/bookings/{booking.pk}").json()

    assert listed["items"] == [staff_booking_body(booking)]
    assert detail == staff_booking_detail_body(booking, world["line"])


def test_staff_action_result(world, staff_client):
    booking = world["booking"]

    body = staff_client.post(f"/api/admin/bookings/{booking.pk}/complete").json()

    expected = {"ok": True, **staff_booking_detail_body(booking, world["line"])}
    assert body == expected | {"status": "completed", "updated_at": NAIVE_DATETIME}


def test_staff_booking_item_list(world, staff_client):
    body = staff_client.get("/api/admin/booking-items").json()

    assert body["items"] == [staff_line_body(world["line"])]


def test_catalog_resources(world, api_client):
    venue, space, cake, program = world["venue"], world["space"], world["cake"], world["program"]

    assert api_client.get(f"/api/venues/{venue.pk}").json() == venue_body(venue)
    assert api_client.get(f"/api/spaces/{space.pk}").json() == space_body(space)
    assert api_client.get(f"/api/venues/spaces/{space.pk}").json() == space_body(space)
    assert api_client.get(f"/api/items/{cake.pk}").json() == item_body(cake)
    assert api_client.get(f"/api/programs/{program.pk}").json() == program_body(program)


def test_the_legacy_bare_array_lists(world, api_client):
    """The venue picker (app/admin/spaces/new.tsx) and the space screens read these lists as
    bare arrays of the same resources."""
    venue, space = world["venue"], world["space"]

    assert api_client.get("/api/venues/").json() == [venue_body(venue)]
    assert api_client.get("/api/venues/spaces").json() == [space_body(space)]
    assert api_client.get(f"/api/venues/{venue.pk}/spaces").json() == [space_body(space)]


def test_gallery_entry(gallery_entry, api_client):
    body = api_client.get(f"/api/gallery/{gallery_entry.pk}").json()

    assert body == gallery_body(gallery_entry)
    assert api_client.get("/api/gallery/public").json() == [gallery_body(gallery_entry)]


def test_upload_result(world):
    client = bearer_client(world["customer"])
    image = SimpleUploadedFile("hall.png", image_bytes("PNG"), content_type="image/png")

    body = client.post("/api/uploads/image", {"file": image}, format="multipart").json()

    upload = Upload.objects.get()
    assert body == {
        "url": f"/api/uploads/{upload.pk}",
        "path": upload.file.name,
        "files": [upload_body(upload)],
    }


def test_me(world):
    client = bearer_client(world["customer"])

    assert client.get("/api/auth/me").json() == me_body(world["customer"])


def test_login_and_register(db, api_client):
    factories.UserFactory(username="asha")
    token = Matches(r"[\w-]+\.[\w-]+\.[\w-]+")

    login = api_client.post(
        "/api/auth/login", {"username": "asha", "password": factories.PASSWORD}
    ).json()
    registered = api_client.post(
        "/api/auth/register", {"username": "ravi@example.com", "password": "a-long-passphrase-9"}
    ).json()

    assert login == {"access_token": token, "refresh_token": token, "token_type": "bearer"}
    assert registered == {
        "success": True,
        "id": AN_INT,
        "username": "ravi@example.com",
        "access_token": token,
        "refresh_token": token,
        "token_type": "bearer",
    }


def test_errors(world, api_client, other_client, settings):
    # The pinned world books in 2030: further ahead than a customer may book by default.
    settings.BOOKING_MAX_DAYS_AHEAD = 3650

    not_found = api_client.get("/api/venues/999999").json()
    unauthenticated = api_client.get("/api/bookings").json()
    forbidden = other_client.get(f"/api/bookings/{world['booking'].pk}").json()
    invalid = bearer_client(world["customer"]).post("/api/bookings", {}).json()
    conflict = other_client.post(
        "/api/bookings",
        {
            "space_id": world["space"].pk,
            "start_datetime": "2030-01-15T17:00:00",
            "end_datetime": "2030-01-15T18:00:00",
        },
    ).json()

    missing = "No Venue matches the given query."
    assert not_found == {"detail": missing, "message": missing, "code": "not_found"}
    assert unauthenticated == {
        "detail": "Authentication credentials were not provided.",
        "message": "Authentication credentials were not provided.",
        "code": "not_authenticated",
    }
    assert forbidden == {
        "detail": "This booking belongs to someone else.",
        "message": "This booking belongs to someone else.",
        "code": "permission_denied",
    }
    required = ["This field is required."]
    assert invalid == {
        "detail": "space_id: This field is required.",
        "message": "space_id: This field is required.",
        "code": "invalid",
        "errors": {"space_id": required, "start_datetime": required, "end_datetime": required},
    }
    # Another customer's booking is not named to the one it turns away.
    conflict_message = "Time slot conflicts with another booking."
    assert conflict == {
        "detail": conflict_message,
        "message": conflict_message,
        "code": "slot_unavailable",
    }


# --- Each pin covers every field of its serializer ---------------------------------------------

World = dict[str, Any]
# (serializer, the instance it shows, its pinned body; None: the body depends on the instance)
Pin = tuple[
    type[drf.Serializer[Any]], Callable[[World], Any], Callable[[World], dict[str, Any]] | None
]

PINS: dict[str, Pin] = {
    "venue": (serializers.VenueSerializer, lambda w: w["venue"], lambda w: venue_body(w["venue"])),
    "space": (serializers.SpaceSerializer, lambda w: w["space"], lambda w: space_body(w["space"])),
    "item": (serializers.ItemSerializer, lambda w: w["cake"], lambda w: item_body(w["cake"])),
    "program": (
        serializers.ProgramSerializer,
        lambda w: w["program"],
        lambda w: program_body(w["program"]),
    ),
    "booking": (
        serializers.BookingSerializer,
        lambda w: booking_get(w["booking"].pk),
        lambda w: booking_body(w["booking"], w["line"]),
    ),
    "booking line": (
        serializers.BookingLineSerializer,
        lambda w: w["line"],
        lambda w: line_body(w["line"]),
    ),
    "staff booking": (
        serializers.StaffBookingSerializer,
        lambda w: booking_get(w["booking"].pk),
        lambda w: staff_booking_body(w["booking"]),
    ),
    "staff booking detail": (
        serializers.StaffBookingDetailSerializer,
        lambda w: booking_get(w["booking"].pk),
        lambda w: staff_booking_detail_body(w["booking"], w["line"]),
    ),
    "staff booking item": (
        serializers.StaffBookingItemSerializer,
        lambda w: w["line"],
        lambda w: staff_line_body(w["line"]),
    ),
    "me": (MeSerializer, lambda w: w["customer"], lambda w: me_body(w["customer"])),
    "upload": (
        UploadSerializer,
        lambda w: stored_image(w["customer"]),
        None,
    ),
}


def _pin_cases() -> list[tuple[str, str]]:
    return [
        (resource, field)
        for resource, (serializer_class, _, _) in PINS.items()
        for field, _ in serializer_class().fields.items()
    ]


@pytest.mark.parametrize(("resource", "field"), _pin_cases())
def test_removing_any_field_breaks_its_pin(world, resource, field):
    serializer_class, instance_of, body_of = PINS[resource]
    instance = instance_of(world)
    expected = body_of(world) if body_of is not None else upload_body(instance)
    serializer = serializer_class(instance)
    assert serializer.data == expected, "the pin itself must hold before a field is removed"

    trimmed = serializer_class(instance)
    del trimmed.fields[field]

    assert trimmed.data != expected


def test_gallery_pin_covers_every_field(gallery_entry):
    expected = gallery_body(gallery_entry)
    expected |= {"url": f"/api/uploads/{gallery_entry.upload_id}"}
    expected |= {"thumbnail_url": f"/api/uploads/{gallery_entry.upload_id}/thumbnail"}
    assert GalleryImageSerializer(gallery_entry).data == expected
    for field, _ in GalleryImageSerializer().fields.items():
        trimmed = GalleryImageSerializer(gallery_entry)
        del trimmed.fields[field]
        assert trimmed.data != expected, field
