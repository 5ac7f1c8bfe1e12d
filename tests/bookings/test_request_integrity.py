"""A replayed Idempotency-Key must carry the same request, and links stored on a booking are
links a browser may follow safely."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from bookings.models import Booking, BookingGuest, BookingItem
from tests.factories import ItemFactory, SpaceFactory

pytestmark = pytest.mark.django_db


def local(days: int, hour: int) -> datetime:
    return timezone.make_aware(
        datetime.combine(timezone.localdate() + timedelta(days=days), time(hour))
    )


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def space():
    return SpaceFactory()


def payload(space, days: int = 5, **overrides: object) -> dict[str, object]:
    return {
        "space_id": space.pk,
        "start_datetime": naive(local(days, 10)),
        "end_datetime": naive(local(days, 12)),
        "event_type": "Birthday Party",
        "attendees": 20,
        **overrides,
    }


@pytest.mark.parametrize(
    "change",
    [{"days": 6}, {"attendees": 30}, {"event_type": "Wedding"}],
    ids=["another-day", "more-attendees", "another-event"],
)
def test_the_same_key_with_a_different_body_is_a_422(customer_client, space, change):
    days = change.pop("days", 5)
    first = customer_client.post(
        "/api/bookings", payload(space), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    reused = customer_client.post(
        "/api/bookings",
        payload(space, days=days, **change),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )

    assert first.status_code == 201
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert "Idempotent-Replayed" not in reused
    assert Booking.objects.count() == 1


def booked_rows() -> list[tuple[object, ...]]:
    """Everything a booking request writes, to show a refused replay changed nothing."""
    return [
        *Booking.objects.values_list("pk", "status", "total_amount", "updated_at"),
        *BookingItem.objects.order_by("pk").values_list("pk", "item_id", "quantity", "total_price"),
        *BookingGuest.objects.order_by("pk").values_list("pk", "name", "mobile"),
    ]


@pytest.mark.parametrize(
    "other_items",
    [
        [{"item_id": "cake", "quantity": 3}],
        [{"item_id": "cake", "quantity": 2}, {"item_id": "band", "quantity": 1}],
        [{"item_id": "band", "quantity": 2}],
        [],
        [{"item_id": "band", "quantity": 2, "hours_used": "5"}],
    ],
    ids=["more-cakes", "an-added-item", "another-item", "no-items", "more-hours"],
)
def test_the_same_key_and_booking_with_other_add_ons_is_a_422_that_changes_nothing(
    customer_client, space, other_items
):
    """The fingerprint covers the add-ons: the same space, window and attendees with other
    items must not hand back the first booking (whose items and total differ)."""
    catalog = {
        "cake": ItemFactory(price=Decimal("500")),
        "band": ItemFactory(price=Decimal("9000")),
    }

    def lines(spec):
        return [{**line, "item_id": catalog[line["item_id"]].pk} for line in spec]

    first = customer_client.post(
        "/api/bookings",
        payload(space, items=lines([{"item_id": "cake", "quantity": 2}])),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-items",
    )
    before = booked_rows()

    reused = customer_client.post(
        "/api/bookings",
        payload(space, items=lines(other_items)),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-items",
    )

    assert first.status_code == 201, first.content
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert set(reused.json()) >= {"detail", "message", "code"}
    assert booked_rows() == before


@pytest.mark.parametrize(
    "change",
    [
        {"guest_list": [{"name": "Asha", "mobile": "9876543211"}]},
        {"customer_note": "Please bring chairs"},
        {"custom_items": [{"code": "stage", "quantity": 1}]},
        {"transport_locations": [{"point": "Kochi", "guests": 3}]},
        {"booking_type": "daily"},
    ],
    ids=["another-guest", "a-note", "a-space-option", "pickup-points", "booking-type"],
)
def test_any_other_field_of_the_body_makes_a_replay_a_422(customer_client, space, change):
    base = payload(space, guest_list=[{"name": "Asha", "mobile": "9876543210"}])
    first = customer_client.post("/api/bookings", base, format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    before = booked_rows()

    reused = customer_client.post(
        "/api/bookings", {**base, **change}, format="json", HTTP_IDEMPOTENCY_KEY="k-2"
    )

    assert first.status_code == 201, first.content
    assert reused.status_code == 422, reused.content
    assert booked_rows() == before


def test_a_replay_of_the_same_add_ons_in_another_order_and_spelling_is_the_same_request(
    customer_client, space
):
    cake, band = ItemFactory(price=Decimal("500")), ItemFactory(price=Decimal("9000"))
    first = customer_client.post(
        "/api/bookings",
        payload(
            space,
            items=[{"item_id": cake.pk, "quantity": 2}, {"item_id": band.pk, "hours_used": "2"}],
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )
    retry = customer_client.post(
        "/api/bookings",
        payload(
            space,
            items=[{"item_id": band.pk, "hours_used": "2.00"}, {"item_id": cake.pk, "quantity": 2}],
        ),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-3",
    )

    assert first.status_code == retry.status_code == 201, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert BookingItem.objects.count() == 2


def test_a_keyed_booking_from_before_fingerprints_is_compared_on_its_booked_fields(
    customer_client, space
):
    first = customer_client.post(
        "/api/bookings", payload(space), format="json", HTTP_IDEMPOTENCY_KEY="k-old"
    )
    Booking.objects.update(idempotency_fingerprint="")

    retry = customer_client.post(
        "/api/bookings", payload(space), format="json", HTTP_IDEMPOTENCY_KEY="k-old"
    )
    moved = customer_client.post(
        "/api/bookings", payload(space, days=6), format="json", HTTP_IDEMPOTENCY_KEY="k-old"
    )

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert moved.status_code == 422


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.lebrq.example"])
def test_cors_lets_the_frontend_send_the_key_and_read_the_replay_header(client):
    preflight = client.options(
        "/api/bookings",
        HTTP_ORIGIN="https://app.lebrq.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    simple = client.get("/api/health", HTTP_ORIGIN="https://app.lebrq.example")

    assert "idempotency-key" in preflight["Access-Control-Allow-Headers"]
    assert "Idempotent-Replayed" in simple["Access-Control-Expose-Headers"]


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "//evil.example/banner.png",
        "vbscript:msgbox(1)",
        "https://ok.example/a b.png",
        "java\tscript:alert(1)",
    ],
)
@pytest.mark.parametrize("field", ["banner_image_url", "banner_img_url", "stage_banner_url"])
def test_a_banner_link_a_browser_would_run_or_leave_for_is_refused(
    customer_client, space, field, link
):
    response = customer_client.post("/api/bookings", payload(space, **{field: link}), format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "link", ["https://cdn.lebrq.example/banner.png", "http://x.example/b.jpg", "/api/uploads/12"]
)
def test_web_links_and_our_own_paths_are_kept(customer_client, space, link):
    response = customer_client.post(
        "/api/bookings", payload(space, banner_image_url=link), format="json"
    )

    assert response.status_code == 201, response.content
    assert Booking.objects.get().banner_image_url == link
