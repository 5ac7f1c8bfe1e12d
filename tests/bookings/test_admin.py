"""The bookings admin: actions through the booking services, filters, and a date hierarchy
and changelist that stay cheap on a large table."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from bookings.choices import BookingStatus
from bookings.models import Booking, BookingEvent
from tests.factories import BookingFactory, BookingItemFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/bookings/booking/"


def run_action(client: Client, action: str, *bookings):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [b.pk for b in bookings]},
        follow=True,
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_approve_action_moves_pending_bookings_and_records_who(admin_client, admin_user):
    first, second = BookingFactory(), BookingFactory()

    response = run_action(admin_client, "approve_bookings", first, second)

    assert response.status_code == 200
    for booking in (first, second):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.APPROVED
        event = BookingEvent.objects.get(booking=booking)
        assert event.actor == admin_user
        assert (event.from_status, event.to_status) == ("pending", "approved")
    assert any("Approved 2" in m for m in messages_of(response))


def test_an_action_over_more_bookings_than_allowed_changes_nothing(admin_client, settings):
    settings.ADMIN_ACTION_MAX_ROWS = 2
    bookings = BookingFactory.create_batch(3)

    response = run_action(admin_client, "approve_bookings", *bookings)

    assert sorted(Booking.objects.values_list("status", flat=True)) == ["pending"] * 3
    assert not BookingEvent.objects.exists()
    assert any("select at most 2 rows" in m for m in messages_of(response))

    run_action(admin_client, "approve_bookings", *bookings[:2])

    statuses = sorted(Booking.objects.values_list("status", flat=True))
    assert statuses == ["approved", "approved", "pending"]


def test_a_large_action_names_twenty_bookings_and_counts_the_rest(admin_client):
    bookings = BookingFactory.create_batch(23)

    response = run_action(admin_client, "approve_bookings", *bookings)

    [message] = [m for m in messages_of(response) if m.startswith("Approved")]
    named = message.removeprefix("Approved 23: ").removesuffix(" and 3 more.").split(", ")
    assert len(named) == 20
    assert set(named) <= {b.booking_reference for b in bookings}
    assert Booking.objects.filter(status="approved").count() == 23


def test_actions_refuse_transitions_the_api_refuses(admin_client):
    pending = BookingFactory()
    cancelled = BookingFactory(status=BookingStatus.CANCELLED)

    response = run_action(admin_client, "complete_bookings", pending, cancelled)

    pending.refresh_from_db()
    cancelled.refresh_from_db()
    assert (pending.status, cancelled.status) == ("pending", "cancelled")
    errors = [m for m in messages_of(response) if "Cannot complete" in m]
    assert len(errors) == 2
    assert not BookingEvent.objects.exists()


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("reject_bookings", BookingStatus.PENDING, BookingStatus.REJECTED),
        ("complete_bookings", BookingStatus.APPROVED, BookingStatus.COMPLETED),
    ],
)
def test_reject_and_complete_actions(admin_client, action, start, end):
    booking = BookingFactory(status=start)

    run_action(admin_client, action, booking)

    booking.refresh_from_db()
    assert booking.status == end


@pytest.mark.django_db(transaction=True)  # the task worker (a thread) renders the invoice
def test_seeded_staff_without_superuser_rights_can_run_the_workflow(task_worker):
    call_command("seed_demo")
    client = Client()
    client.force_login(User.objects.get(username="staff"))
    booking = BookingFactory()

    run_action(client, "approve_bookings", booking)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.APPROVED
    invoice = client.get(f"/admin/bookings/booking/{booking.pk}/invoice/")
    assert invoice.status_code == 200
    assert b"".join(invoice).startswith(b"%PDF-")


def test_filters_by_status_and_by_vendor_settlement(admin_client):
    approved = BookingFactory(status=BookingStatus.APPROVED)
    BookingFactory()
    settled = BookingItemFactory(payment_settled=True).booking
    unsettled = BookingItemFactory().booking

    by_status = admin_client.get(CHANGELIST, {"status__exact": "approved"})
    all_settled = admin_client.get(CHANGELIST, {"items_settled": "yes"})
    some_unsettled = admin_client.get(CHANGELIST, {"items_settled": "no"})

    assert [b.pk for b in by_status.context["cl"].result_list] == [approved.pk]
    assert [b.pk for b in all_settled.context["cl"].result_list] == [settled.pk]
    assert [b.pk for b in some_unsettled.context["cl"].result_list] == [unsettled.pk]


def test_search_by_reference_email_and_mobile(admin_client):
    target = BookingFactory(user=UserFactory(email="ravi@example.com", mobile="+919811111111"))
    BookingFactory()

    for term in (target.booking_reference, "ravi@example.com", "+919811111111"):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert [b.pk for b in response.context["cl"].result_list] == [target.pk], term


def test_the_date_hierarchy_never_scans_the_table_for_distinct_dates(
    admin_client, django_assert_max_num_queries
):
    def at(year: int) -> datetime:
        return timezone.make_aware(datetime(year, 6, 1, 10))  # noqa: DTZ001

    BookingFactory(start_datetime=at(2027), end_datetime=at(2027) + timedelta(hours=2))
    BookingFactory(start_datetime=at(2029), end_datetime=at(2029) + timedelta(hours=2))

    with django_assert_max_num_queries(20) as queries:
        years = admin_client.get(CHANGELIST)
    months = admin_client.get(CHANGELIST, {"start_datetime__year": "2027"})

    sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
    assert "DISTINCT" not in sql
    year_links = re.findall(rb"start_datetime__year=(\d{4})\"", years.content)
    month_links = re.findall(
        rb"start_datetime__month=(\d+)&amp;start_datetime__year=2027\"", months.content
    )
    assert year_links == [b"2027", b"2028", b"2029"]
    assert month_links == [str(m).encode() for m in range(1, 13)]


def test_changelist_query_count_is_the_same_for_one_and_many_bookings(
    admin_client, django_assert_max_num_queries
):
    BookingItemFactory()
    with django_assert_max_num_queries(20) as one:
        admin_client.get(CHANGELIST)

    for booking in BookingFactory.create_batch(60):
        BookingItemFactory(booking=booking)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = admin_client.get(CHANGELIST)

    assert len(page.context["cl"].result_list) == 61


def test_bookings_are_not_added_or_rescheduled_in_the_admin(admin_client):
    booking = BookingFactory(paid_amount=0)
    url = f"/admin/bookings/booking/{booking.pk}/change/"
    form = admin_client.get(url).context["adminform"].form

    assert admin_client.get("/admin/bookings/booking/add/").status_code == 403
    assert "start_datetime" not in form.fields
    assert "status" not in form.fields
    assert "paid_amount" in form.fields


def test_changelist_links_each_booking_to_its_invoice(admin_client):
    booking = BookingFactory()

    page = admin_client.get(CHANGELIST)

    assert f'href="/admin/bookings/booking/{booking.pk}/invoice/"'.encode() in page.content


def test_settle_action_marks_vendor_payments(admin_client):
    line = BookingItemFactory()

    admin_client.post(
        "/admin/bookings/bookingitem/",
        {"action": "settle_payments", "_selected_action": [line.pk]},
    )

    line.refresh_from_db()
    assert line.payment_settled is True
    assert line.payment_settled_at is not None


def test_the_large_changelists_offer_no_facet_counts(admin_client):
    BookingItemFactory()

    for url in (CHANGELIST, "/admin/bookings/bookingitem/"):
        page = admin_client.get(url, {"_facets": "True"})
        assert b"Show counts" not in page.content
        assert page.context["cl"].add_facets is False
