from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import SpaceFactory


def wednesday(hour: int, weeks: int = 0) -> datetime:
    """A Wednesday at least three days ahead (no weekend surcharge)."""
    day = timezone.localdate() + timedelta(days=3 + 7 * weeks)
    day += timedelta(days=(2 - day.weekday()) % 7)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def naive(moment: datetime) -> str:
    return timezone.localtime(moment).replace(tzinfo=None).isoformat()


@pytest.fixture
def hall():
    """3 hours cost 3000: whole rupees, so the 50 % advance is 1500."""
    return SpaceFactory(price_per_hour=Decimal("1000.00"), capacity=100)


def booking_body(space, start: datetime, hours: int = 3, **overrides):
    return {
        "space_id": space.pk,
        "start_datetime": naive(start),
        "end_datetime": naive(start + timedelta(hours=hours)),
        "attendees": 20,
        "event_type": "Corporate Meeting",
        **overrides,
    }


def run_queued_refunds() -> int:
    """Do what the task worker would with the refund_send tasks queued so far (the worker
    itself is exercised by the end-to-end checkout); returns how many ran."""
    from django_tasks_db.models import DBTaskResult

    from payments import services

    queued = DBTaskResult.objects.filter(task_path="payments.tasks.refund_send", status="READY")
    ran = 0
    for result in queued:
        services.refund_process(*result.args_kwargs["args"])
        result.delete()
        ran += 1
    return ran
