"""Health endpoints: never shed (ops.asgi), no authentication, no database except readiness."""

import logging
import os

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.authentication import JWTAuthentication
from lebrq import metrics
from lebrq.api.exceptions import DATABASE_UNAVAILABLE, error_body
from lebrq.api.views import PublicAPIView
from ops.memory import MemoryReader, MiB, process_rss_bytes
from ops.readiness import check_bucket, check_cache

logger = logging.getLogger(__name__)


class HealthView(PublicAPIView):
    """Probes carry no token; nothing here may depend on one."""


class LivenessView(HealthView):
    """The process is up and answering; touches nothing else."""

    @extend_schema(
        responses=inline_serializer("Liveness", {"status": serializers.CharField()}),
        tags=["health"],
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


_Checks = inline_serializer(
    "ReadinessChecks",
    {
        "database": serializers.CharField(),
        "cache": serializers.CharField(required=False),
        "storage": serializers.CharField(required=False),
    },
)


class ReadinessView(HealthView):
    """Ready to serve: the database answers `SELECT 1` (within DB_CONNECT_TIMEOUT); else 503.

    With a shared cache or a bucket configured, `checks` names them too and `status` is
    "degraded" when one is away, still 200 (ops.readiness says why they do not fail it).
    """

    @extend_schema(
        responses={
            200: inline_serializer("Ready", {"status": serializers.CharField(), "checks": _Checks}),
            503: inline_serializer(
                "NotReady",
                {
                    "status": serializers.CharField(),
                    "checks": _Checks,
                    "detail": serializers.CharField(),
                    "message": serializers.CharField(),
                    "code": serializers.CharField(),
                },
            ),
        },
        tags=["health"],
    )
    def get(self, request: Request) -> Response:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
                cursor.fetchone()
        except DatabaseError as exc:
            logger.warning("Readiness check: database unavailable: %s", exc)
            metrics.DB_UNAVAILABLE.inc()
            body = {
                "status": "unavailable",
                "checks": {"database": type(exc).__name__},
                **error_body(DATABASE_UNAVAILABLE, code="database_unavailable"),
            }
            return Response(
                body, status=503, headers={"Retry-After": str(settings.RETRY_AFTER_SECONDS)}
            )
        checks = {"database": "ok"}
        for name, result in (("cache", check_cache()), ("storage", check_bucket())):
            if result is not None:
                checks[name] = result
        status = "ok" if all(result == "ok" for result in checks.values()) else "degraded"
        return Response({"status": status, "checks": checks})


def _sees_process_details(request: Request) -> bool:
    """Staff, or a probe sent straight to the app from this host (an operator, the bench):
    a request through nginx carries X-Forwarded-For. Everyone else gets the status only."""
    if "x-forwarded-for" not in request.headers and request.META.get("REMOTE_ADDR") in (
        "127.0.0.1",
        "::1",
    ):
        return True
    try:
        authenticated = JWTAuthentication().authenticate(request)
    except AuthenticationFailed:
        return False
    return authenticated is not None and bool(authenticated[0].is_staff)


class MemoryView(HealthView):
    """Memory use as the shedding guard sees it, and this worker's own footprint.

    `status` is "warning" at MEMORY_THRESHOLD_PERCENT (requests are being shed) and
    "critical" at MEMORY_CRITICAL_PERCENT. `pid` tells the workers apart. From outside (through
    nginx, not staff) only `status` and `used_percent` are answered.
    """

    @extend_schema(
        responses=inline_serializer(
            "MemoryHealth",
            {
                "status": serializers.ChoiceField(choices=["ok", "warning", "critical"]),
                "source": serializers.ChoiceField(choices=["cgroup-v2", "cgroup-v1", "meminfo"]),
                "used_percent": serializers.FloatField(),
                "used_bytes": serializers.IntegerField(),
                "limit_bytes": serializers.IntegerField(),
                "process_rss_bytes": serializers.IntegerField(),
                "pid": serializers.IntegerField(),
                "threshold_percent": serializers.FloatField(),
                "critical_percent": serializers.FloatField(),
                "worker_max_rss_bytes": serializers.IntegerField(),
            },
        ),
        tags=["health"],
    )
    def get(self, request: Request) -> Response:
        # A fresh reading, not the shedding guard's cached one: this is what a human or a
        # probe looks at to decide what is going on right now.
        usage = MemoryReader().read()
        threshold = settings.MEMORY_THRESHOLD_PERCENT
        critical = settings.MEMORY_CRITICAL_PERCENT
        if usage.used_percent >= critical:
            status = "critical"
        elif usage.used_percent >= threshold:
            status = "warning"
        else:
            status = "ok"
        if not _sees_process_details(request):
            # The pid, the memory limit and the thresholds help an attacker time a flood.
            return Response({"status": status, "used_percent": round(usage.used_percent, 2)})
        return Response(
            {
                "status": status,
                "source": usage.source,
                "used_percent": round(usage.used_percent, 2),
                "used_bytes": usage.used_bytes,
                "limit_bytes": usage.limit_bytes,
                "process_rss_bytes": process_rss_bytes(),
                "pid": os.getpid(),
                "threshold_percent": threshold,
                "critical_percent": critical,
                "worker_max_rss_bytes": settings.WORKER_MAX_RSS_MB * MiB,
            }
        )
