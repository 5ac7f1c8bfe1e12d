"""GET /metrics: the Prometheus exposition of every process, for the allowed addresses only.

A plain Django view, not DRF: no authentication, throttles or content negotiation to run on
each scrape. nginx refuses outside addresses too (deploy/nginx/lebrq.conf); this is the
second line, for a deployment that forgets it.
"""

import ipaddress
import logging
import os
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.db import Error as DatabaseError
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from lebrq.api.exceptions import error_body

logger = logging.getLogger(__name__)


def _allowed(address: str | None) -> bool:
    if not address:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in settings.METRICS_ALLOWED_NETWORKS)


class TaskQueueCollector(Collector):
    """Queue depth, read from the task table at scrape time (one grouped query): the
    database is the queue, so no process has to keep a count that could drift."""

    def collect(self) -> Iterator[Metric]:
        queued = GaugeMetricFamily(
            "lebrq_tasks_queued", "Tasks waiting for the task worker, by queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "lebrq_tasks_oldest_queued_seconds",
            "Age of the oldest task due to run and not yet started, by queue.",
            labels=["queue"],
        )
        readable = GaugeMetricFamily(
            "lebrq_tasks_queue_readable", "1 if the task table could be read for this scrape."
        )
        now = timezone.now()
        try:
            rows = list(
                DBTaskResult.objects.filter(status=TaskResultStatus.READY)
                .values("queue_name")
                .annotate(waiting=Count("id"), first_due=Min("run_after"))
                .order_by()
            )
        except DatabaseError as exc:
            logger.warning("Cannot read the task queue for /metrics: %s", exc)
            readable.add_metric([], 0)
        else:
            readable.add_metric([], 1)
            for row in rows:
                queued.add_metric([row["queue_name"]], row["waiting"])
                first_due: datetime | None = row["first_due"]
                waited = (now - first_due).total_seconds() if first_due else 0.0
                oldest.add_metric([row["queue_name"]], max(waited, 0.0))
        yield queued
        yield oldest
        yield readable


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request.META.get("REMOTE_ADDR")):
        body = error_body("Metrics are not served to this address.", code="forbidden")
        return JsonResponse(body, status=403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        exposition = generate_latest(registry)
    else:
        exposition = generate_latest(REGISTRY)  # one process: runserver, the suite
    queue = CollectorRegistry()
    queue.register(TaskQueueCollector())
    return HttpResponse(exposition + generate_latest(queue), content_type=CONTENT_TYPE_LATEST)
