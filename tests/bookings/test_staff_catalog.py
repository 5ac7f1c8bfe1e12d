"""The staff catalog screens (app/admin/items/*) and item media (lib/api.ts ItemMediaAPI)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from bookings.models import Item, ItemMedia
from tests.conftest import bearer_client
from tests.factories import (
    BookingFactory,
    BookingItemFactory,
    ItemFactory,
    UploadFactory,
    UserFactory,
    VendorFactory,
)
from tests.samples import MP4_BYTES, SVG_BYTES, image_bytes
from uploads.models import Upload

pytestmark = pytest.mark.django_db

ANY = object()


def whole(actual, expected):
    """expected with ANY where a value is not fixed (ids, timestamps, URLs' hosts)."""
    assert actual.keys() == expected.keys(), sorted(set(actual) ^ set(expected))
    for key, value in expected.items():
        if value is not ANY:
            assert actual[key] == value, key


@pytest.fixture(autouse=True)
def upload_temp_dir(settings, tmp_path):
    temp_dir = tmp_path / "upload-tmp"
    temp_dir.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp_dir)
    return temp_dir


def staff_item_body(item, **overrides):
    body = {
        "id": item.pk,
        "name": item.name,
        "description": "",
        "price": 250.0,
        "vendor_price": 0,
        "admin_markup_percent": 0.0,
        "profit_amount": 0,
        "profit_margin": 0,
        "main_category": "social-life",
        "category": "food",
        "subcategory": "lunch",
        "type": "veg",
        "image_url": "",
        "video_url": "",
        "profile_image_url": "",
        "profile_info": "",
        "performance_team_profile": None,
        "space_id": None,
        "vendor_id": item.vendor_id,
        "available": True,
        "item_status": "available",
        "preparation_time_minutes": 0,
        "base_hours_included": 0,
        "rate_per_extra_hour": 0.0,
        "is_eligible_for_space_offer": True,
        "created_at": ANY,
        "updated_at": ANY,
    }
    body.update(overrides)
    return body


# --- GET /admin/items (index.tsx loadItems, vendors/[id].tsx) ------------------------------


def test_staff_list_is_every_item_newest_first_with_the_screens_fields(staff_client):
    old = ItemFactory(available=False)
    new = ItemFactory(vendor_price=Decimal("200.00"), admin_markup_percent=Decimal("25"))
    body = staff_client.get("/api/admin/items").json()
    assert body["count"] == 2
    assert [row["id"] for row in body["items"]] == [new.pk, old.pk]
    whole(
        body["items"][0],
        staff_item_body(
            new,
            vendor_price=200.0,
            admin_markup_percent=25.0,
            profit_amount=50.0,
            profit_margin=20.0,
        ),
    )
    whole(body["items"][1], staff_item_body(old, available=False))
    assert body["items"][0]["created_at"].count("+") == 0  # naive UTC


def test_staff_list_filters_as_the_screen_sends_them(staff_client):
    vendor = VendorFactory()
    mine = ItemFactory(vendor=vendor, name="Paneer tikka")
    ItemFactory(name="Paneer roll")
    ItemFactory(vendor=vendor, name="Fish curry", item_type="non-veg")
    body = staff_client.get(
        f"/api/admin/items?vendor_id={vendor.pk}&q=paneer&item_type=veg&main_category="
    ).json()
    assert [row["id"] for row in body["items"]] == [mine.pk]
    assert staff_client.get("/api/admin/items?vendor_id=abc").status_code == 400


def test_staff_list_costs_the_same_queries_for_more_rows(
    staff_client, django_assert_max_num_queries
):
    ItemFactory.create_batch(2)
    with django_assert_max_num_queries(2) as few:
        staff_client.get("/api/admin/items")
    ItemFactory.create_batch(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(staff_client.get("/api/admin/items").json()["items"]) == 22


def test_staff_list_is_capped_and_counts_them_all(staff_client, monkeypatch):
    monkeypatch.setattr("bookings.catalog_selectors.STAFF_ITEM_LIST_MAX_ROWS", 3)
    ItemFactory.create_batch(5)
    body = staff_client.get("/api/admin/items").json()
    assert (len(body["items"]), body["count"]) == (3, 5)


# --- POST /admin/items (index.tsx handleCreate: form-urlencoded) -----------------------------


def test_create_from_the_form(staff_client):
    vendor = VendorFactory()
    response = staff_client.post(
        "/api/admin/items",
        "name=Chocolate+cake&price=950&main_category=cake&category=cake&item_type=veg"
        f"&vendor_id={vendor.pk}&performance_team_profile=%7B%22members%22%3A3%7D",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201, response.json()
    item = Item.objects.get()
    whole(
        response.json(),
        {
            "ok": True,
            **staff_item_body(
                item,
                name="Chocolate cake",
                price=950.0,
                main_category="cake",
                category="cake",
                subcategory="",
                vendor_id=vendor.pk,
                performance_team_profile={"members": 3},
            ),
        },
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("name=&price=10", "name"),
        ("name=Cake&price=0", "price"),
        ("name=Cake&price=abc", "price"),
        ("name=Cake&price=10&vendor_id=999999", "vendor_id"),
        ("name=Cake&price=10&performance_team_profile=%7Bnot", "performance_team_profile"),
    ],
)
def test_create_refuses_bad_fields_and_stores_nothing(staff_client, body, field):
    response = staff_client.post(
        "/api/admin/items", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"] or field in response.json()["message"]
    assert not Item.objects.exists()


# --- PUT /admin/catalog/items/{id} (EditItemModal.tsx handleSave) ---------------------------


def test_edit_reprices_from_vendor_price_and_markup(staff_client):
    item = ItemFactory(price=Decimal("100"))
    response = staff_client.put(
        f"/api/admin/catalog/items/{item.pk}",
        {
            "vendor_price": 199.99,
            "admin_markup_percent": 12.5,
            "preparation_time_minutes": 90,
            "item_status": "out_of_stock",
            "image_url": None,
            "video_url": None,
            "profile_image_url": "https://example.com/p.jpg",
            "profile_info": None,
            "performance_team_profile": {"leader": "Asha"},
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    # 199.99 * 1.125 = 224.98875 -> 224.99
    whole(
        response.json(),
        staff_item_body(
            item,
            price=224.99,
            vendor_price=199.99,
            admin_markup_percent=12.5,
            profit_amount=25.0,
            profit_margin=11.11,
            preparation_time_minutes=90,
            item_status="out_of_stock",
            profile_image_url="https://example.com/p.jpg",
            performance_team_profile={"leader": "Asha"},
        ),
    )
    item.refresh_from_db()
    assert item.price == Decimal("224.99")


@pytest.mark.parametrize(
    "body",
    [
        {"admin_markup_percent": 1000},
        {"vendor_price": -1},
        {"preparation_time_minutes": 10081},
        {"item_status": "gone"},
        {"vendor_price": 99999999.99, "admin_markup_percent": 10},
        {"name": "  "},
    ],
)
def test_edit_refuses_bad_values_and_changes_nothing(staff_client, body):
    item = ItemFactory(vendor_price=Decimal("10"))
    before = Item.objects.filter(pk=item.pk).values().get()
    response = staff_client.put(f"/api/admin/catalog/items/{item.pk}", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"detail", "message", "code"}
    assert Item.objects.filter(pk=item.pk).values().get() == before


def test_edit_of_a_missing_item_is_404(staff_client):
    assert staff_client.put("/api/admin/catalog/items/999999", {}, format="json").status_code == 404


# --- bulk changes (index.tsx handleApplyBulkMarkup / handleApplyBulkPrepTime) ---------------


def _updates(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_bulk_markup_for_a_vendor_is_one_update(staff_client):
    vendor = VendorFactory()
    items = [ItemFactory(vendor=vendor, vendor_price=Decimal(price)) for price in ("100", "33.33")]
    unpriced = ItemFactory(vendor=vendor, price=Decimal("70"))
    other = ItemFactory(vendor_price=Decimal("100"), price=Decimal("100"))
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(
            "/api/admin/catalog/items/bulk-markup",
            {"markup_percent": 10, "vendor_id": vendor.pk},
            format="json",
        )
    assert response.status_code == 200, response.json()
    assert len(_updates(queries.captured_queries)) == 1
    body = response.json()
    assert (body["success"], body["updated_count"]) == (True, 2)
    assert body["message"] == "Applied 10.00% markup to 2 items"
    assert sorted(row["price"] for row in body["items"]) == [36.66, 110.0]
    for item in items:
        item.refresh_from_db()
        assert item.admin_markup_percent == Decimal("10")
    assert Item.objects.get(pk=unpriced.pk).price == Decimal("70")
    assert Item.objects.get(pk=other.pk).price == Decimal("100")


def test_bulk_markup_by_item_ids_without_vendor(staff_client):
    """The screen sends item_ids alone when items are picked (the legacy answered 422)."""
    picked = ItemFactory(vendor_price=Decimal("50"))
    ItemFactory(vendor_price=Decimal("50"), price=Decimal("50"))
    response = staff_client.post(
        "/api/admin/catalog/items/bulk-markup",
        {"markup_percent": 20, "item_ids": [picked.pk]},
        format="json",
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [picked.pk]
    assert Item.objects.get(pk=picked.pk).price == Decimal("60.00")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"markup_percent": 10}, 400),
        ({"markup_percent": -1, "vendor_id": 1}, 400),
        ({"markup_percent": 1000, "vendor_id": 1}, 400),
        ({"markup_percent": "x", "vendor_id": 1}, 400),
        ({"markup_percent": 10, "item_ids": ["a"]}, 400),
        ({"markup_percent": 10, "vendor_id": 999999}, 404),
    ],
)
def test_bulk_markup_refusals_change_nothing(staff_client, body, status):
    item = ItemFactory(vendor_price=Decimal("10"), price=Decimal("10"))
    response = staff_client.post("/api/admin/catalog/items/bulk-markup", body, format="json")
    assert response.status_code == status
    assert Item.objects.get(pk=item.pk).price == Decimal("10")


def test_bulk_markup_that_overflows_a_price_is_refused(staff_client):
    item = ItemFactory(vendor_price=Decimal("90000000"), price=Decimal("90000000"))
    response = staff_client.post(
        "/api/admin/catalog/items/bulk-markup",
        {"markup_percent": 50, "item_ids": [item.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "price_too_large"


def test_bulk_preparation_time_is_one_update(staff_client):
    vendor = VendorFactory()
    mine = ItemFactory.create_batch(3, vendor=vendor)
    other = ItemFactory()
    with CaptureQueriesContext(connection) as queries:
        response = staff_client.post(
            "/api/admin/catalog/items/bulk-preparation-time",
            {"preparation_time_minutes": 45, "vendor_id": vendor.pk},
            format="json",
        )
    assert response.status_code == 200
    assert len(_updates(queries.captured_queries)) == 1
    body = response.json()
    assert body["updated_count"] == 3
    assert body["message"] == "Set preparation time to 45 minutes for 3 items"
    assert {row["preparation_time_minutes"] for row in body["items"]} == {45}
    assert sorted(row["id"] for row in body["items"]) == sorted(i.pk for i in mine)
    assert Item.objects.get(pk=other.pk).preparation_time_minutes == 0


@pytest.mark.parametrize(
    "body",
    [{"preparation_time_minutes": 10081, "vendor_id": 1}, {"preparation_time_minutes": 5}],
)
def test_bulk_preparation_time_refusals(staff_client, body):
    item = ItemFactory()
    response = staff_client.post(
        "/api/admin/catalog/items/bulk-preparation-time", body, format="json"
    )
    assert response.status_code == 400
    assert Item.objects.get(pk=item.pk).preparation_time_minutes == 0


# --- DELETE /admin/items/{id} (index.tsx handleDelete) --------------------------------------


def test_delete_removes_the_item_and_its_media_files(
    staff_client, django_capture_on_commit_callbacks
):
    item = ItemFactory()
    upload = UploadFactory(image=True, is_public=True)
    ItemMedia.objects.create(item=item, upload=upload)
    path = upload.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.delete(f"/api/admin/items/{item.pk}")
    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert not Item.objects.exists()
    assert not Upload.objects.exists()
    import os

    assert not os.path.exists(path)


def test_delete_of_a_booked_item_is_refused(staff_client):
    item = ItemFactory()
    BookingItemFactory(booking=BookingFactory(), item=item)
    response = staff_client.delete(f"/api/admin/items/{item.pk}")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "item_in_use"
    assert body["booking_lines"] == 1
    assert Item.objects.filter(pk=item.pk).exists()


# --- item media ---------------------------------------------------------------------------


def media_upload(client, item, *files, media_type="image"):
    return client.post(
        f"/api/items/{item.pk}/media/upload",
        {"files": [SimpleUploadedFile(n, c, t) for n, c, t in files], "media_type": media_type},
        format="multipart",
    )


def test_media_upload_list_reorder_primary_edit_delete(staff_client, api_client):
    item = ItemFactory()
    png = ("a.png", image_bytes("PNG", size=(20, 10)), "image/png")
    jpg = ("b.jpg", image_bytes("JPEG", size=(10, 10)), "image/jpeg")
    response = media_upload(staff_client, item, png, jpg)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["message"] == "Successfully uploaded 2 image(s)"
    first = body["media"][0]
    whole(
        first,
        {
            "id": ANY,
            "item_id": item.pk,
            "media_type": "image",
            "file_path": ANY,
            "file_url": ANY,
            "thumbnail_url": ANY,
            "is_primary": False,
            "display_order": 0,
            "title": None,
            "description": None,
            "created_at": ANY,
        },
    )
    assert first["file_url"].startswith("http://testserver/api/uploads/")
    assert first["file_path"].startswith("uploads/")
    assert [m["display_order"] for m in body["media"]] == [0, 1]
    ids = [m["id"] for m in body["media"]]

    # Anyone can read the list and the pictures (no token: ItemMediaViewer).
    listed = api_client.get(f"/api/items/{item.pk}/media").json()["media"]
    assert [m["id"] for m in listed] == ids
    # Public uploads: /api/uploads/<id> serves them to anyone (tests/uploads/test_serving.py).
    assert Upload.objects.filter(is_public=True, kind="image").count() == 2

    response = staff_client.patch(
        f"/api/items/{item.pk}/media/reorder",
        {"media_ids": [str(ids[1]), str(ids[0])]},
        format="multipart",
    )
    assert (response.status_code, response.json()) == (
        200,
        {"message": "Media reordered successfully"},
    )
    listed = api_client.get(f"/api/items/{item.pk}/media").json()["media"]
    assert [m["id"] for m in listed] == [ids[1], ids[0]]

    response = staff_client.patch(f"/api/items/{item.pk}/media/{ids[0]}/primary")
    assert response.json() == {
        "message": "Primary media updated",
        "media": {"id": ids[0], "is_primary": True},
    }
    staff_client.patch(f"/api/items/{item.pk}/media/{ids[1]}/primary")
    assert list(ItemMedia.objects.filter(is_primary=True).values_list("pk", flat=True)) == [ids[1]]

    response = staff_client.patch(
        f"/api/items/{item.pk}/media/{ids[0]}", {"title": "Stage"}, format="multipart"
    )
    assert response.json() == {
        "message": "Media updated successfully",
        "media": {"id": ids[0], "title": "Stage", "description": None},
    }

    response = staff_client.delete(f"/api/items/{item.pk}/media/{ids[0]}")
    assert response.json() == {"message": "Media deleted successfully", "id": ids[0]}
    assert ItemMedia.objects.count() == 1
    assert Upload.objects.count() == 1


def test_media_video_upload(staff_client):
    item = ItemFactory()
    response = media_upload(
        staff_client, item, ("v.mp4", MP4_BYTES, "video/mp4"), media_type="video"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["media"][0]["media_type"] == "video"
    assert Upload.objects.get().content_type == "video/mp4"


@pytest.mark.parametrize(
    ("files", "media_type", "status"),
    [
        ([("v.mp4", MP4_BYTES, "video/mp4")], "image", 415),
        ([("a.png", image_bytes(), "image/png")], "video", 415),
        ([("x.svg", SVG_BYTES, "image/svg+xml")], "image", 415),
        ([("a.png", image_bytes(), "image/png")], "audio", 400),
        ([], "image", 400),
    ],
)
def test_media_upload_refusals_store_nothing(staff_client, files, media_type, status):
    item = ItemFactory()
    response = media_upload(staff_client, item, *files, media_type=media_type)
    assert response.status_code == status
    assert not ItemMedia.objects.exists()
    assert not Upload.objects.exists()


def test_media_reorder_refuses_other_items_media(staff_client):
    item, other = ItemFactory.create_batch(2)
    mine = ItemMedia.objects.create(item=item, upload=UploadFactory(image=True))
    theirs = ItemMedia.objects.create(item=other, upload=UploadFactory(image=True), display_order=5)
    response = staff_client.patch(
        f"/api/items/{item.pk}/media/reorder",
        {"media_ids": [theirs.pk, mine.pk]},
        format="json",
    )
    assert response.status_code == 400
    assert ItemMedia.objects.get(pk=theirs.pk).display_order == 5


def test_media_list_costs_the_same_queries_for_more_rows(api_client, django_assert_max_num_queries):
    item = ItemFactory()
    ItemMedia.objects.create(item=item, upload=UploadFactory(image=True, is_public=True))
    with django_assert_max_num_queries(2) as few:
        api_client.get(f"/api/items/{item.pk}/media")
    for order in range(10):
        upload = UploadFactory(image=True, is_public=True)
        ItemMedia.objects.create(item=item, upload=upload, display_order=order + 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api_client.get(f"/api/items/{item.pk}/media").json()["media"]) == 11


def test_vendor_may_change_only_their_own_items_media():
    vendor = VendorFactory()
    own = ItemFactory(vendor=vendor)
    foreign = ItemFactory()
    client = bearer_client(vendor.user)
    png = ("a.png", image_bytes(), "image/png")
    assert media_upload(client, own, png).status_code == 201
    assert media_upload(client, foreign, png).status_code == 403


# --- who may call what ---------------------------------------------------------------------

PERSONAS = ("anonymous", "customer", "vendor", "staff")

MATRIX = [
    ("get", "/api/admin/items", (401, 403, 403, 200)),
    ("post", "/api/admin/items", (401, 403, 403, 201)),
    ("delete", "/api/admin/items/{spare}", (401, 403, 403, 200)),
    ("put", "/api/admin/catalog/items/{item}", (401, 403, 403, 200)),
    ("post", "/api/admin/catalog/items/bulk-markup", (401, 403, 403, 200)),
    ("post", "/api/admin/catalog/items/bulk-preparation-time", (401, 403, 403, 200)),
    ("get", "/api/items/{item}/media", (200, 200, 200, 200)),
    ("post", "/api/items/{item}/media/upload", (401, 403, 201, 201)),
    ("patch", "/api/items/{item}/media/reorder", (401, 403, 200, 200)),
    ("patch", "/api/items/{item}/media/{media}", (401, 403, 200, 200)),
    ("patch", "/api/items/{item}/media/{media}/primary", (401, 403, 200, 200)),
    ("delete", "/api/items/{item}/media/{media}", (401, 403, 200, 200)),
]


@pytest.mark.parametrize(
    ("method", "path", "persona", "expected"),
    [
        pytest.param(m, p, persona, codes[i], id=f"{m} {p} as {persona}")
        for m, p, codes in MATRIX
        for i, persona in enumerate(PERSONAS)
    ],
)
def test_authorization(method, path, persona, expected):
    vendor = VendorFactory()
    item = ItemFactory(vendor=vendor, vendor_price=Decimal("10"))
    spare = ItemFactory()
    media = ItemMedia.objects.create(item=item, upload=UploadFactory(image=True, is_public=True))
    users = {
        "anonymous": None,
        "customer": UserFactory(),
        "vendor": vendor.user,
        "staff": UserFactory(staff=True),
    }
    user = users[persona]
    client = bearer_client(user) if user else APIClient()
    url = path.format(item=item.pk, spare=spare.pk, media=media.pk)
    bodies = {
        "/api/admin/items": "name=Cake&price=10",
        "/api/admin/catalog/items/bulk-markup": {"markup_percent": 5, "vendor_id": vendor.pk},
        "/api/admin/catalog/items/bulk-preparation-time": {
            "preparation_time_minutes": 5,
            "vendor_id": vendor.pk,
        },
        "/api/items/{item}/media/reorder": {"media_ids": [media.pk]},
        "/api/items/{item}/media/{media}": {"title": "x"},
    }
    body = bodies.get(path)
    if path.endswith("/media/upload"):
        response = media_upload(client, item, ("a.png", image_bytes(), "image/png"))
    elif method == "get":
        response = client.get(url)
    elif isinstance(body, str):
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
    else:
        response = getattr(client, method)(url, body or {}, format="json")
    assert response.status_code == expected, response.content
