"""Every model is in the admin, and no changelist runs a query per row."""

from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from bookings.models import Booking, BookingItem, ProgramParticipant
from payments.models import Payment, Refund
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# The apps whose every model must be in the admin (its own tests cover content's pages).
PROJECT_APPS = (
    "accounts",
    "bookings",
    "uploads",
    "notify",
    "content",
    "payments",
    "programs",
    "hr",
    "transport",
    "contests",
    "offers",
    "messaging",
    "racks",
    "brokers",
    "vendors",
)

ROW_FACTORIES: dict[type[Model], type[factories.ModelFactory[Any]]] = {
    Booking: factories.BookingFactory,
    BookingItem: factories.BookingItemFactory,
    ProgramParticipant: factories.ParticipantFactory,
    Payment: factories.PaymentFactory,
    Refund: factories.RefundFactory,
}


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _changelist_url(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_every_project_model_is_registered():
    from django.apps import apps

    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            assert model in admin.site._registry, f"{model.__name__} is not in the admin"


@pytest.mark.parametrize("model", list(ROW_FACTORIES), ids=lambda m: m.__name__)
def test_changelist_query_count_does_not_grow_with_rows(
    model, superuser_client, django_assert_max_num_queries
):
    ROW_FACTORIES[model].create()
    with django_assert_max_num_queries(50) as one_row:
        assert superuser_client.get(_changelist_url(model)).status_code == 200

    ROW_FACTORIES[model].create_batch(15)
    with django_assert_max_num_queries(len(one_row.captured_queries)):
        assert superuser_client.get(_changelist_url(model)).status_code == 200


def test_every_changelist_and_add_page_opens(superuser_client, rf):
    factories.BookingItemFactory()
    factories.ParticipantFactory()
    factories.RefundFactory()
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        assert superuser_client.get(_changelist_url(model)).status_code == 200, model
        if model_admin.has_add_permission(request):
            add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
            assert superuser_client.get(add_url).status_code == 200, model


def test_booking_change_page_shows_its_items_inline(superuser_client):
    line = factories.BookingItemFactory()

    response = superuser_client.get(
        reverse("admin:bookings_booking_change", args=[line.booking_id])
    )

    assert response.status_code == 200
    assert line.name.encode() in response.content


def test_delete_selected_refuses_a_selection_over_the_limit(superuser_client, settings):
    from bookings.models import Venue

    settings.ADMIN_ACTION_MAX_ROWS = 2
    venues = factories.VenueFactory.create_batch(3)
    url = _changelist_url(Venue)
    selection = {"action": "delete_selected", "_selected_action": [v.pk for v in venues]}

    refused = superuser_client.post(url, {**selection, "post": "yes"}, follow=True)

    assert Venue.objects.count() == 3
    assert b"select at most 2 rows" in refused.content

    two = {**selection, "_selected_action": [v.pk for v in venues[:2]]}
    confirmation = superuser_client.post(url, two)
    assert b"Are you sure" in confirmation.content
    superuser_client.post(url, {**two, "post": "yes"})
    assert list(Venue.objects.values_list("pk", flat=True)) == [venues[2].pk]


@pytest.mark.parametrize("model_name", ["vendorprofile", "brokerprofile"])
def test_a_profiles_suspension_is_not_edited_in_the_admin(superuser_client, model_name):
    # Set from the staff screens, which suspend the login too; an admin edit of the profile
    # alone would leave the account able to log in.
    from accounts.models import BrokerProfile, VendorProfile

    user = UserFactory()
    profile: Any
    if model_name == "vendorprofile":
        profile = VendorProfile.objects.create(user=user, company_name="Caterers")
    else:
        profile = BrokerProfile.objects.create(user=user, company_name="Brokers")

    page = superuser_client.get(reverse(f"admin:accounts_{model_name}_change", args=[profile.pk]))

    assert page.status_code == 200
    assert b'name="suspended_until' not in page.content
