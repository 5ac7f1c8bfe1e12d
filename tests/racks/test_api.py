"""The racks endpoints as their call sites use them: lib/api-racks.ts (the shop page
app/rack/[rackId].tsx, the staff screen app/admin/racks/index.tsx), whole bodies."""

import base64
from datetime import UTC
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lebrq.api.fields import NAIVE_FORMAT
from racks import selectors
from racks.models import Rack, RackProduct
from tests.racks.factories import RackFactory, RackProductFactory

pytestmark = pytest.mark.django_db


def stamp(moment) -> str:
    return timezone.localtime(moment, UTC).strftime(NAIVE_FORMAT)


def product_body(product: RackProduct) -> dict[str, Any]:
    return {
        "id": product.pk,
        "rack_id": product.rack_id,
        "name": product.name,
        "description": product.description or None,
        "image_url": product.image_url or None,
        "images": product.images or ([product.image_url] if product.image_url else []),
        "videos": product.videos,
        "price": float(product.price),
        "stock_quantity": product.stock_quantity,
        "delivery_time": product.delivery_time or None,
        "category": product.category or None,
        "status": product.status,
        "created_at": stamp(product.created_at),
        "updated_at": stamp(product.updated_at),
    }


def rack_body(rack: Rack, products: list[RackProduct]) -> dict[str, Any]:
    return {
        "id": rack.pk,
        "name": rack.name,
        "code": rack.code,
        "description": rack.description or None,
        "location": rack.location or None,
        "category_name": rack.category_name or None,
        "category_image_url": rack.category_image_url or None,
        "qr_code_url": rack.qr_code_url or None,
        "active": rack.active,
        "created_at": stamp(rack.created_at),
        "updated_at": stamp(rack.updated_at),
        "products": [product_body(p) for p in products],
    }


# --- Public reads ------------------------------------------------------------------------------


def test_the_rack_list_answers_racks_with_their_products(api_client):
    rack = RackFactory(category_name="Gifts", description="By the door")
    chocolate = RackProductFactory(
        rack=rack, image_url="/static/a.jpg", delivery_time="In stock", description="Dark"
    )
    toy = RackProductFactory(
        rack=rack, images=["/static/b.jpg", "/static/c.jpg"], videos=["/v.mp4"]
    )
    hidden = RackFactory(active=False)

    response = api_client.get("/api/racks?active_only=true")

    assert response.status_code == 200
    assert response.json() == [rack_body(rack, [chocolate, toy])]
    everything = api_client.get("/api/racks/?active_only=false").json()
    assert [r["id"] for r in everything] == [rack.pk, hidden.pk]


def test_a_rack_by_id_and_by_the_code_its_qr_code_carries(api_client):
    rack = RackFactory(code="LOBBY-1")
    product = RackProductFactory(rack=rack)

    by_id = api_client.get(f"/api/racks/{rack.pk}")
    by_code = api_client.get("/api/racks/code/LOBBY-1")

    assert by_id.status_code == by_code.status_code == 200
    assert by_id.json() == by_code.json() == rack_body(rack, [product])
    missing = api_client.get("/api/racks/code/NOPE")
    assert missing.status_code == 404
    assert missing.json()["code"] == "rack_not_found"
    assert api_client.get("/api/racks/99999").status_code == 404


def test_all_products_is_what_the_shop_page_lists(api_client):
    """[rackId].tsx: getAllProducts(true, 'active'), reading every field of a product."""
    on_sale = RackProductFactory()
    RackProductFactory(status="inactive")
    RackProductFactory(rack=RackFactory(active=False))

    response = api_client.get("/api/racks/products/all?active_only=true&status_filter=active")

    assert response.status_code == 200
    assert response.json() == [product_body(on_sale)]
    assert (
        len(api_client.get("/api/racks/products/all?active_only=false&status_filter=").json()) == 3
    )


def test_public_lists_cost_the_same_queries_for_one_row_or_many(
    api_client, django_assert_num_queries
):
    RackProductFactory()
    with django_assert_num_queries(2):
        api_client.get("/api/racks?active_only=false")
    with django_assert_num_queries(1):
        api_client.get("/api/racks/products/all")
    for _ in range(4):
        rack = RackFactory()
        RackProductFactory.create_batch(3, rack=rack)
    with django_assert_num_queries(2):
        assert len(api_client.get("/api/racks?active_only=false").json()) == 5
    with django_assert_num_queries(1):
        assert len(api_client.get("/api/racks/products/all").json()) == 13


def test_lists_are_capped(api_client, monkeypatch):
    monkeypatch.setattr(selectors, "ALL_PRODUCTS_CAP", 2)
    RackProductFactory.create_batch(3)
    assert len(api_client.get("/api/racks/products/all").json()) == 2


# --- Staff: racks ------------------------------------------------------------------------------


def test_staff_create_a_rack_as_the_screen_sends_it(staff_client):
    response = staff_client.post(
        "/api/racks/admin",
        {
            "name": "Gift rack",
            "code": "GIFT-1",
            "description": "",
            "location": "Lobby",
            "category_name": None,
            "category_image_url": "/static/cat.png",
            "active": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    rack = Rack.objects.get(code="GIFT-1")
    assert response.json() == rack_body(rack, [])
    assert (rack.location, rack.description, rack.category_name) == ("Lobby", "", "")


def test_a_second_rack_with_the_same_code_is_a_409(staff_client):
    RackFactory(code="GIFT-1")
    response = staff_client.post(
        "/api/racks/admin", {"name": "Again", "code": "GIFT-1"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "rack_code_taken"
    assert Rack.objects.count() == 1


def test_patch_changes_only_what_is_sent_with_a_value(staff_client):
    rack = RackFactory(location="Lobby", category_name="Gifts")
    product = RackProductFactory(rack=rack)

    response = staff_client.patch(
        f"/api/racks/admin/{rack.pk}",
        {"name": "Renamed", "location": None, "active": False},
        format="json",
    )

    assert response.status_code == 200
    rack.refresh_from_db()
    assert (rack.name, rack.location, rack.active) == ("Renamed", "Lobby", False)
    assert response.json() == rack_body(rack, [product])
    assert staff_client.patch("/api/racks/admin/99999", {}, format="json").status_code == 404


def test_deleting_a_rack_takes_its_products_and_answers_json(staff_client):
    rack = RackFactory()
    RackProductFactory(rack=rack)

    response = staff_client.delete(f"/api/racks/admin/{rack.pk}")

    # The screen's http() parses every success as JSON: an empty 204 read as a failure.
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": "Rack deleted"}
    assert not Rack.objects.exists()
    assert not RackProduct.objects.exists()
    assert staff_client.delete(f"/api/racks/admin/{rack.pk}").status_code == 404


def test_the_default_rack_is_made_once(staff_client):
    first = staff_client.get("/api/racks/admin/default-rack")
    second = staff_client.get("/api/racks/admin/default-rack/")

    assert first.status_code == second.status_code == 200
    rack = Rack.objects.get()
    assert first.json() == second.json() == rack_body(rack, [])
    assert (rack.code, rack.name) == ("DEFAULT", "All Products")


def test_the_qr_code_opens_the_shop_page_for_the_racks_code(staff_client, settings):
    settings.FRONTEND_URL = "https://lebrq.example/"
    rack = RackFactory(code="LOBBY-1")

    response = staff_client.post(f"/api/racks/admin/{rack.pk}/generate-qr")

    assert response.status_code == 200
    body = response.json()
    assert body["rack_url"] == "https://lebrq.example/rack/LOBBY-1"
    assert (body["success"], body["existing"]) == (True, False)
    assert body["qr_code_base64"] == body["qr_code_url"]
    prefix, data = body["qr_code_base64"].split(",", 1)
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(data).startswith(b"\x89PNG")
    assert staff_client.post("/api/racks/admin/99999/generate-qr").status_code == 404


# --- Staff: products ---------------------------------------------------------------------------


def test_staff_add_a_product_as_the_screen_sends_it(staff_client):
    rack = RackFactory()

    response = staff_client.post(
        f"/api/racks/admin/{rack.pk}/products",
        {
            "name": "Teddy",
            "description": "Soft",
            "image_url": "/static/uploads/t1.jpg",
            "images": ["/static/uploads/t1.jpg", "/static/uploads/t2.jpg"],
            "videos": None,
            "price": 499.999,
            "stock_quantity": 3,
            "delivery_time": None,
            "category": "Toys",
            "status": "active",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    product = RackProduct.objects.get()
    assert product.price == Decimal("500.00")
    assert response.json() == product_body(product)


def test_a_product_needs_a_name_and_a_sane_price(staff_client):
    rack = RackFactory()
    for body in (
        {"price": 10},
        {"name": "X", "price": -1},
        {"name": "X", "price": "abc"},
        {"name": "X", "price": 1, "status": "sold"},
    ):
        response = staff_client.post(f"/api/racks/admin/{rack.pk}/products", body, format="json")
        assert response.status_code == 400, body
        assert {"detail", "message", "code"} <= response.json().keys()
    missing_rack = staff_client.post(
        "/api/racks/admin/99999/products", {"name": "X", "price": 1}, format="json"
    )
    assert missing_rack.status_code == 404
    assert not RackProduct.objects.exists()


def test_staff_update_and_delete_a_product(staff_client):
    product = RackProductFactory(stock_quantity=2, category="Sweets")

    response = staff_client.patch(
        f"/api/racks/admin/products/{product.pk}",
        {"name": "Renamed", "price": 120, "stock_quantity": 9, "category": None},
        format="json",
    )

    assert response.status_code == 200
    product.refresh_from_db()
    assert (product.name, product.price, product.stock_quantity, product.category) == (
        "Renamed",
        Decimal("120.00"),
        9,
        "Sweets",
    )
    assert response.json() == product_body(product)
    negative = staff_client.patch(
        f"/api/racks/admin/products/{product.pk}", {"stock_quantity": -1}, format="json"
    )
    assert negative.status_code == 400
    deleted = staff_client.delete(f"/api/racks/admin/products/{product.pk}")
    assert (deleted.status_code, deleted.json()) == (
        200,
        {"ok": True, "message": "Product deleted"},
    )
    assert staff_client.delete(f"/api/racks/admin/products/{product.pk}").status_code == 404
