"""Reads of in-app notifications."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max

from notify.models import Notification


@dataclass(frozen=True)
class UnreadCount:
    count: int
    # When the newest of them last changed; None when there are none.
    last_updated: datetime | None


def unread_count(user_id: int) -> UnreadCount:
    """One indexed aggregate over the user's unread notifications."""
    row = Notification.objects.filter(user_id=user_id, is_read=False).aggregate(
        count=Count("id"), last_updated=Max("updated_at")
    )
    return UnreadCount(count=row["count"], last_updated=row["last_updated"])
