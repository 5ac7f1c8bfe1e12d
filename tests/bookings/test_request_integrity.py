"""A replayed Idempotency-Key must carry the same request, and links stored on a booking are
links a browser may follow safely."""

from datetime import datetime, time, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from bookings.models import Booking
from tests.factories import SpaceFactory

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
