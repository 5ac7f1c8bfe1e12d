"""The service's Prometheus metrics, defined once for every process that counts.

prometheus-client directly, not django-prometheus: its middleware pair sees only what reaches
Django, while the shed requests and the 413s we must count are answered by the ASGI guards
before Django (ops/asgi.py), and one ASGI layer (ops/telemetry.py) costs less per request.

Under gunicorn every worker counts in its own process; with PROMETHEUS_MULTIPROC_DIR set
(deploy/gunicorn.conf.py sets it, the task worker shares it) each value lives in a file of
that directory and /metrics adds up the files of every process, the task worker's included.
The variable must be set before this module is first imported: prometheus-client chooses
its value class at import.

Imports nothing from Django: ops/recycling.py counts from here before Django is loaded.
"""

import os

from prometheus_client import Counter, Gauge, Histogram

if multiprocess_dir := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    # Any process may be first (the task worker, a management command before gunicorn).
    os.makedirs(multiprocess_dir, exist_ok=True)

HTTP_REQUESTS = Counter(
    "lebrq_http_requests",
    "Requests answered, by method, route (URL pattern) and status.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "lebrq_http_request_duration_seconds",
    "Time from the request reaching the worker to the last byte of the answer, by route.",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0),
)
HTTP_IN_FLIGHT = Gauge(
    "lebrq_http_requests_in_flight",
    "Requests being served now, over all workers.",
    multiprocess_mode="livesum",
)
HTTP_TOO_LARGE = Counter(
    "lebrq_http_request_too_large",
    "Requests refused with 413 (body or file over its limit), by route.",
    ["route"],
)
REQUESTS_SHED = Counter(
    "lebrq_requests_shed",
    "Requests refused with 503 to protect the worker: memory (MEMORY_THRESHOLD_PERCENT) or "
    "busy (every MAX_CONCURRENT_REQUESTS turn taken past REQUEST_QUEUE_TIMEOUT_SECONDS).",
    ["reason"],
)
WORKER_RECYCLES = Counter(
    "lebrq_worker_recycles",
    "Workers that retired themselves because their RSS passed WORKER_MAX_RSS_MB.",
)
DB_UNAVAILABLE = Counter(
    "lebrq_db_unavailable",
    "Requests answered 503 because the database could not be reached or failed mid-way.",
)
TASKS_FINISHED = Counter(
    "lebrq_tasks_finished",
    "Background tasks run by the task worker, by task and outcome (successful, failed).",
    ["task", "outcome"],
)
PAYMENTS = Counter(
    "lebrq_payments",
    "Payment state changes, by outcome (success, failed, refunded, duplicate).",
    ["outcome"],
)
REFUNDS = Counter(
    "lebrq_refunds",
    "Refunds settled by the gateway, by outcome (completed, failed).",
    ["outcome"],
)
