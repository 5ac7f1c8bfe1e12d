"""Staff edit pages in the Django admin too, under the same rules as the API."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from content.models import BODY_MAX_CHARS, ContentPage, PageContent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", [ContentPage, PageContent])
def test_the_models_are_in_the_admin_and_their_pages_open(model, superuser_client, about_page):
    assert model in admin.site._registry
    changelist = reverse(f"admin:content_{model._meta.model_name}_changelist")
    add = reverse(f"admin:content_{model._meta.model_name}_add")

    assert superuser_client.get(changelist).status_code == 200
    assert superuser_client.get(add).status_code == 200


def test_a_page_added_in_the_admin_is_public(superuser_client, api_client):
    response = superuser_client.post(
        reverse("admin:content_contentpage_add"),
        {
            "page_name": "faq",
            "title": "FAQ",
            "content": "<p>Answers</p>",
            "meta_description": "",
            "is_published": "on",
        },
    )

    assert response.status_code == 302
    assert api_client.get("/api/content-pages/faq").json()["content"] == "<p>Answers</p>"


def test_the_admin_refuses_a_body_over_the_limit(superuser_client, about_page):
    url = reverse("admin:content_contentpage_change", args=[about_page.pk])
    response = superuser_client.post(
        url,
        {
            "page_name": "about",
            "title": "About",
            "content": "x" * (BODY_MAX_CHARS + 1),
            "meta_description": "",
            "is_published": "on",
        },
    )

    assert response.status_code == 200  # the form again, with its error
    assert "Ensure this value has at most" in response.content.decode()
    about_page.refresh_from_db()
    assert about_page.content.startswith("<h2>Welcome</h2>")
