"""GET /gallery/public: the home page's team photos and the gallery page, without a login."""

import pytest

from tests.factories import GalleryImageFactory
from uploads import models

pytestmark = pytest.mark.django_db


def test_the_public_gallery_is_a_bare_array_newest_first(api_client):
    older, newer = GalleryImageFactory(), GalleryImageFactory()

    response = api_client.get("/api/gallery/public/")

    assert response.status_code == 200
    body = response.json()
    assert [entry["id"] for entry in body] == [newer.pk, older.pk]
    assert body[0]["url"] == f"http://testserver/api/uploads/{newer.upload_id}"


def test_private_uploads_never_appear(api_client):
    hidden = GalleryImageFactory()
    models.Upload.objects.filter(pk=hidden.upload_id).update(is_public=False)

    assert api_client.get("/api/gallery/public").json() == []


def test_the_public_gallery_is_capped(api_client, monkeypatch):
    from uploads.api import gallery

    monkeypatch.setattr(gallery, "PUBLIC_GALLERY_MAX_ROWS", 2)
    entries = [GalleryImageFactory() for _ in range(3)]

    body = api_client.get("/api/gallery/public").json()

    assert [entry["id"] for entry in body] == [entries[2].pk, entries[1].pk]


def test_a_stale_token_is_ignored(api_client):
    GalleryImageFactory()
    api_client.credentials(HTTP_AUTHORIZATION="Bearer stale")

    assert len(api_client.get("/api/gallery/public").json()) == 1


def test_the_answer_costs_one_query_however_many_entries(api_client, django_assert_num_queries):
    GalleryImageFactory()
    with django_assert_num_queries(1):
        api_client.get("/api/gallery/public")
    for _ in range(5):
        GalleryImageFactory()
    with django_assert_num_queries(1):
        api_client.get("/api/gallery/public")
