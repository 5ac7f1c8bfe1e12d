"""Shapes of the messaging screens, as the legacy handlers wrote them (admin_client.py,
admin_clients.py, client_notifications.py, admin_bookings.py)."""

from datetime import datetime, time
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date
from rest_framework import serializers

from accounts.models import User
from lebrq.api.fields import NaiveUtcDateTimeField, VenueLocalDateTimeField
from messaging.models import MessageThread, NotificationDetail, ThreadMessage
from messaging.selectors import ClientRow
from messaging.services import Compose
from notify.models import Notification


def person_name(user: User | None) -> str:
    """The legacy's sender name: first and last name, else the username; "User" if gone."""
    if user is None:
        return "User"
    return user.get_full_name() or user.username


def person_email(user: User) -> str:
    # The legacy's users had no separate e-mail: it sent the username, which was one.
    return user.email or user.username


# --- Input ----------------------------------------------------------------------------------


class ComposeSerializer(serializers.Serializer[Any]):
    """POST /client/messages (app/(tabs)/messages.tsx)."""

    subject = serializers.CharField(min_length=3, max_length=255)
    message = serializers.CharField(min_length=1, max_length=4000)
    booking_id = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True
    )

    def compose(self) -> Compose:
        data = self.validated_data
        return Compose(
            subject=data["subject"], body=data["message"], booking_id=data.get("booking_id")
        )


class StaffComposeSerializer(ComposeSerializer):
    """POST /admin/client-messages (app/admin/client-messages.tsx)."""

    client_id = serializers.IntegerField(min_value=1, max_value=2**62)


class ReplySerializer(serializers.Serializer[Any]):
    message = serializers.CharField(min_length=1, max_length=4000)


class NotificationListQuerySerializer(serializers.Serializer[Any]):
    """GET /client/notifications?limit=100 (the legacy's limits: 1 to 100, offset from 0)."""

    limit = serializers.IntegerField(min_value=1, max_value=100, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=10**6, default=0)
    unread_only = serializers.BooleanField(default=False)


class ClientListQuerySerializer(serializers.Serializer[Any]):
    search = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    limit = serializers.IntegerField(min_value=1, max_value=100, default=25)
    offset = serializers.IntegerField(min_value=0, max_value=10**6, default=0)


# --- Output ---------------------------------------------------------------------------------


class _ThreadSummarySerializer(serializers.Serializer[Any]):
    thread_id = serializers.CharField(source="key")
    subject = serializers.SerializerMethodField()
    booking_id = serializers.IntegerField(allow_null=True)
    last_message_at = NaiveUtcDateTimeField()
    unread_count = serializers.IntegerField()

    def get_subject(self, thread: MessageThread) -> str | None:
        return thread.subject or None


class CustomerThreadSerializer(_ThreadSummarySerializer):
    last_message = serializers.CharField()


class StaffThreadSerializer(_ThreadSummarySerializer):
    client = serializers.SerializerMethodField()

    def get_client(self, thread: MessageThread) -> dict[str, Any]:
        customer = thread.customer
        return {"id": customer.pk, "name": person_name(customer), "email": person_email(customer)}


class ThreadMessageSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    sender_id = serializers.IntegerField(allow_null=True)
    sender_name = serializers.SerializerMethodField()
    message = serializers.CharField(source="body")
    created_at = NaiveUtcDateTimeField()
    is_read = serializers.BooleanField()

    def get_sender_name(self, message: ThreadMessage) -> str:
        return person_name(message.sender)


def thread_body(
    thread: MessageThread, messages: list[ThreadMessage], *, for_staff: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "thread_id": thread.key,
        "subject": thread.subject or None,
        "booking_id": thread.booking_id,
    }
    if for_staff:
        customer = thread.customer
        body["client"] = {
            "id": customer.pk,
            "name": person_name(customer),
            "email": person_email(customer),
            "mobile": customer.mobile or None,
        }
    body["messages"] = ThreadMessageSerializer(messages, many=True).data
    return body


class NotificationSerializer(serializers.Serializer[Any]):
    """One notification as app/notifications.tsx reads it."""

    id = serializers.IntegerField()
    type = serializers.SerializerMethodField()
    title = serializers.CharField()
    message = serializers.CharField()
    booking_id = serializers.IntegerField(allow_null=True)
    link = serializers.SerializerMethodField()
    is_read = serializers.BooleanField()
    priority = serializers.SerializerMethodField()
    created_at = NaiveUtcDateTimeField()
    read_at = serializers.SerializerMethodField()

    @staticmethod
    def _detail(notification: Notification) -> NotificationDetail | None:
        try:
            return notification.detail
        except NotificationDetail.DoesNotExist:
            return None

    def get_type(self, notification: Notification) -> str:
        detail = self._detail(notification)
        return detail.kind if detail else "default"

    def get_link(self, notification: Notification) -> str | None:
        detail = self._detail(notification)
        return (detail.link or None) if detail else None

    def get_priority(self, notification: Notification) -> str:
        detail = self._detail(notification)
        return detail.priority if detail else "normal"

    def get_read_at(self, notification: Notification) -> str | None:
        detail = self._detail(notification)
        if detail is None or detail.read_at is None:
            return None
        return NaiveUtcDateTimeField().to_representation(detail.read_at)


class ClientRowSerializer(serializers.Serializer[Any]):
    """One row of GET /admin/clients (app/admin/clients/index.tsx ClientRow)."""

    id = serializers.IntegerField(source="user.pk")
    email = serializers.SerializerMethodField()
    first_name = serializers.SerializerMethodField()
    last_name = serializers.SerializerMethodField()
    mobile = serializers.SerializerMethodField()
    created_at = NaiveUtcDateTimeField(source="user.date_joined")
    suspended_until = NaiveUtcDateTimeField(source="user.suspended_until")
    is_suspended = serializers.BooleanField(source="user.is_suspended")
    total_bookings = serializers.IntegerField()
    active_bookings = serializers.IntegerField()
    pending_bookings = serializers.IntegerField()
    # A booking's time, sent as the legacy sent start_datetime: venue-local wall time.
    last_event_at = VenueLocalDateTimeField()
    total_paid = serializers.FloatField()
    unread_messages = serializers.IntegerField()
    last_message_at = NaiveUtcDateTimeField()

    def get_email(self, row: ClientRow) -> str:
        return person_email(row.user)

    def get_first_name(self, row: ClientRow) -> str | None:
        return row.user.first_name or None

    def get_last_name(self, row: ClientRow) -> str | None:
        return row.user.last_name or None

    def get_mobile(self, row: ClientRow) -> str | None:
        return row.user.mobile or None


class SuspendSerializer(serializers.Serializer[Any]):
    """POST /admin/customers/{id}/suspend, a form: suspended_until "YYYY-MM-DD", an ISO
    datetime, or "" to lift the suspension."""

    suspended_until = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=""
    )

    def validate_suspended_until(self, value: str | None) -> datetime | None:
        value = (value or "").strip()
        if not value:
            return None
        day = parse_date(value)
        if day is not None:
            # A day picked on the screen: suspended to the end of that day at the venue.
            return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise serializers.ValidationError(
                "Invalid date format: YYYY-MM-DD or an ISO 8601 date and time."
            ) from None
        # Naive means venue-local (docs/DESIGN.md, Compatibility).
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
