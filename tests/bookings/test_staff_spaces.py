"""Staff writes of spaces: POST /venues/{id}/spaces, PATCH and DELETE /venues/spaces/{id}, with
the option tables checked against bookings.space_options and priced as bookings.pricing does."""

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from bookings import pricing
from bookings.models import Space
from tests.factories import BookingFactory, ItemFactory, SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db

# What the space editor (app/admin/spaces/[id].tsx) loads and writes back.
PAID_FEATURES = [
    {"id": "dj", "label": "DJ", "paid": "true", "pricing_type": "hour", "base_price": "1500"},
    {"id": "cake", "label": "Cake table", "paid": 1, "item_price": 400},
    {"id": "ac", "label": "Air conditioning"},
]


def editor_save_body(space: dict[str, Any]) -> dict[str, Any]:
    """The body spaces/[id].tsx sends when staff press Save without changing anything."""
    features = space["features"]
    hall = features["hall_features"] if isinstance(features, dict) else features
    banners = features.get("top_banners", []) if isinstance(features, dict) else []
    normalized = []
    for f in hall:
        paid = f.get("paid") in (True, "true", 1, "1")
        pricing_type = f.get("pricing_type") or ("item" if f.get("item_price") else "hour")
        row = {"id": f["id"], "label": f["label"], "icon": f.get("icon") or "checkbox-outline"}
        row["paid"] = paid
        if paid:
            row["pricing_type"] = pricing_type
            if pricing_type == "hour" and f.get("base_price"):
                row["base_price"] = float(f["base_price"])
            if pricing_type == "item" and f.get("item_price"):
                row["item_price"] = float(f["item_price"])
        normalized.append(row)
    hour = dict((space["pricing_overrides"] or {}).get("hour") or {})
    hour["1"] = float(space["price_per_hour"])
    return {
        "features": {"hall_features": normalized, "top_banners": banners}
        if banners
        else normalized,
        "event_types": space["event_types"],
        "pricing_overrides": {"hour": hour},
    }


def quote(space: Space, codes: list[tuple[str, int]], hours: int = 3) -> pricing.Quote:
    # A Monday: no weekend surcharge.
    start = datetime(2030, 1, 7, 10, tzinfo=timezone.get_current_timezone())
    return pricing.quote(
        space=pricing.SpacePrices(
            price_per_hour=space.price_per_hour,
            pricing_overrides=space.pricing_overrides,
            features=space.features,
            stage_options=space.stage_options,
            banner_sizes=space.banner_sizes,
            event_types=space.event_types,
        ),
        start=start,
        end=start.replace(hour=10 + hours),
        local_day=start.date(),
        event_type="",
        booking_type="one_day",
        catalog=[],
        options=[pricing.SpaceOptionRequest(code=c, quantity=q) for c, q in codes],
    )


def test_create_under_a_venue_as_the_new_space_screen_sends_it(staff_client):
    venue = VenueFactory()
    body = {  # app/admin/spaces/new.tsx
        "name": "Terrace",
        "description": None,
        "capacity": 40,
        "price_per_hour": 800,
        "image_url": None,
        "active": True,
        "features": {"top_banners": ["/static/a.jpg"]},
        "event_types": None,
        "pricing_overrides": {"hour": {"1": 800, "3": 2000}},
        "stage_options": [{"name": "Floral", "price": 1200, "image_url": "/static/f.jpg"}],
        "banner_sizes": [{"label": "6x3", "price": 300, "image_url": ""}],
    }

    response = staff_client.post(f"/api/venues/{venue.pk}/spaces", body, format="json")

    assert response.status_code == 201, response.json()
    space = Space.objects.get()
    created = response.json()
    assert created == {
        "id": space.pk,
        "venue_id": venue.pk,
        "name": "Terrace",
        "description": "",
        "capacity": 40,
        "price_per_hour": 800.0,
        "advance_payment_percentage": 0.0,
        "image_url": "",
        "features": {"top_banners": ["/static/a.jpg"], "hall_features": []},
        "pricing_overrides": {"hour": {"1": 800, "3": 2000}},
        "event_types": [],
        "stage_options": [
            {
                "id": "stage-floral",
                "name": "Floral",
                "label": "Floral",
                "price": 1200,
                "image_url": "/static/f.jpg",
            }
        ],
        "banner_sizes": [{"id": "banner-6x3", "label": "6x3", "price": 300, "image_url": ""}],
        "active": True,
        "created_at": created["created_at"],
        "updated_at": created["updated_at"],
    }
    assert quote(space, [("stage-floral", 1), ("banner-6x3", 1)]).total == Decimal("3500.00")


def test_create_for_an_unknown_venue_is_a_404(staff_client):
    response = staff_client.post("/api/venues/999999/spaces", {"name": "X"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "venue_not_found"
    assert not Space.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pricing_overrides", {"hour": {"1": "abc"}}),
        ("pricing_overrides", {"hour": {"one": 100}}),
        ("pricing_overrides", {"duration": {"2h": -5}}),
        ("pricing_overrides", {"transport": {"km_rate": "x"}}),
        ("pricing_overrides", [1, 2]),
        ("features", [{"id": "dj", "paid": True, "base_price": "lots"}]),
        ("features", [{"id": "dj", "paid": True, "pricing_type": "per-guest"}]),
        ("features", {"hall_features": "dj"}),
        ("features", [{"paid": True}]),
        ("stage_options", [{"id": "s", "label": "S", "price": 1e12}]),
        ("stage_options", [{"id": "s", "price": 5}]),
        ("stage_options", [{"id": "s", "label": "A", "price": 1}, {"id": "s", "label": "B"}]),
        ("banner_sizes", [{"id": "b", "label": "B", "width": 0, "price": 1}]),
        ("event_types", {"birthday": True}),
    ],
)
def test_a_malformed_table_is_a_400_at_save_time_and_nothing_changes(staff_client, field, value):
    space = SpaceFactory(pricing_overrides={"hour": {"1": 900}})

    response = staff_client.patch(f"/api/venues/spaces/{space.pk}", {field: value}, format="json")

    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] in ("space_price_table_invalid", "invalid")
    assert field in body["errors"]
    space.refresh_from_db()
    assert space.pricing_overrides == {"hour": {"1": 900}}
    assert space.features == []


def test_saving_unchanged_in_the_editor_round_trips_and_prices_the_same(staff_client):
    space = SpaceFactory(
        features={"hall_features": PAID_FEATURES, "top_banners": []},
        pricing_overrides={"duration": {"3h": 2500}, "transport": {"km_rate": 20}},
    )
    options = [("paid-feature-dj", 2), ("paid-feature-cake", 3)]
    # Stored with a string "true", the DJ was not bookable: the legacy GET showed it as paid,
    # the price tables did not. Staff saving the space is what fixes it.
    shown = staff_client.get(f"/api/venues/spaces/{space.pk}").json()

    response = staff_client.patch(
        f"/api/venues/spaces/{space.pk}", editor_save_body(shown), format="json"
    )

    assert response.status_code == 200, response.json()
    saved = response.json()
    assert saved["features"] == [
        {
            "id": "dj",
            "label": "DJ",
            "icon": "checkbox-outline",
            "paid": True,
            "pricing_type": "hour",
            "base_price": 1500,
        },
        {
            "id": "cake",
            "label": "Cake table",
            "icon": "checkbox-outline",
            "paid": True,
            "pricing_type": "item",
            "item_price": 400,
        },
        {"id": "ac", "label": "Air conditioning", "icon": "checkbox-outline", "paid": False},
    ]
    # The editor sends only hour/month/year: the duration and transport tables are kept.
    assert saved["pricing_overrides"] == {
        "hour": {"1": 1000},
        "duration": {"3h": 2500},
        "transport": {"km_rate": 20},
    }
    space.refresh_from_db()
    after = quote(space, options)
    assert after.total == Decimal("2500") + 2 * 1500 + 3 * 400

    # Saved again from the list form, and back to the object form: the same prices.
    again = staff_client.patch(
        f"/api/venues/spaces/{space.pk}", editor_save_body(saved), format="json"
    ).json()
    assert again["features"] == saved["features"]
    as_object = {"hall_features": saved["features"], "top_banners": ["/static/b.jpg"]}
    staff_client.patch(f"/api/venues/spaces/{space.pk}", {"features": as_object}, format="json")
    space.refresh_from_db()
    assert quote(space, options).total == after.total


def test_features_remove_ids_and_deleted_flag(staff_client):
    space = SpaceFactory(features={"hall_features": PAID_FEATURES, "top_banners": ["/x.jpg"]})

    removed = staff_client.patch(
        f"/api/venues/spaces/{space.pk}", {"features_remove_ids": ["cake"]}, format="json"
    ).json()
    assert [f["id"] for f in removed["features"]["hall_features"]] == ["dj", "ac"]
    assert removed["features"]["top_banners"] == ["/x.jpg"]

    flagged = staff_client.patch(
        f"/api/venues/spaces/{space.pk}",
        {"features": [{"id": "dj", "label": "DJ", "deleted": True}, {"id": "ac", "label": "AC"}]},
        format="json",
    ).json()
    assert flagged["features"] == [{"id": "ac", "label": "AC", "paid": False}]


def test_stage_screen_patch_and_deactivation_hides_the_space_from_public_lists(
    staff_client, api_client
):
    space = SpaceFactory()
    stages = [{"id": "stage-gold", "label": "Gold", "price": 2000, "image": "/g.jpg"}]

    saved = staff_client.patch(
        f"/api/venues/spaces/{space.pk}/", {"stage_options": stages}, format="json"
    )
    assert saved.status_code == 200
    assert saved.json()["stage_options"] == stages

    staff_client.patch(f"/api/venues/spaces/{space.pk}", {"active": False}, format="json")

    assert space.pk not in [s["id"] for s in api_client.get("/api/spaces").json()["items"]]
    venue_list = api_client.get(f"/api/venues/{space.venue_id}/spaces").json()
    assert space.pk not in [s["id"] for s in venue_list]
    # The staff screens' list (sent without a token by app/admin/spaces/index.tsx).
    assert space.pk in [s["id"] for s in api_client.get("/api/venues/spaces").json()]


def test_delete_a_space_nothing_refers_to(staff_client):
    space = SpaceFactory()
    response = staff_client.delete(f"/api/venues/spaces/{space.pk}")
    assert response.status_code == 204
    assert not Space.objects.filter(pk=space.pk).exists()
    assert staff_client.delete(f"/api/venues/spaces/{space.pk}").status_code == 404


def test_delete_is_refused_while_bookings_or_items_hold_the_space(staff_client):
    booked = BookingFactory().space
    stocked = SpaceFactory()
    ItemFactory(space=stocked)

    refused = staff_client.delete(f"/api/venues/spaces/{booked.pk}")
    assert refused.status_code == 409
    assert refused.json()["code"] == "space_has_bookings"
    assert "deactivate" in refused.json()["detail"]
    assert staff_client.delete(f"/api/venues/spaces/{stocked.pk}").json()["code"] == (
        "space_has_items"
    )
    assert Space.objects.filter(pk__in=[booked.pk, stocked.pk]).count() == 2


@pytest.mark.parametrize(
    ("client_name", "expected"),
    [("api_client", 401), ("customer_client", 403), ("other_client", 403), ("staff_client", None)],
)
def test_authorization_matrix(request, client_name, expected):
    client = request.getfixturevalue(client_name)
    space = SpaceFactory()
    venue = space.venue
    calls = [
        ("post", f"/api/venues/{venue.pk}/spaces", {"name": "New"}, 201),
        ("patch", f"/api/venues/spaces/{space.pk}", {"capacity": 5}, 200),
        ("delete", f"/api/venues/spaces/{space.pk}", None, 204),
    ]
    for method, path, body, allowed in calls:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code == (expected or allowed), (method, path, response.content)
    # Reads stay public whoever asks.
    assert client.get(f"/api/venues/{venue.pk}/spaces").status_code == 200
