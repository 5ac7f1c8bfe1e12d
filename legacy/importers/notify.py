"""notifications: the in-app notifications the bell counts (notify.Notification)."""

from typing import Any, ClassVar

from django.db import models

from legacy import conversions as c
from legacy.importers.base import TableImporter
from legacy.source import Row


class NotificationsImporter(TableImporter):
    table = "notifications"
    model_label = "notify.Notification"
    domain = "notify"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "user_id": "user",
        "title": "title",
        "message": "message",
        "booking_id": "booking_id (emptied when the booking was not imported)",
        "is_read": "is_read",
        "created_at": "created_at (and updated_at)",
    }

    def imported(self) -> "models.QuerySet[Any]":
        # client_notifications become notifications too (with a messaging detail, new ids):
        # this table's rows are the others.
        from messaging.models import NotificationDetail

        return self.model._default_manager.exclude(
            pk__in=NotificationDetail.objects.values("notification_id")
        )

    def convert(self, row: Row) -> models.Model:
        from django.utils import timezone

        from notify.models import Notification

        ctx = self.ctx
        created = c.utc_aware(row["created_at"]) or timezone.now()
        return Notification(
            id=row["id"],
            user_id=ctx.parent("user_id", "users", row["user_id"]),
            title=c.bounded("title", row["title"], 255),
            message=c.text(row["message"]),
            booking_id=ctx.maybe_parent("booking_id", "bookings", row["booking_id"]),
            is_read=c.flag(row["is_read"]),
            created_at=created,
            updated_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.user_id, obj.title, obj.booking_id, obj.is_read, obj.created_at)
