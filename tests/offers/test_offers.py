"""Offers and coupons at the checkout: priced by the server, taken with the booking as lines,
counted by the payment amount, their uses taken once and given back when never paid."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import BookingStatus
from bookings.models import Booking
from offers import services
from offers.models import Coupon, CouponUsage, DiscountQuote, Offer, OfferUsage
from tests.conftest import bearer_client
from tests.factories import SpaceFactory, UserFactory

pytestmark = pytest.mark.django_db


def wednesday(hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=3)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def hall():
    return SpaceFactory(price_per_hour=Decimal("1000.00"), capacity=100)


@pytest.fixture
def festival():
    return Offer.objects.create(
        offer_type="festival",
        title="Onam",
        festival_name="Onam",
        discount_type="percentage",
        discount_value=Decimal("10"),
        max_discount_amount=Decimal("250"),
        start_date=timezone.localdate() - timedelta(days=1),
        end_date=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def coupon():
    return Coupon.objects.create(
        code="WELCOME100",
        title="Welcome",
        discount_type="flat",
        discount_value=Decimal("100"),
        max_usage_total=1,
        max_usage_per_user=1,
    )


def book(client, hall, total, start_hour=10):
    start = wednesday(start_hour)
    return client.post(
        "/api/bookings",
        {
            "space_id": hall.pk,
            "start_datetime": naive(start),
            "end_datetime": naive(start + timedelta(hours=3)),
            "event_type": "Corporate Meeting",
            "total_amount": total,
        },
        format="json",
    )


def test_check_answers_the_best_offer_and_the_coupon(customer_client, festival, coupon):
    plain = customer_client.get("/api/offers/check?purchase_amount=3000").json()
    with_coupon = customer_client.get(
        "/api/offers/check?coupon_code=welcome100&purchase_amount=3000"
    ).json()

    assert plain["has_offer"] is True
    assert plain["best_offer"] == {
        "type": "festival",
        "id": festival.pk,
        "title": "Onam",
        "description": "",
        "discount_type": "percentage",
        "discount_value": 10.0,
        "min_purchase_amount": None,
        "max_discount_amount": 250.0,
        "priority": 50,
        "festival_name": "Onam",
    }
    assert [o["type"] for o in with_coupon["all_applicable"]] == ["coupon", "festival"]


def test_the_screens_offer_and_coupon_become_lines_and_the_total_the_customer_pays(
    customer_client, hall, festival, coupon
):
    """grant-hall.tsx applies the offer (POST /offers/apply before booking), payment-main.tsx
    the coupon; POST /bookings carries only the discounted total."""
    offer = customer_client.post(
        "/api/offers/apply",
        {"offer_id": festival.pk, "offer_type": "festival", "purchase_amount": 3000},
        format="json",
    )
    coupon_applied = customer_client.post(
        "/api/offers/apply",
        {"coupon_code": "welcome100", "offer_type": "coupon", "purchase_amount": 2750},
        format="json",
    )
    assert offer.json() == {
        "success": True,
        "discount_amount": 250.0,  # 10 % of 3000, capped at 250
        "original_amount": 3000.0,
        "final_amount": 2750.0,
        "applied_offer": offer.json()["applied_offer"],
    }
    assert coupon_applied.json()["final_amount"] == 2650.0

    response = book(customer_client, hall, 2650)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["total_amount"] == 2650
    assert [(line["kind"], line["total_price"]) for line in body["items"]] == [
        ("offer", -250.0),
        ("coupon", -100.0),
    ]
    booking = Booking.objects.get(pk=body["id"])
    assert OfferUsage.objects.get().booking == booking
    assert CouponUsage.objects.get().booking == booking
    assert Coupon.objects.get().current_usage_count == 1
    # The use was taken with the booking: the frontend's later apply just finds it.
    after = customer_client.post(
        "/api/offers/apply",
        {
            "coupon_code": "WELCOME100",
            "offer_type": "coupon",
            "purchase_amount": 2750,
            "booking_id": booking.pk,
        },
        format="json",
    )
    assert after.json()["discount_amount"] == 100.0
    assert CouponUsage.objects.count() == 1


def test_a_total_no_quoted_discount_explains_is_refused(customer_client, hall, festival):
    customer_client.post(
        "/api/offers/apply",
        {"offer_id": festival.pk, "offer_type": "festival", "purchase_amount": 3000},
        format="json",
    )

    response = book(customer_client, hall, 2000)

    assert response.status_code == 409
    assert response.json()["code"] == "price_mismatch"
    assert not Booking.objects.exists()
    assert not OfferUsage.objects.exists()


def test_a_discount_nobody_quoted_to_this_customer_is_not_taken(customer_client, hall, coupon):
    other = bearer_client(UserFactory())
    other.post(
        "/api/offers/apply", {"coupon_code": "WELCOME100", "purchase_amount": 3000}, format="json"
    )

    response = book(customer_client, hall, 2900)

    assert response.status_code == 409
    assert Coupon.objects.get().current_usage_count == 0


def test_the_coupons_last_use_is_taken_once(customer_client, hall, coupon):
    rival = bearer_client(UserFactory())
    for client in (customer_client, rival):
        client.post(
            "/api/offers/apply",
            {"coupon_code": "WELCOME100", "purchase_amount": 3000},
            format="json",
        )

    first = book(customer_client, hall, 2900, start_hour=9)
    second = book(rival, hall, 2900, start_hour=14)

    assert first.status_code == 201, first.json()
    assert second.status_code == 409
    assert Coupon.objects.get().current_usage_count == 1


def test_uses_of_bookings_never_paid_are_given_back(customer_client, hall, coupon):
    customer_client.post(
        "/api/offers/apply", {"coupon_code": "WELCOME100", "purchase_amount": 3000}, format="json"
    )
    booking_id = book(customer_client, hall, 2900).json()["id"]
    Booking.objects.filter(pk=booking_id).update(status=BookingStatus.EXPIRED)

    assert services.uses_release_unpaid() == 1
    assert services.uses_release_unpaid() == 0
    assert Coupon.objects.get().current_usage_count == 0
    assert CouponUsage.objects.get().released_at is not None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"purchase_amount": 3000}, "offer_required"),
        ({"coupon_code": "NOPE", "purchase_amount": 3000}, "not_found"),
        ({"coupon_code": "WELCOME100", "purchase_amount": -1}, "invalid"),
    ],
)
def test_bad_applies_are_refused_and_quote_nothing(customer_client, coupon, body, code):
    response = customer_client.post("/api/offers/apply", body, format="json")

    assert response.status_code in (400, 404)
    assert response.json()["code"] == code
    assert not DiscountQuote.objects.exists()


def test_staff_manage_offers_and_coupons(staff_client, customer_client):
    created = staff_client.post(
        "/api/admin/offers",
        {
            "offer_type": "festival",
            "title": "Vishu",
            "description": None,
            "discount_type": "flat",
            "discount_value": 200,
            "festival_name": "Vishu",
            "start_date": "2030-04-10",
            "end_date": "2030-04-15",
        },
        format="json",
    )
    offer_id = created.json()["id"]
    coupon = staff_client.post(
        "/api/admin/coupons",
        {
            "code": "summer25",
            "title": "Summer",
            "discount_type": "percentage",
            "discount_value": 25,
        },
        format="json",
    )
    taken = staff_client.post(
        "/api/admin/coupons",
        {"code": "SUMMER25", "title": "Again", "discount_type": "flat", "discount_value": 5},
        format="json",
    )
    over = staff_client.post(
        "/api/admin/coupons",
        {
            "code": "HALFPLUS",
            "title": "Too much",
            "discount_type": "percentage",
            "discount_value": 125,
        },
        format="json",
    )
    edited = staff_client.put(f"/api/admin/offers/{offer_id}", {"is_active": False}, format="json")

    assert created.status_code == 201, created.json()
    assert coupon.json()["coupon"]["code"] == "SUMMER25"
    assert (taken.status_code, over.status_code) == (400, 400)
    assert set(taken.json()["errors"]) == {"code"}
    assert set(over.json()["errors"]) == {"discount_value"}
    assert Coupon.objects.count() == 1
    assert edited.json()["offer"]["is_active"] is False
    assert [o["id"] for o in staff_client.get("/api/admin/offers").json()["offers"]] == [offer_id]
    assert (
        staff_client.get(f"/api/admin/coupons/{coupon.json()['id']}/usage").json()["total_usage"]
        == 0
    )
    assert customer_client.get("/api/admin/offers").status_code == 403
    assert staff_client.delete(f"/api/admin/offers/{offer_id}").json()["success"] is True


def test_quotes_too_old_to_claim_are_pruned(customer_client, coupon):
    for _ in range(2):
        customer_client.post(
            "/api/offers/apply",
            {"coupon_code": "WELCOME100", "purchase_amount": 3000},
            format="json",
        )
    old = DiscountQuote.objects.order_by("id").first()
    assert old is not None
    DiscountQuote.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    assert services.quotes_prune() == 1
    assert DiscountQuote.objects.count() == 1


def test_only_recent_uses_are_looked_at_for_release(customer_client, hall, coupon):
    """Unpaid bookings end within their hold: a use a day old was kept by a paid booking."""
    customer_client.post(
        "/api/offers/apply", {"coupon_code": "WELCOME100", "purchase_amount": 3000}, format="json"
    )
    booking_id = book(customer_client, hall, 2900).json()["id"]
    Booking.objects.filter(pk=booking_id).update(status=BookingStatus.EXPIRED)
    CouponUsage.objects.update(used_at=timezone.now() - timedelta(days=3))

    assert services.uses_release_unpaid() == 0
    assert services.uses_release_unpaid(now=timezone.now() - timedelta(days=3)) == 1
