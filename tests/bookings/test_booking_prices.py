"""The server prices a booking as the venue screens show it, and refuses another figure."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings import pricing
from bookings.models import Booking, BookingItem
from lebrq.errors import InvalidInput
from tests.factories import ItemFactory, SpaceFactory

pytestmark = pytest.mark.django_db

# A space configured as the staff screens write it (legacy app/admin/spaces and grant-hall.tsx).
GRANT_HALL = {
    "price_per_hour": Decimal("1000.00"),
    "pricing_overrides": {"duration": {"3h": 2500}, "hour": {"5": 4200}},
    "features": [
        {"id": "ac", "label": "Air conditioning", "paid": False},
        {
            "id": "dj",
            "label": "DJ console",
            "paid": True,
            "pricing_type": "hour",
            "base_price": 800,
        },
        {"id": "chairs", "label": "Extra chairs", "paid": True, "item_price": 25},
    ],
    "stage_options": [
        {"id": "stage-basic", "label": "Basic", "price": 1500},
        {"id": "stage-royal", "label": "Royal", "price": 6000},
    ],
    "banner_sizes": [{"id": "banner-6x4", "label": "6x4 ft", "price": 900}],
    "event_types": [
        {
            "id": "celebrations",
            "label": "Celebrations",
            "subcategories": [
                {"id": "birthday", "label": "Birthday Party"},
                {"id": "babyshower", "label": "Baby Shower"},
            ],
        },
        {"id": "corporate", "label": "Corporate Meeting"},
    ],
}


def day_of_week(weekday: int) -> datetime:
    """Midnight of the first such weekday (Monday = 0) at least three days ahead."""
    day = timezone.localdate() + timedelta(days=3)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(0)))


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def hall():
    return SpaceFactory(**GRANT_HALL)


def payment_main_body(space, start, hours, **overrides):
    """The body app/payment-main.tsx posts after the checkout (customer flow)."""
    return {
        "space_id": space.pk,
        "start_datetime": naive(start),
        "end_datetime": naive(start + timedelta(hours=hours)),
        "attendees": 50,
        "items": [],
        "custom_items": [],
        "customer_note": "Guests: 50, Event: Corporate Meeting",
        "event_type": "Corporate Meeting",
        "booking_type": "one_day",
        **overrides,
    }


def test_every_priced_option_of_the_venue_screen_becomes_a_line_and_the_total_is_ours(
    customer_client, hall
):
    cake = ItemFactory(name="Cake", price=Decimal("1200.00"))
    start = day_of_week(2) + timedelta(hours=10)  # a Wednesday: no surcharge
    body = payment_main_body(
        hall,
        start,
        3,
        items=[{"item_id": cake.pk, "quantity": 2}],
        custom_items=[
            # The unit prices are the browser's: a tampered one changes nothing.
            {"name": "DJ console", "quantity": 2, "unit_price": 1, "code": "paid-feature-dj"},
            {
                "name": "Extra chairs",
                "quantity": 40,
                "unit_price": 25,
                "code": "paid-feature-chairs",
            },
            {"name": "Stage: Royal", "quantity": 1, "unit_price": 6000, "code": "stage-royal"},
            {"name": "Banner: 6x4 ft", "quantity": 1, "unit_price": 900, "code": "banner-6x4"},
            {
                "name": "Stage Banner Image",
                "quantity": 1,
                "unit_price": 0,
                "code": "stage_banner:/api/uploads/files/abc.jpg",
            },
            {"name": "Transport", "quantity": 1, "unit_price": 3000, "code": "transport"},
        ],
        # 2500 (3 h override) + 2400 + 1600 + 1000 + 6000 + 900
        total_amount=14400,
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["total_amount"] == 14400
    assert [
        (line["kind"], line["item_name"], line["quantity"], line["unit_price"], line["total_price"])
        for line in created["items"]
    ] == [
        ("catalog", "Cake", 2, 1200.0, 2400.0),
        ("feature", "DJ console", 2, 800.0, 1600.0),
        ("feature", "Extra chairs", 40, 25.0, 1000.0),
        ("stage", "Stage: Royal", 1, 6000.0, 6000.0),
        ("banner", "Banner: 6x4 ft", 1, 900.0, 900.0),
        ("stage_banner", "Stage Banner Image", 1, 0.0, 0.0),
        ("transport", "Transport", 1, 0.0, 0.0),
    ]
    booking = Booking.objects.get(pk=created["id"])
    assert booking.space_amount == Decimal("2500.00")
    assert booking.stage_banner_url == "/api/uploads/files/abc.jpg"
    lines_sum = sum(line.total_price for line in booking.items.all())
    assert booking.space_amount + lines_sum == booking.total_amount


def test_a_different_client_total_is_refused_with_both_figures_and_nothing_is_written(
    customer_client, hall
):
    start = day_of_week(2) + timedelta(hours=10)
    body = payment_main_body(
        hall,
        start,
        3,
        custom_items=[
            {"name": "Stage: Royal", "quantity": 1, "unit_price": 1, "code": "stage-royal"}
        ],
        total_amount=2501,  # what a tampered browser would pay: hire + a 1-rupee stage
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "detail": response.json()["message"],
        "message": "The total shown (2501.00) is not the price of this booking (8500.00); "
        "reload the prices and try again.",
        "code": "price_mismatch",
        "client_total": "2501.00",
        "server_total": "8500.00",
    }
    assert not Booking.objects.exists()
    assert not BookingItem.objects.exists()


def test_birthday_discount_then_weekend_surcharge_each_rounded_like_the_screen(
    customer_client, hall
):
    start = day_of_week(5) + timedelta(hours=18)  # a Saturday
    body = payment_main_body(
        hall,
        start,
        4,
        event_type="Birthday Party",
        custom_items=[{"name": "Stage: Basic", "quantity": 1, "code": "stage-basic"}],
        # base 4000 + 1500 = 5500; x 0.95 = 5225; x 1.05 = 5486.25 -> 5486
        total_amount=5486,
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    lines = response.json()["items"]
    assert [(line["kind"], line["total_price"]) for line in lines] == [
        ("stage", 1500.0),
        ("event_discount", -275.0),
        ("weekend_surcharge", 261.0),
    ]
    assert response.json()["total_amount"] == 5486


def test_live_shows_pay_no_weekend_surcharge(customer_client, hall):
    start = day_of_week(6) + timedelta(hours=18)  # a Sunday
    body = payment_main_body(hall, start, 5, booking_type="live-", event_type="Rock Night")

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["total_amount"] == 4200  # the 5-hour price of pricing_overrides.hour


@pytest.mark.parametrize(
    ("custom_item", "code"),
    [
        (
            {"name": "Stage: Gold", "quantity": 1, "unit_price": 0, "code": "stage-gold"},
            "unknown_option",
        ),
        ({"name": "Air conditioning", "quantity": 1, "code": "paid-feature-ac"}, "unknown_option"),
        ({"name": "Anything", "quantity": 1, "unit_price": 5, "code": None}, "invalid"),
        ({"name": "Stage: Royal", "quantity": 0, "code": "stage-royal"}, "invalid"),
    ],
)
def test_options_the_space_does_not_sell_are_refused_and_nothing_is_written(
    customer_client, hall, custom_item, code
):
    body = payment_main_body(
        hall, day_of_week(2) + timedelta(hours=10), 3, custom_items=[custom_item]
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Booking.objects.exists()


def test_a_malformed_price_table_is_a_400_not_a_500(customer_client):
    space = SpaceFactory(
        **{**GRANT_HALL, "stage_options": [{"id": "s", "label": "S", "price": "lots"}]}
    )
    body = payment_main_body(
        space,
        day_of_week(2) + timedelta(hours=10),
        3,
        custom_items=[{"name": "Stage: S", "quantity": 1, "code": "s"}],
    )

    response = customer_client.post("/api/bookings", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "space_price_table_invalid"


def test_staff_venue_program_costs_nothing_whatever_the_client_total(staff_client, hall):
    body = payment_main_body(
        hall,
        day_of_week(2) + timedelta(hours=10),
        3,
        custom_items=[{"name": "Stage: Royal", "quantity": 1, "code": "stage-royal"}],
        is_admin_booking=True,
        admin_notes="Booked by admin without payment",
    )

    response = staff_client.post("/api/bookings", body, format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["total_amount"] == 0
    assert created["admin_note"] == "Booked by admin without payment"
    assert [(line["kind"], line["total_price"]) for line in created["items"]] == [("stage", 0.0)]


# --- The rules on their own ---------------------------------------------------------------------


def prices(**overrides):
    return pricing.SpacePrices(
        **{
            "price_per_hour": Decimal("1000"),
            "pricing_overrides": {},
            "features": [],
            "stage_options": [],
            "banner_sizes": [],
            "event_types": [],
            **overrides,
        }
    )


def quote(space, *, hours, weekday=2, event_type="", booking_type="one_day", options=()):
    start = day_of_week(weekday) + timedelta(hours=9)
    return pricing.quote(
        space=space,
        start=start,
        end=start + timedelta(hours=float(hours)),
        local_day=timezone.localdate(start),
        event_type=event_type,
        booking_type=booking_type,
        catalog=[],
        options=list(options),
    )


@pytest.mark.parametrize(
    ("overrides", "hours", "hire"),
    [
        ({}, Decimal("2.5"), Decimal("2500.00")),
        ({"duration": {"2h": 1799.5}}, 2, Decimal("1800.00")),
        ({"hour": {"2": 1700}}, 2, Decimal("1700.00")),
        ({"duration": {"2h": None}, "hour": {"2": 1700}}, 2, Decimal("1700.00")),
        ({"duration": {"3h": 100}}, 2, Decimal("2000.00")),
        # An override names whole hours only: 2.5 h is priced by the hour.
        ({"duration": {"2h": 100}}, Decimal("2.5"), Decimal("2500.00")),
    ],
)
def test_hire_uses_the_duration_price_when_the_space_has_one(overrides, hours, hire):
    assert quote(prices(pricing_overrides=overrides), hours=hours).hire == hire


def test_features_saved_as_hall_features_and_top_banners_price_the_same_as_a_list():
    feature = {"id": "dj", "label": "DJ", "paid": True, "base_price": 800}
    as_list = quote(
        prices(features=[feature]),
        hours=2,
        options=[pricing.SpaceOptionRequest(code="paid-feature-dj", quantity=3)],
    )
    as_dict = quote(
        prices(features={"hall_features": [feature], "top_banners": []}),
        hours=2,
        options=[pricing.SpaceOptionRequest(code="paid-feature-dj", quantity=3)],
    )
    assert as_list == as_dict
    assert as_list.total == Decimal("4400.00")


def test_a_total_with_paise_is_rounded_to_the_rupee_on_a_line_of_its_own():
    result = quote(prices(price_per_hour=Decimal("1000.25")), hours=Decimal("1"))
    # The hire is rounded already (1000), so build a paise total through a feature instead.
    assert result.total == Decimal("1000.00")
    feature = {"id": "x", "label": "X", "paid": True, "item_price": "10.40"}
    result = quote(
        prices(features=[feature]),
        hours=1,
        options=[pricing.SpaceOptionRequest(code="paid-feature-x", quantity=1)],
    )
    assert result.total == Decimal("1010.00")
    assert [(line.kind, line.total) for line in result.lines][-1] == ("rounding", Decimal("-0.40"))


def test_yoga_and_zumba_hire_is_free_as_the_legacy_charged():
    assert quote(prices(), hours=2, event_type="Yoga").total == Decimal("0.00")


@pytest.mark.parametrize("bad", [-5, True, "1e999", [], {"a": 1}])
def test_prices_that_are_not_prices_are_refused(bad):
    with pytest.raises(InvalidInput):
        quote(prices(pricing_overrides={"duration": {"2h": bad}}), hours=2)
