"""End to end over HTTPS: nginx (TLS, HTTP/2, X-Accel) -> gunicorn -> uvicorn -> Django.

Run with `make e2e` (MariaDB database lebrq_e2e, nginx installed from Debian if missing).
Checks marked "needs the bookings API" or "needs the uploads API" use endpoints built on
other branches; they fail, naming the missing endpoint, until those are merged.
"""

import contextlib
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import threading
import time
from io import BytesIO
from typing import Any, TypedDict

import httpx
import pytest

from tests.e2e.stack import (
    BIN,
    CUSTOMER,
    DEFAULT_DATABASE_URL,
    ROOT,
    Gunicorn,
    Nginx,
    app_environment,
    prepare_database,
    self_signed_certificate,
    stop,
    tls_context,
)

pytestmark = pytest.mark.e2e

GUNICORN_PORT = 19101
HTTP_PORT = 19080
HTTPS_PORT = 19443
HELD_SOCKET_PORT = 19102
MiB = 2**20
APP_MAX_BODY_MB = 15


class ClientOptions(TypedDict):
    """What the HTTP/2 and HTTP/1.1 clients of the stack share."""

    base_url: str
    verify: ssl.SSLContext
    timeout: float


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    database_url = os.environ.get("E2E_DATABASE_URL", DEFAULT_DATABASE_URL)
    env = app_environment(workdir, database_url, MAX_BODY_SIZE_MB=str(APP_MAX_BODY_MB))
    prepare_database(env)
    certificate, key = self_signed_certificate(workdir)
    gunicorn = Gunicorn(env, GUNICORN_PORT, workdir / "gunicorn.log")
    # nginx lets 5 MB more through than the app, so the app's own 413 is what is tested.
    site_env = {**env, "MAX_BODY_SIZE_MB": str(APP_MAX_BODY_MB + 5)}
    nginx = Nginx(workdir, site_env, certificate, key, GUNICORN_PORT, HTTP_PORT, HTTPS_PORT)
    gunicorn.start()
    try:
        nginx.start()
        options: ClientOptions = {
            "base_url": f"https://localhost:{HTTPS_PORT}",
            "verify": tls_context(certificate),
            "timeout": 30,
        }
        with httpx.Client(http2=True, **options) as client, httpx.Client(**options) as http1:
            yield Stack(client, http1, gunicorn, certificate)
    finally:
        nginx.stop()
        gunicorn.stop()


class Stack:
    def __init__(
        self, client: httpx.Client, http1: httpx.Client, gunicorn: Gunicorn, certificate
    ) -> None:
        self.client = client  # HTTP/2, like browsers
        self.http1 = http1
        self.gunicorn = gunicorn
        self.certificate = certificate

    def login(self) -> str:
        username, password = CUSTOMER
        response = self.client.post(
            "/api/auth/login", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def gunicorn_log(self) -> str:
        return self.gunicorn.log.read_text()


def test_plain_http_is_redirected_to_https(stack):
    response = httpx.get(f"http://127.0.0.1:{HTTP_PORT}/api/health")

    assert response.status_code == 301
    assert response.headers["location"] == f"https://127.0.0.1:{HTTPS_PORT}/api/health"


def test_health_answers_over_tls_and_http2(stack):
    response = stack.client.get("/api/health")

    assert response.status_code == 200
    assert response.http_version == "HTTP/2"
    assert response.json() == {"status": "ok"}


def test_readiness_sees_the_database(stack):
    response = stack.client.get("/api/health/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_login_returns_a_bearer_token_that_authenticates(stack):
    token = stack.login()

    me = stack.client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})

    assert me.status_code == 200
    assert me.json()["username"] == CUSTOMER[0]


def test_django_sees_requests_that_came_in_over_tls_as_secure(stack):
    """nginx's X-Forwarded-Proto reaches Django: HSTS is only sent on secure requests."""
    response = stack.client.get("/api/health")

    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_bookings_list_is_paginated(stack):
    token = stack.login()

    response = stack.client.get(
        "/api/bookings",
        params={"page": 1, "page_size": 10},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "pagination"}
    assert body["pagination"]["page"] == 1
    assert body["pagination"]["page_size"] == 10
    assert len(body["items"]) <= 10


def test_public_venue_list_is_served(stack):
    response = stack.client.get("/api/venues")

    assert response.status_code == 200
    # A bare array, as the legacy answered (seed_demo makes one venue).
    assert len(response.json()) >= 1


def _png(size: int = 256) -> bytes:
    from PIL import Image

    image = Image.effect_noise((size, size), 64).convert("RGB")
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_ranged_download_is_served_by_nginx_through_x_accel(stack):
    auth = {"Authorization": f"Bearer {stack.login()}"}
    upload = stack.client.post(
        "/api/uploads/files", files={"file": ("noise.png", _png(), "image/png")}, headers=auth
    )
    assert upload.status_code == 201, upload.text
    url = upload.json()["url"]

    whole = stack.client.get(url, headers=auth)
    ranged = stack.client.get(url, headers={**auth, "Range": "bytes=0-99"})
    # Straight to gunicorn: the app only checks access and names the file for nginx.
    direct = httpx.get(
        f"http://127.0.0.1:{GUNICORN_PORT}{url}",
        headers={**auth, "Host": "localhost", "X-Forwarded-Proto": "https"},
    )

    assert whole.status_code == 200
    assert ranged.status_code == 206
    assert ranged.headers["content-range"] == f"bytes 0-99/{len(whole.content)}"
    assert ranged.content == whole.content[:100]
    assert "x-accel-redirect" not in ranged.headers
    assert ranged.headers["x-content-type-options"] == "nosniff"
    assert direct.headers["x-accel-redirect"].startswith("/protected-media/")
    assert direct.content == b""


def test_an_invoice_is_served_by_nginx_through_x_accel_with_ranges(stack):
    auth = {"Authorization": f"Bearer {stack.login()}"}
    booking = stack.client.get("/api/bookings", headers=auth).json()["items"][0]
    url = f"/api/bookings/{booking['id']}/invoice"

    whole = stack.client.get(url, headers=auth)
    ranged = stack.client.get(url, headers={**auth, "Range": "bytes=0-4"})

    assert whole.status_code == 200
    assert whole.headers["content-type"] == "application/pdf"
    assert whole.headers["content-disposition"].startswith("attachment")
    assert whole.headers["x-content-type-options"] == "nosniff"
    assert whole.content.startswith(b"%PDF-")
    assert ranged.status_code == 206
    assert ranged.content == b"%PDF-"


def test_the_x_accel_location_is_not_reachable_from_outside(stack):
    response = stack.client.get("/protected-media/uploads/anything.png")

    assert response.status_code == 404


def test_a_body_over_the_app_limit_gets_the_apps_json_413(stack):
    body = b"x" * (APP_MAX_BODY_MB * MiB + 1)

    response = stack.client.post(
        "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is larger than the 15 MB this endpoint accepts.",
        "message": "The request body is larger than the 15 MB this endpoint accepts.",
        "code": "request_too_large",
        # nginx's id for the request, passed to the app and returned by it.
        "request_id": response.headers["x-request-id"],
    }


def test_a_body_over_the_nginx_limit_gets_nginxs_json_413(stack):
    body = b"x" * ((APP_MAX_BODY_MB + 5) * MiB + 1)

    # HTTP/1.1: httpx sends the whole body before it reads, and over HTTP/2 nginx stops
    # granting flow-control window to a refused stream (browsers and curl read early).
    response = stack.http1.post(
        "/api/auth/login", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


def test_memory_pressure_sheds_api_calls_with_503_while_health_stays_up(stack):
    with stack.gunicorn.running_with(MEMORY_THRESHOLD_PERCENT="0.1"):
        shed = stack.client.get("/api/auth/me")
        login = stack.client.post("/api/auth/login", json={"username": "demo", "password": "x"})
        health = stack.client.get("/api/health")
        ready = stack.client.get("/api/health/ready")
        memory = stack.client.get("/api/health/memory")

    for response in (shed, login):
        assert response.status_code == 503
        assert response.headers["retry-after"] == "10"
        assert response.json()["code"] == "memory_pressure"
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert memory.status_code == 200
    assert memory.json()["status"] in {"warning", "critical"}
    assert "shedding requests" in stack.gunicorn_log()


def test_a_database_outage_is_a_503_while_liveness_stays_up(stack):
    dead_database = re.sub(r":\d+/", ":19999/", stack.gunicorn.env["DATABASE_URL"])
    with stack.gunicorn.running_with(DATABASE_URL=dead_database, DB_CONNECT_TIMEOUT="2"):
        login = stack.client.post(
            "/api/auth/login", json={"username": "demo", "password": "demo-pass-123"}
        )
        ready = stack.client.get("/api/health/ready")
        health = stack.client.get("/api/health")

    assert login.status_code == 503
    assert login.headers["retry-after"] == "10"
    assert login.json()["code"] == "database_unavailable"
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "OperationalError"}
    assert health.status_code == 200


def test_workers_over_the_rss_limit_are_replaced_without_failing_a_request(stack):
    """With a 1 MB limit every worker retires after the requests it is serving.

    A retiring worker notices its exit flag within 0.1 s, so back-to-back requests can land
    on it meanwhile; the pause lets workers come and go between requests.
    """
    # Through nginx, only staff see which worker answered (the pid helps an attacker time a
    # flood): the probe logs in as staff.
    login = stack.client.post(
        "/api/auth/login", json={"username": "staff", "password": "staff-pass-123"}
    )
    assert login.status_code == 200, login.text
    staff = {"Authorization": f"Bearer {login.json()['access_token']}"}
    log_start = len(stack.gunicorn_log())
    responses = []
    with stack.gunicorn.running_with(WORKER_MAX_RSS_MB="1"):
        for _ in range(12):
            responses.append(stack.client.get("/api/health/memory", headers=staff))
            time.sleep(0.3)
        log = stack.gunicorn_log()[log_start:]

    assert [r.status_code for r in responses] == [200] * 12
    assert len({r.json()["pid"] for r in responses}) >= 4
    assert "above WORKER_MAX_RSS_MB=1" in log
    assert "was sent SIGTERM!" in log
    assert "Traceback" not in log
    assert '"level": "ERROR"' not in log


def test_a_restart_behind_a_held_socket_refuses_no_request(tmp_path):
    """What lebrq.socket does for deploys: systemd holds the socket, gunicorn restarts.

    Requests made while no gunicorn runs wait in the backlog instead of being refused.
    """
    env = app_environment(
        tmp_path, os.environ.get("E2E_DATABASE_URL", DEFAULT_DATABASE_URL), WEB_CONCURRENCY="1"
    )
    listener = socket.create_server(("127.0.0.1", HELD_SOCKET_PORT), backlog=128)
    statuses: list[int | str] = []
    done = threading.Event()

    def start_gunicorn() -> subprocess.Popen[bytes]:
        def as_fd_3() -> None:
            os.dup2(listener.fileno(), 3)

        # systemd's socket activation protocol: the socket is fd 3, LISTEN_PID is the
        # process itself (hence the shell: $$ survives its exec).
        with (tmp_path / "gunicorn.log").open("a") as log:
            return subprocess.Popen(
                [
                    *("/bin/sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"'),
                    *(BIN / "gunicorn", "-c", "deploy/gunicorn.conf.py", "lebrq.asgi:application"),
                ],
                cwd=ROOT,
                env=env,
                pass_fds=(3,),
                preexec_fn=as_fd_3,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def hammer() -> None:
        # A new connection per request: the claim is about connections made during the
        # restart. A connection the exiting worker accepted but had not read closes without an
        # answer (uvicorn closes idle connections at shutdown); browsers and nginx
        # (proxy_next_upstream) send such an idempotent GET again, so the client here does so
        # once too. A refused connection (the socket not held) fails twice and is recorded.
        with httpx.Client(
            base_url=f"http://127.0.0.1:{HELD_SOCKET_PORT}",
            timeout=60,
            limits=httpx.Limits(max_keepalive_connections=0),
        ) as c:
            while not done.is_set():
                outcome: int | str = "unsent"
                for _attempt in range(2):
                    try:
                        outcome = c.get("/api/health").status_code
                        break
                    except httpx.ConnectError as exc:
                        outcome = type(exc).__name__  # refused: no retry can excuse that
                        break
                    except httpx.TransportError as exc:
                        outcome = type(exc).__name__
                statuses.append(outcome)
                time.sleep(0.01)

    first = start_gunicorn()
    try:
        _wait_healthy(HELD_SOCKET_PORT)
        load = threading.Thread(target=hammer)
        load.start()
        time.sleep(0.5)
        first.send_signal(signal.SIGTERM)
        first.wait(40)
        second = start_gunicorn()
        try:
            _wait_healthy(HELD_SOCKET_PORT)
            time.sleep(0.5)
        finally:
            done.set()
            load.join()
            stop(second)
    finally:
        stop(first)
        listener.close()

    assert statuses, "the load thread made no request"
    assert set(statuses) == {200}, f"some requests failed during the restart: {statuses}"


def _wait_healthy(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).is_success:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise TimeoutError(f"no healthy gunicorn on {port}")


# --- Operations visibility --------------------------------------------------------------


def _json_lines(log: str) -> list[dict[str, Any]]:
    """The JSON lines of a log that also holds other processes' plain output."""
    lines = []
    for raw in log.splitlines():
        if raw.startswith("{"):
            with contextlib.suppress(ValueError):  # a line cut by a concurrent writer
                lines.append(json.loads(raw))
    return lines


def _requests_counted(text: str, route: str) -> float:
    prefix = f'lebrq_http_requests_total{{method="GET",route="{route}",status="200"}} '
    return sum(float(line[len(prefix) :]) for line in text.splitlines() if line.startswith(prefix))


def test_a_request_id_goes_through_nginx_into_the_answer_and_the_json_log(stack):
    own = stack.client.get("/api/venues")
    sent = stack.client.get("/api/venues", headers={"X-Request-ID": "e2e-trace-0001-abcdef"})

    assert own.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", own.headers["x-request-id"])  # nginx's $request_id
    assert sent.headers["x-request-id"] == "e2e-trace-0001-abcdef"
    deadline = time.monotonic() + 10
    while True:
        lines = [
            line
            for line in _json_lines(stack.gunicorn_log())
            if line.get("request_id") == "e2e-trace-0001-abcdef"
        ]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    [access] = [line for line in lines if line["logger"] == "lebrq.access"]
    assert access["route"] == "api/venues"
    # One access line per request: uvicorn's own stays off.
    loggers = {line["logger"] for line in _json_lines(stack.gunicorn_log())}
    assert "uvicorn.access" not in loggers
    assert access["status"] == 200
    assert access["db_queries"] >= 1


def test_metrics_count_requests_over_all_workers_and_refuse_outside_addresses(stack):
    before = _requests_counted(stack.client.get("/metrics").text, "api/venues")
    for _ in range(6):
        assert stack.http1.get("/api/venues").status_code == 200

    scrape = stack.client.get("/metrics")

    assert scrape.status_code == 200
    # Six more, whichever of the two workers served each.
    assert _requests_counted(scrape.text, "api/venues") == before + 6
    assert "lebrq_http_requests_in_flight" in scrape.text
    assert "lebrq_tasks_queue_readable 1.0" in scrape.text
    # From another address (127.0.0.2 is loopback too, but not an allowed one) nginx refuses...
    outside = httpx.Client(
        base_url=str(stack.client.base_url),
        transport=httpx.HTTPTransport(
            local_address="127.0.0.2", verify=tls_context(stack.certificate)
        ),
    )
    with outside:
        refused = outside.get("/metrics")
        assert outside.get("/api/health").status_code == 200  # the address itself is served
    assert refused.status_code == 403
    assert "lebrq_" not in refused.text
    # ...and so does the app itself, to a client nginx vouches for in X-Forwarded-For.
    direct = httpx.get(
        f"http://127.0.0.1:{GUNICORN_PORT}/metrics",
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert direct.status_code == 403
    assert direct.json()["code"] == "forbidden"
