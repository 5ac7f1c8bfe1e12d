"""The list pages shaped from rows (bookings/api/list_rows.py) answer exactly what their
serializers answer: the same keys in the same order, the same JSON bytes, for every variant of
every field (nulls, lines with and without a catalog item, discounts, every status, amounts
with and without cents, times with microseconds and across the venue's midnight). The
serializers stay the shape's definition (detail views, writes, the OpenAPI schema)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.renderers import JSONRenderer

from accounts.models import User
from bookings import selectors
from bookings.api import serializers
from bookings.choices import BookingItemStatus, BookingLineKind, BookingStatus, BookingType
from bookings.models import Booking, BookingItem, Item
from tests.conftest import bearer_client
from tests.factories import (
    BookingFactory,
    BookingItemFactory,
    ItemFactory,
    SpaceFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

# 23:30 UTC is the next day in Kochi; microseconds must be cut, never rounded.
ODD_MOMENT = datetime(2026, 3, 14, 23, 30, 59, 999_999, tzinfo=UTC)


def _rendered(data: object) -> bytes:
    return JSONRenderer().render(data)


def _customers() -> list[User]:
    return [
        UserFactory(),
        UserFactory(first_name="", last_name="", email=None, mobile=""),  # name is the username
        UserFactory(first_name="Ravi", last_name=""),
        UserFactory(first_name="", last_name="Nair"),
        UserFactory(first_name="Zoë", last_name="\u00dc\u2019\u00f1"),  # beyond ASCII
    ]


def _bookings(customers: list[User]) -> list[Booking]:
    """One booking per status per customer, the amounts and fields varying between them."""
    spaces = [SpaceFactory(price_per_hour=Decimal("1234.50")), SpaceFactory()]
    vendor = VendorFactory()
    catalog = [
        ItemFactory(price=Decimal("99.99"), description="Veg thali", image_url="/i/1.jpg"),
        ItemFactory(vendor=None, description="", image_url=""),
    ]
    bookings = []
    for n, (status, customer) in enumerate(
        (status, customer) for status in BookingStatus.values for customer in customers
    ):
        start = ODD_MOMENT + timedelta(days=n, minutes=7 * n)
        booking = BookingFactory(
            user=customer,
            space=spaces[n % 2],
            status=status,
            start_datetime=start,
            end_datetime=start + timedelta(hours=2, seconds=n),
            attendees=None if n % 3 == 0 else n,
            booking_type=BookingType.values[n % len(BookingType.values)],
            event_type="" if n % 4 == 0 else "Wedding",
            total_amount=Decimal("2500.00") + Decimal(n) / 4,
            advance_amount=Decimal("625.25"),
            # Under, equal to and over the total: the balance is never negative.
            paid_amount=[Decimal("0"), Decimal("2500.00"), Decimal("9999.99")][n % 3],
            customer_note="" if n % 2 else "Please bring chairs\nand a mic",
            admin_note="" if n % 5 else "VIP",
            is_admin_booking=n % 6 == 0,
            series_reference="" if n % 7 else "SR-ABC",
            banner_image_url="" if n % 2 else "/media/banner.png",
            stage_banner_url="" if n % 3 else "/media/stage.png",
        )
        Booking.objects.filter(pk=booking.pk).update(
            created_at=ODD_MOMENT - timedelta(hours=n, microseconds=n),
            updated_at=ODD_MOMENT + timedelta(seconds=n, microseconds=500_000),
        )
        if n % 4 != 3:  # some bookings have no lines
            BookingItemFactory(
                booking=booking,
                item=catalog[n % 2],
                quantity=1 + n % 3,
                hours_used=None if n % 2 else Decimal("2.50"),
                is_supplied=n % 2 == 0,
                booking_status=BookingItemStatus.values[n % len(BookingItemStatus.values)],
                vendor=vendor if n % 2 else None,
            )
            BookingItem.objects.create(  # a line of the space's own, and a discount
                booking=booking,
                kind=BookingLineKind.STAGE,
                name="Stage",
                code="stage-1",
                unit_price=Decimal("500.00"),
                total_price=Decimal("500.00"),
                event_date=start.date(),
            )
            BookingItem.objects.create(
                booking=booking,
                kind=BookingLineKind.EVENT_DISCOUNT,
                name="Wedding discount",
                unit_price=Decimal("-250.10"),
                total_price=Decimal("-250.10"),
                event_date=start.date(),
            )
        bookings.append(booking)
    return bookings


def _in_page_order(queryset, ids):
    by_id = {row.pk: row for row in queryset.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids]


def test_the_staff_list_answers_what_its_serializer_answers():
    _bookings(_customers())
    staff = UserFactory(staff=True)

    response = bearer_client(staff).get("/api/admin/bookings", {"page_size": 100})

    assert response.status_code == 200
    page = response.json()["items"]
    assert len(page) == Booking.objects.count() == 35
    ids = [row["id"] for row in page]
    bookings = _in_page_order(selectors.booking_list_for_staff(), ids)
    expected = serializers.StaffBookingSerializer(bookings, many=True).data
    assert _rendered(response.data["items"]) == _rendered(expected)
    # And as the response's own bytes carry it.
    assert _rendered(expected)[1:-1].decode() in response.content.decode()


def test_the_own_list_answers_what_its_serializer_answers_with_every_line():
    customers = _customers()
    _bookings(customers)
    owner = customers[0]

    response = bearer_client(owner).get("/api/bookings", {"page_size": "100", "status": "all"})

    assert response.status_code == 200
    page = response.json()["items"]
    assert len(page) == len(BookingStatus.values)
    assert {len(row["items"]) for row in page} == {0, 3}
    ids = [row["id"] for row in page]
    bookings = _in_page_order(selectors.booking_list_for_user(owner), ids)
    expected = serializers.BookingSerializer(bookings, many=True).data
    assert _rendered(response.data["items"]) == _rendered(expected)


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata", "UTC"])
def test_booking_times_are_the_serializers_in_whatever_zone_is_current(zone):
    """Booking times are wall time in the current (venue's) zone, DST included."""
    customers = _customers()
    _bookings(customers)
    staff = UserFactory(staff=True)

    with timezone.override(ZoneInfo(zone)):
        response = bearer_client(staff).get("/api/admin/bookings", {"page_size": 100})
        ids = [row["id"] for row in response.json()["items"]]
        bookings = _in_page_order(selectors.booking_list_for_staff(), ids)
        expected = serializers.StaffBookingSerializer(bookings, many=True).data

    assert _rendered(response.data["items"]) == _rendered(expected)


def test_the_catalog_answers_what_its_serializer_answers():
    space = SpaceFactory()
    ItemFactory(
        price=Decimal("1250.05"),
        rate_per_extra_hour=Decimal("300.50"),
        base_hours_included=2,
        preparation_time_minutes=45,
        space=space,
        performance_team_profile={
            "members": 5,
            "genre": "Folk \u2013 \u0c9c\u0cbe\u0ca8\u0caa\u0ca6",
            "fee": 12.5,
        },
        profile_info="Award winners",
        video_url="/v.mp4",
        profile_image_url="/p.jpg",
    )
    ItemFactory(vendor=None, description="", performance_team_profile=None, item_type="")
    ItemFactory.create_batch(3, category="decor", subcategory="", price=Decimal("0.00"))
    ItemFactory(available=False)  # not listed either way

    response = bearer_client(UserFactory()).get("/api/items", {"page_size": 100})

    assert response.status_code == 200
    page = response.json()["items"]
    assert len(page) == 5
    ids = [row["id"] for row in page]
    items = _in_page_order(selectors.catalog_item_list(), ids)
    expected = serializers.ItemSerializer(items, many=True).data
    assert _rendered(response.data["items"]) == _rendered(expected)
    assert Item.objects.count() == 6


def test_the_lists_pages_keep_their_order_and_totals():
    """The ids query picks and orders the page; the rows follow that order."""
    customers = _customers()
    _bookings(customers)
    staff = bearer_client(UserFactory(staff=True))

    first = staff.get("/api/admin/bookings", {"page_size": "10", "ordering": "total_amount"})
    second = staff.get(
        "/api/admin/bookings", {"page_size": "10", "page": "2", "ordering": "total_amount"}
    )

    rows = first.json()["items"] + second.json()["items"]
    assert [row["total_amount"] for row in rows] == sorted(row["total_amount"] for row in rows)
    expected_ids = list(Booking.objects.order_by("total_amount").values_list("id", flat=True)[:20])
    assert [row["id"] for row in rows] == expected_ids
    assert first.json()["pagination"]["total"] == 35


def test_the_schema_still_documents_the_lists_from_their_serializers():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]

    def listed(path: str) -> dict[str, Any]:
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        page = components[ok["schema"]["$ref"].rsplit("/", 1)[-1]]
        return components[page["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]]

    assert list(listed("/api/admin/bookings")["properties"]) == list(
        serializers.StaffBookingSerializer().fields
    )
    assert list(listed("/api/bookings")["properties"]) == list(
        serializers.BookingSerializer().fields
    )
    assert list(listed("/api/items")["properties"]) == list(serializers.ItemSerializer().fields)
