"""Request ids, the access line, slow warnings and the metrics, through the served application."""

import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from lebrq import request_context
from lebrq.asgi import application, django_application
from lebrq.logs import RequestContextFilter
from ops.asgi import MemoryShedding
from ops.memory import MemoryUsage
from ops.recycling import WorkerRecycler
from ops.telemetry import RequestTelemetry
from tests.factories import UserFactory
from tests.ops.asgi import call, scope
from tests.task_worker import running_task_worker

LogLines = Callable[[], list[dict[str, Any]]]


@pytest.fixture
def json_log(settings) -> Iterator[LogLines]:
    """The production handler, as settings.LOGGING builds it (its JSON formatter and the
    request-id filter), on the root logger, writing into a buffer."""
    stream = io.StringIO()
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def bearer(user: User) -> tuple[bytes, bytes]:
    return (b"authorization", f"Bearer {AccessToken.for_user(user)}".encode())


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def access_lines(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["logger"] == "lebrq.access"]


@pytest.mark.django_db(transaction=True)
def test_a_request_answers_its_id_and_logs_one_access_line_with_it(json_log):
    customer = UserFactory()

    response = call(application, scope("/api/bookings", method="GET", headers=[bearer(customer)]))

    assert response.status == 200
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    [line] = access_lines(json_log())
    assert line["request_id"] == request_id
    assert line["level"] == "INFO"
    assert line["method"] == "GET"
    assert line["route"] == "api/bookings"
    assert line["status"] == 200
    assert line["user_id"] == customer.pk
    # The token's user, the page and its count at least; the meter counted them.
    assert line["db_queries"] >= 2
    assert line["db_ms"] > 0
    assert line["duration_ms"] >= line["db_ms"]
    assert line["time"].endswith("+00:00")


@pytest.mark.django_db(transaction=True)
def test_every_line_logged_while_serving_carries_the_request_id(json_log, database_down):
    response = call(application, scope("/api/test/count-users", method="GET"))

    assert response.status == 503
    request_id = response.headers["x-request-id"]
    lines = json_log()
    loggers = {line["logger"] for line in lines if line["request_id"] == request_id}
    # Django's own error line (from a worker thread) and our access line.
    assert {"django.request", "lebrq.access"} <= loggers
    assert all(line["request_id"] == request_id for line in lines)


pytestmark = pytest.mark.urls("tests.ops.urls")


@pytest.mark.parametrize(
    "incoming",
    [
        "3f2a9c1e-7d4b-4a51-9e0f-2b6c8d1a4e77",
        "a1b2c3d4e5f60718293a4b5c6d7e8f90",
        "nginx.req:42-abcdef",
    ],
)
def test_a_valid_request_id_from_nginx_or_the_client_is_kept(incoming):
    response = call(
        application,
        scope("/api/health", method="GET", headers=[(b"x-request-id", incoming.encode())]),
    )

    assert response.headers["x-request-id"] == incoming


@pytest.mark.parametrize(
    "incoming",
    [b"", b"short", b"x" * 129, b"has space in it", b'quote"inside12', b"line\nbreak-forged-log"],
)
def test_an_unusable_request_id_is_replaced_by_our_own(incoming):
    response = call(
        application, scope("/api/health", method="GET", headers=[(b"x-request-id", incoming)])
    )

    answered = response.headers["x-request-id"]
    assert answered != incoming.decode()
    assert request_context.valid_request_id(answered) == answered


def test_the_guards_own_answers_carry_the_request_id_too():
    oversized = call(application, scope(headers=[(b"content-length", b"999999999")]), [b"{}"])

    assert oversized.status == 413
    assert oversized.json()["request_id"] == oversized.headers["x-request-id"]


def test_probes_are_counted_but_not_logged(json_log):
    before = sample("lebrq_http_requests_total", method="GET", route="api/health", status="200")

    call(application, scope("/api/health", method="GET"))

    assert access_lines(json_log()) == []
    after = sample("lebrq_http_requests_total", method="GET", route="api/health", status="200")
    assert after == before + 1


def test_a_slow_request_logs_its_access_line_at_warning(json_log, settings):
    settings.SLOW_REQUEST_MS = 0  # every request is "slow"

    call(RequestTelemetry(django_application), scope("/api/test/body-length"), [b"{}"])

    [line] = access_lines(json_log())
    assert line["level"] == "WARNING"
    assert line["slow"] is True
    assert line["route"] == "api/test/body-length"


@pytest.mark.django_db
def test_a_slow_query_is_logged_with_placeholders_never_its_parameters(json_log, settings):
    settings.SLOW_QUERY_MS = 0
    secret = "correct-horse-never-logged"

    User.objects.filter(username=secret).exists()

    [line] = [line for line in json_log() if line["logger"] == "lebrq.db.slow"]
    assert line["level"] == "WARNING"
    assert "username" in line["sql"]
    assert "%s" in line["sql"]
    assert secret not in json.dumps(json_log())


@pytest.mark.django_db
def test_queries_count_into_the_open_request_only(settings):
    settings.SLOW_QUERY_MS = 10_000
    context, token = request_context.begin("count-these-queries", "GET")
    try:
        User.objects.exists()
        User.objects.exists()
    finally:
        request_context.end(token)
    User.objects.exists()  # after the request: counted nowhere, and no error

    assert context.db_queries == 2
    assert context.db_seconds > 0
    assert request_context.current() is None


# --- Metrics ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_served_to_the_allowed_addresses(client):
    call(application, scope("/api/health", method="GET"))

    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'lebrq_http_requests_total{method="GET",route="api/health",status="200"}' in text
    assert "lebrq_http_request_duration_seconds_bucket" in text
    assert "lebrq_tasks_queue_readable 1.0" in text


@pytest.mark.django_db
@pytest.mark.parametrize("address", ["203.0.113.9", "10.0.0.5", "::ffff:8.8.8.8", ""])
def test_metrics_are_refused_to_any_other_address(client, address):
    response = client.get("/metrics", REMOTE_ADDR=address)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert b"lebrq_" not in response.content


@pytest.mark.django_db
def test_an_allowed_network_from_the_settings_admits_its_addresses(client, settings):
    import ipaddress

    settings.METRICS_ALLOWED_NETWORKS = [ipaddress.ip_network("10.20.0.0/16")]

    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_the_queue_depth_is_read_from_the_task_table(client):
    from tests.ops.tasks import say_hello

    say_hello.enqueue("queue")
    say_hello.enqueue("queue")

    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()

    assert 'lebrq_tasks_queued{queue="default"} 2.0' in text


def test_413s_are_counted_by_route():
    before = sample("lebrq_http_request_too_large_total", route="-")

    call(application, scope(headers=[(b"content-length", b"999999999")]), [b"{}"])

    assert sample("lebrq_http_request_too_large_total", route="-") == before + 1


class _FullMemory:
    def usage(self) -> MemoryUsage:
        return MemoryUsage("cgroup-v2", used_bytes=990, limit_bytes=1000)


def test_memory_sheds_are_counted():
    before = sample("lebrq_requests_shed_total", reason="memory")

    response = call(MemoryShedding(django_application, monitor=_FullMemory()), scope())

    assert response.status == 503
    assert sample("lebrq_requests_shed_total", reason="memory") == before + 1


def test_rss_recycles_are_counted():
    before = sample("lebrq_worker_recycles_total")
    recycler = WorkerRecycler(
        100, read_rss=lambda: 101, enabled=lambda: True, terminate=lambda: None
    )

    recycler.check()
    recycler.check()  # already exiting: one recycle

    assert sample("lebrq_worker_recycles_total") == before + 1


@pytest.mark.django_db(transaction=True)
def test_database_outages_are_counted(database_down):
    before = sample("lebrq_db_unavailable_total")

    call(application, scope("/api/test/count-users", method="GET"))

    assert sample("lebrq_db_unavailable_total") == before + 1


# --- Tasks ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_task_carries_the_id_of_the_request_that_queued_it(json_log):
    from django_tasks_db.models import DBTaskResult

    from tests.ops.tasks import say_hello

    _, token = request_context.begin("req-for-the-task-0001", "POST")
    try:
        result = say_hello.enqueue("Asha")
    finally:
        request_context.end(token)
    stored = DBTaskResult.objects.get(pk=result.id).args_kwargs
    assert stored["request_id"] == "req-for-the-task-0001"
    before = sample(
        "lebrq_tasks_finished_total", task="tests.ops.tasks.say_hello", outcome="successful"
    )

    with running_task_worker():
        for _ in range(400):  # polls, not a time limit: the worker usually takes ~0.1 s
            result.refresh()
            if result.is_finished:
                break
            time.sleep(0.05)

    [line] = [line for line in json_log() if line["logger"] == "tests.ops.tasks"]
    assert line["message"] == "Hello Asha from the task worker"
    assert line["request_id"] == "req-for-the-task-0001"
    # Django's own lines of the task (started, finished) too.
    django_lines = [
        line
        for line in json_log()
        if line["logger"] == "django.tasks" and str(result.id) in line["message"]
    ]
    assert [line["message"].rsplit("=", 1)[1] for line in django_lines] == [
        "RUNNING",
        "SUCCESSFUL",
    ]
    assert {line["request_id"] for line in django_lines} == {"req-for-the-task-0001"}
    after = sample(
        "lebrq_tasks_finished_total", task="tests.ops.tasks.say_hello", outcome="successful"
    )
    assert after == before + 1


def test_a_refused_suspicious_request_logs_a_line_without_a_stack_trace(json_log, client):
    fields = "&".join(f"f{n}=x" for n in range(1200))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS

    response = client.get(f"/api/venues?{fields}")

    assert response.status_code == 400
    [line] = [line for line in json_log() if line["logger"].startswith("django.security.")]
    assert "exc_info" not in line
    assert line["request"] == "GET /api/venues"
