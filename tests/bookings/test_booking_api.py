from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking, BookingEvent, BookingItem
from tests.factories import BookingFactory, BookingItemFactory, ItemFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def local(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def on_weekday(weekday: int, hour: int, minute: int = 0) -> datetime:
    """The first such weekday (Monday = 0) at least three days ahead: prices differ at weekends."""
    day = timezone.localdate() + timedelta(days=3)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def naive_iso(moment: datetime) -> str:
    """How the legacy frontend sends datetimes: local wall time without an offset."""
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def space():
    return SpaceFactory(price_per_hour=Decimal("1000.00"), advance_payment_percentage=30)


def booking_payload(space, **overrides):
    return {
        "space_id": space.pk,
        "start_datetime": naive_iso(local(5, 10)),
        "end_datetime": naive_iso(local(5, 13, 30)),
        "event_type": "Birthday Party",
        "attendees": 40,
        **overrides,
    }


def test_create_prices_everything_on_the_server_from_current_catalog_prices(
    customer_client, customer, space
):
    cake = ItemFactory(price=Decimal("1200.50"))
    band = ItemFactory(
        price=Decimal("15000.00"), base_hours_included=3, rate_per_extra_hour=Decimal("2500.00")
    )
    payload = booking_payload(
        space,
        start_datetime=naive_iso(on_weekday(2, 10)),
        end_datetime=naive_iso(on_weekday(2, 13, 30)),
        items=[
            {"item_id": cake.pk, "quantity": 2, "unit_price": 1},
            {"item_id": band.pk, "quantity": 1, "hours_used": "4.5"},
        ],
    )

    response = customer_client.post("/api/bookings", payload, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    # 3.5 h x 1000 + 2 x 1200.50 + (15000 + 1.5 h x 2500), the item's unit_price ignored
    assert body["total_amount"] == 3500 + 2401 + 18750
    # The platform's advance setting (50 % by default), in whole rupees as the checkout asks.
    assert body["advance_amount"] == 12326
    # It costs something: the slot is held while the customer pays (the payments app).
    assert body["status"] == "pending_payment"
    assert body["booking_reference"].startswith("BK-")
    assert [(i["item_id"], i["unit_price"], i["total_price"]) for i in body["items"]] == [
        (cake.pk, 1200.5, 2401.0),
        (band.pk, 15000.0, 18750.0),
    ]
    booking = Booking.objects.get(pk=body["id"])
    assert booking.user == customer
    assert booking.total_amount == Decimal("24651.00")
    assert isinstance(booking.total_amount, Decimal)
    assert BookingEvent.objects.filter(booking=booking, to_status="pending_payment").count() == 1


def test_naive_datetimes_are_venue_local_wall_time_both_ways(customer_client, space):
    """The frontend shows whatever it gets in the browser's zone: an offset would move a
    16:00 booking in Kochi to 10:30 for a customer whose browser is set to UTC."""
    response = customer_client.post("/api/bookings", booking_payload(space), format="json")

    body = response.json()
    assert body["start_datetime"] == naive_iso(local(5, 10))
    assert body["end_datetime"] == naive_iso(local(5, 13, 30))
    booking = Booking.objects.get(pk=body["id"])
    assert booking.start_datetime == local(5, 10)


def test_datetimes_with_an_offset_are_converted(customer_client, space):
    start = local(5, 10).astimezone(UTC)
    payload = booking_payload(
        space,
        start_datetime=start.isoformat().replace("+00:00", "Z"),
        end_datetime=(start + timedelta(hours=2)).isoformat(),
    )

    response = customer_client.post("/api/bookings", payload, format="json")

    assert response.status_code == 201
    assert response.json()["start_datetime"] == naive_iso(local(5, 10))
    assert Booking.objects.get().start_datetime == local(5, 10)


def test_an_overlapping_booking_is_refused_with_409_and_nothing_is_written(
    customer_client, other_client, space
):
    first = other_client.post("/api/bookings", booking_payload(space), format="json")
    overlapping = booking_payload(
        space, start_datetime=naive_iso(local(5, 13)), end_datetime=naive_iso(local(5, 15))
    )

    response = customer_client.post("/api/bookings", overlapping, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"
    # Another customer's booking reference is not named (it was, in the legacy and here).
    assert first.json()["booking_reference"] not in response.content.decode()
    assert response.json()["detail"] == "Time slot conflicts with another booking."
    assert Booking.objects.count() == 1


def test_back_to_back_bookings_do_not_conflict(customer_client, space):
    customer_client.post("/api/bookings", booking_payload(space), format="json")
    after = booking_payload(
        space, start_datetime=naive_iso(local(5, 13, 30)), end_datetime=naive_iso(local(5, 15))
    )

    assert customer_client.post("/api/bookings", after, format="json").status_code == 201


@pytest.mark.parametrize("freed_by", [BookingStatus.CANCELLED, BookingStatus.REJECTED])
def test_cancelled_and_rejected_bookings_free_their_slot(customer_client, space, freed_by):
    BookingFactory(
        space=space, start_datetime=local(5, 9), end_datetime=local(5, 18), status=freed_by
    )

    response = customer_client.post("/api/bookings", booking_payload(space), format="json")

    assert response.status_code == 201


def test_the_same_time_in_another_space_is_free(customer_client, space):
    BookingFactory(start_datetime=local(5, 9), end_datetime=local(5, 18))

    assert (
        customer_client.post("/api/bookings", booking_payload(space), format="json").status_code
        == 201
    )


def test_a_retry_with_the_same_idempotency_key_returns_the_same_booking(customer_client, space):
    first = customer_client.post(
        "/api/bookings", booking_payload(space), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )
    retry = customer_client.post(
        "/api/bookings", booking_payload(space), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )

    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Booking.objects.count() == 1


def test_idempotency_keys_are_per_user(customer_client, other_client, space):
    customer_client.post(
        "/api/bookings", booking_payload(space), format="json", HTTP_IDEMPOTENCY_KEY="same"
    )
    later = booking_payload(
        space, start_datetime=naive_iso(local(6, 10)), end_datetime=naive_iso(local(6, 12))
    )

    response = other_client.post("/api/bookings", later, format="json", HTTP_IDEMPOTENCY_KEY="same")

    assert response.status_code == 201
    assert Booking.objects.count() == 2


def test_an_unusable_idempotency_key_is_a_400(customer_client, space):
    response = customer_client.post(
        "/api/bookings", booking_payload(space), format="json", HTTP_IDEMPOTENCY_KEY="x" * 129
    )

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"end_datetime": "2020-01-01T00:00:00"}, "end_datetime"),
        ({"start_datetime": "not a date"}, "start_datetime"),
        ({"space_id": 999999}, "space_id"),
        ({"attendees": 5000}, "attendees"),
        ({"attendees": 0}, "attendees"),
        ({"items": [{"item_id": 999999}]}, "items"),
        ({"items": [{"item_id": 1, "quantity": 0}]}, "items"),
        ({"booking_type": "forever"}, "booking_type"),
    ],
)
def test_bad_booking_input_is_a_400_naming_the_field_and_writes_nothing(
    customer_client, space, overrides, field
):
    response = customer_client.post(
        "/api/bookings", booking_payload(space, **overrides), format="json"
    )

    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert response.json()["message"] == response.json()["detail"]
    assert not Booking.objects.exists()
    assert not BookingItem.objects.exists()


def test_a_booking_in_the_past_is_refused(customer_client, space):
    payload = booking_payload(
        space, start_datetime=naive_iso(local(-1, 10)), end_datetime=naive_iso(local(-1, 12))
    )

    response = customer_client.post("/api/bookings", payload, format="json")

    assert response.status_code == 400
    assert "start_datetime" in response.json()["errors"]


def test_a_booking_longer_than_the_maximum_is_refused(customer_client, space, settings):
    settings.BOOKING_MAX_HOURS = 24
    payload = booking_payload(
        space, start_datetime=naive_iso(local(5, 10)), end_datetime=naive_iso(local(6, 11))
    )

    assert customer_client.post("/api/bookings", payload, format="json").status_code == 400


def test_an_inactive_space_cannot_be_booked(customer_client):
    space = SpaceFactory(active=False)

    response = customer_client.post("/api/bookings", booking_payload(space), format="json")

    assert response.status_code == 400
    assert "space_id" in response.json()["errors"]


def test_an_item_tied_to_another_space_cannot_be_added(customer_client, space):
    elsewhere = ItemFactory(space=SpaceFactory())

    payload = booking_payload(space, items=[{"item_id": elsewhere.pk}])

    assert customer_client.post("/api/bookings", payload, format="json").status_code == 400


def test_an_unavailable_item_cannot_be_added(customer_client, space):
    item = ItemFactory(available=False)

    payload = booking_payload(space, items=[{"item_id": item.pk}])

    assert customer_client.post("/api/bookings", payload, format="json").status_code == 400


def test_listing_own_bookings_newest_first_with_their_items(customer_client, customer):
    older = BookingFactory(user=customer)
    newer = BookingFactory(user=customer)
    BookingItemFactory(booking=newer)
    BookingFactory()  # someone else's

    body = customer_client.get("/api/bookings").json()

    assert [b["id"] for b in body["items"]] == [newer.pk, older.pk]
    assert len(body["items"][0]["items"]) == 1
    assert body["pagination"]["total"] == 2


def test_own_list_leaves_out_cancelled_unless_asked(customer_client, customer):
    live = BookingFactory(user=customer)
    cancelled = BookingFactory(user=customer, status=BookingStatus.CANCELLED)

    default = customer_client.get("/api/bookings").json()["items"]
    everything = customer_client.get("/api/bookings", {"status": "all"}).json()["items"]
    only_cancelled = customer_client.get("/api/bookings", {"status": "cancelled"}).json()["items"]

    assert [b["id"] for b in default] == [live.pk]
    assert {b["id"] for b in everything} == {live.pk, cancelled.pk}
    assert [b["id"] for b in only_cancelled] == [cancelled.pk]


def test_own_list_filters_by_local_start_date(customer_client, customer):
    early = BookingFactory(user=customer, start_datetime=local(3, 0, 30), end_datetime=local(3, 2))
    BookingFactory(user=customer, start_datetime=local(4, 23), end_datetime=local(4, 23, 30))
    day = (timezone.localdate() + timedelta(days=3)).isoformat()

    body = customer_client.get("/api/bookings", {"from_date": day, "to_date": day}).json()

    assert [b["id"] for b in body["items"]] == [early.pk]


@pytest.mark.parametrize("params", [{"status": "bogus"}, {"from_date": "31-12-2026"}])
def test_own_list_refuses_bad_filters_with_400(customer_client, params):
    assert customer_client.get("/api/bookings", params).status_code == 400


def test_detail_of_own_booking_has_the_fields_the_frontend_reads(customer_client, customer):
    booking = BookingFactory(user=customer, paid_amount=Decimal("500.00"))

    body = customer_client.get(f"/api/bookings/{booking.pk}").json()

    assert body["id"] == booking.pk
    assert body["paid_amount"] == 500.0
    assert body["balance_amount"] == 1500.0
    assert body["space_name"] == booking.space.name
    assert body["venue_name"] == booking.venue.name
    assert body["price_per_hour"] == 1000.0
    assert body["items"] == []


def test_another_users_booking_is_403_and_an_unknown_one_404(customer_client):
    theirs = BookingFactory()

    assert customer_client.get(f"/api/bookings/{theirs.pk}").status_code == 403
    assert customer_client.get("/api/bookings/999999").status_code == 404


def test_customer_cancels_own_booking_well_ahead(customer_client, customer):
    booking = BookingFactory(user=customer, start_datetime=local(3, 10), end_datetime=local(3, 12))
    line = BookingItemFactory(booking=booking)

    response = customer_client.post(f"/api/bookings/{booking.pk}/cancel")

    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["status"] == "cancelled"
    booking.refresh_from_db()
    line.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert line.booking_status == "cancelled"
    event = BookingEvent.objects.get(booking=booking)
    assert (event.from_status, event.to_status) == ("pending", "cancelled")


def test_customer_cannot_cancel_within_the_notice_period(customer_client, customer, settings):
    settings.CANCELLATION_MIN_NOTICE_HOURS = 24
    soon = timezone.now() + timedelta(hours=5)
    booking = BookingFactory(
        user=customer, start_datetime=soon, end_datetime=soon + timedelta(hours=1)
    )

    response = customer_client.post(f"/api/bookings/{booking.pk}/cancel")

    assert response.status_code == 409
    assert response.json()["code"] == "cancellation_window_closed"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_staff_can_cancel_any_booking_at_any_time(staff_client):
    soon = timezone.now() + timedelta(hours=1)
    booking = BookingFactory(start_datetime=soon, end_datetime=soon + timedelta(hours=1))

    assert staff_client.post(f"/api/bookings/{booking.pk}/cancel").status_code == 200


@pytest.mark.parametrize(
    "status", [BookingStatus.CANCELLED, BookingStatus.REJECTED, BookingStatus.COMPLETED]
)
def test_cancelling_a_finished_booking_is_a_409(customer_client, customer, status):
    booking = BookingFactory(user=customer, status=status)

    response = customer_client.post(f"/api/bookings/{booking.pk}/cancel")

    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    booking.refresh_from_db()
    assert booking.status == status


def test_cancelling_someone_elses_booking_is_403(customer_client):
    booking = BookingFactory()

    assert customer_client.post(f"/api/bookings/{booking.pk}/cancel").status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
