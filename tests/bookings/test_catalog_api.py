from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.choices import ProgramStatus
from tests.factories import ItemFactory, ProgramFactory, SpaceFactory, VendorFactory, VenueFactory

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row.get("name") or row.get("title") for row in response.json()["items"]]


def test_venues_are_a_bare_array_in_id_order_as_the_legacy_sent_them(api_client):
    b = VenueFactory(name="B hall")
    a = VenueFactory(name="A hall")

    body = api_client.get("/api/venues/").json()

    assert [(v["id"], v["name"]) for v in body] == [(b.pk, "B hall"), (a.pk, "A hall")]
    assert api_client.get(f"/api/venues/{b.pk}").json()["name"] == "B hall"


def test_venue_lists_page_by_skip_and_limit_clamped_at_500(api_client):
    venues = VenueFactory.create_batch(3)

    page = api_client.get("/api/venues", {"skip": 1, "limit": 1}).json()
    clamped = api_client.get("/api/venues", {"limit": 10_000}).json()
    refused = api_client.get("/api/venues", {"skip": -1})

    assert [v["id"] for v in page] == [venues[1].pk]
    assert len(clamped) == 3
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"skip": ["Must be 0 or more."]}


def test_spaces_list_active_ones_with_prices_and_frontend_blobs(api_client):
    space = SpaceFactory(
        name="Grant Hall",
        price_per_hour=Decimal("2500.00"),
        features={"hall_features": [{"id": "ac", "label": "AC", "paid": False}]},
    )
    SpaceFactory(active=False)

    body = api_client.get("/api/spaces").json()

    assert [s["id"] for s in body["items"]] == [space.pk]
    assert body["items"][0]["price_per_hour"] == 2500.0
    assert body["items"][0]["features"]["hall_features"][0]["label"] == "AC"


def test_spaces_on_the_legacy_paths_are_bare_arrays_in_id_order(api_client):
    space = SpaceFactory()
    inactive = SpaceFactory(venue=space.venue, active=False)
    other = SpaceFactory()

    every = api_client.get("/api/venues/spaces").json()
    by_venue = api_client.get(f"/api/venues/{space.venue_id}/spaces/").json()

    # The staff screens list inactive spaces too (to re-activate them); a venue page does not.
    assert [s["id"] for s in every] == [space.pk, inactive.pk, other.pk]
    assert [s["id"] for s in by_venue] == [space.pk]
    assert api_client.get(f"/api/venues/spaces/{inactive.pk}").json()["id"] == inactive.pk


def test_items_filter_by_category_subcategory_type_and_space(api_client):
    hall = SpaceFactory()
    veg = ItemFactory(name="Veg lunch", category="food", subcategory="lunch", item_type="veg")
    ItemFactory(name="Chicken lunch", category="food", subcategory="lunch", item_type="non-veg")
    ItemFactory(name="Cake", category="cake", subcategory="birthday-party", item_type="")
    for_hall = ItemFactory(name="Hall decor", category="decoration", item_type="", space=hall)
    ItemFactory(name="Other decor", category="decoration", item_type="", space=SpaceFactory())

    assert names(api_client.get("/api/items", {"category": "food", "type": "veg"})) == ["Veg lunch"]
    assert names(api_client.get("/api/items", {"item_type": "veg"})) == ["Veg lunch"]
    assert names(api_client.get("/api/items", {"subcategory": "birthday-party"})) == ["Cake"]
    with_hall = names(api_client.get("/api/items", {"space": hall.pk}))
    assert for_hall.name in with_hall
    assert veg.name in with_hall
    assert "Other decor" not in with_hall


def test_items_hide_unavailable_ones_and_suspended_vendors(api_client):
    ItemFactory(name="Shown")
    ItemFactory(name="Unavailable", available=False)
    ItemFactory(
        name="Suspended vendor",
        vendor=VendorFactory(suspended_until=timezone.now() + timedelta(days=1)),
    )

    assert names(api_client.get("/api/items")) == ["Shown"]


def test_item_exposes_the_performance_team_profile(api_client):
    item = ItemFactory(performance_team_profile={"team_name": "Rhythm", "genres": ["Pop"]})

    body = api_client.get(f"/api/items/{item.pk}").json()

    assert body["performance_team_profile"] == {"team_name": "Rhythm", "genres": ["Pop"]}
    assert body["type"] == item.item_type


def test_programs_list_only_approved_ones_and_search_by_title(api_client):
    ProgramFactory(title="Morning Yoga")
    ProgramFactory(title="Zumba", program_type="zumba")
    ProgramFactory(title="Draft yoga", status=ProgramStatus.DRAFT)

    assert sorted(names(api_client.get("/api/programs"))) == ["Morning Yoga", "Zumba"]
    assert names(api_client.get("/api/programs", {"q": "yoga"})) == ["Morning Yoga"]
    assert names(api_client.get("/api/programs", {"program_type": "zumba"})) == ["Zumba"]


def test_public_lists_ignore_a_stale_token(api_client):
    VenueFactory()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    assert api_client.get("/api/venues").status_code == 200


def test_unknown_catalog_ids_are_404(api_client):
    for path in ("/api/venues/999999", "/api/spaces/999999", "/api/items/999999"):
        assert api_client.get(path).status_code == 404, path
    assert api_client.get("/api/items/not-a-number").status_code == 404


def test_gallery_lists_public_entries_newest_first_with_absolute_urls(api_client):
    from tests.factories import GalleryImageFactory, UploadFactory
    from uploads.models import GalleryImage

    older = GalleryImageFactory(title="Stage")
    newer = GalleryImageFactory(title="Hall")
    GalleryImage.objects.create(upload=UploadFactory(image=True, is_public=False), title="Hidden")

    body = api_client.get("/api/gallery").json()

    assert [g["id"] for g in body["items"]] == [newer.pk, older.pk]
    assert body["items"][0]["url"] == f"http://testserver/api/uploads/{newer.upload_id}"
    image = api_client.get(body["items"][0]["url"])
    assert image.status_code == 200
    assert image.getvalue().startswith(b"\x89PNG")
