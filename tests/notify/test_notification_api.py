"""GET /notifications/count (the bell) and POST /notifications/wa-test (not served)."""

import pytest

from notify.models import Notification, OutboundSms

pytestmark = pytest.mark.django_db


def test_count_of_unread_with_the_change_token(customer_client, customer, other_customer):
    Notification.objects.create(user=customer, title="Booked", message="See you")
    read = Notification.objects.create(user=customer, title="Old", message="-", is_read=True)
    Notification.objects.create(user=other_customer, title="Not yours", message="-")

    body = customer_client.get("/api/notifications/count").json()

    assert set(body) == {"unread_count", "last_updated"}
    assert body["unread_count"] == 1
    assert len(body["last_updated"]) == 19  # naive UTC to the second, as the legacy sent it
    again = customer_client.get("/api/notifications/count", {"last_updated": body["last_updated"]})
    assert again.json() == {**body, "unchanged": True}
    read.is_read = False
    read.save()
    assert customer_client.get("/api/notifications/count").json()["unread_count"] == 2


def test_count_with_none_unread(customer_client):
    assert customer_client.get("/api/notifications/count/").json() == {
        "unread_count": 0,
        "last_updated": None,
    }


def test_wa_test_answers_as_the_unconfigured_legacy_and_sends_nothing(api_client):
    body = {  # app/payment-main.tsx after a payment, without a login
        "phone": "9876543210",
        "template_name": "booking_temp",
        "variables": ["Asha", "20/06/2030", "20/06/2030", "42"],
        "language": "en",
    }

    response = api_client.post("/api/notifications/wa-test", body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "Route Mobile is not configured on server"
    assert response.json()["code"] == "whatsapp_not_configured"
    assert not OutboundSms.objects.exists()
    assert api_client.post("/api/notifications/wa-test", {}, format="json").status_code == 400


@pytest.mark.parametrize(
    ("client_name", "count_status"),
    [("api_client", 401), ("customer_client", 200), ("other_client", 200), ("staff_client", 200)],
)
def test_authorization_matrix(request, client_name, count_status):
    client = request.getfixturevalue(client_name)
    assert client.get("/api/notifications/count").status_code == count_status
    # Public (a stale token never turns it into a 401), and never sends.
    assert (
        client.post("/api/notifications/wa-test", {"phone": "1"}, format="json").status_code == 400
    )
