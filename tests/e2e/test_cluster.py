"""Several app servers on loopback, as issue 23 scales out (`make e2e-cluster`).

Two app servers (separate gunicorn instances, two uvicorn workers each, each with its task
worker) behind one nginx upstream; a MariaDB primary and a replica replicating from it (two
private mariadbd, tests/e2e/replication.py); one Redis database shared by both servers for
the throttles, the read-your-writes pins and the user cache. Checks:

1. a booking race over both servers makes one booking;
2. a rate limit counts the requests of both servers together;
3. an app server killed (SIGKILL, master and workers) in the middle of load loses no
   request it accepted, and reads go on through the other server;
4. the staff list reads the replica (a booking the replica has not applied yet is missing
   from it, while the customer's own list, on the primary, has it);
5. a file uploaded through one server is downloaded, with a range, through the other: files
   are in an S3 bucket (moto's server mode on loopback), each server has its own disk.

Every process is started here and stopped by pid; ports are in 19600-19699.
"""

import logging
import os
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest
import redis
from django.utils import timezone

from tests.e2e.replication import MariaDB, replicate, slave_status, wait_until_caught_up
from tests.e2e.stack import (
    CUSTOMER,
    Gunicorn,
    Nginx,
    app_environment,
    prepare_database,
    self_signed_certificate,
    tls_context,
)
from tests.fake_s3 import ACCESS_KEY, REGION, SECRET_KEY, FakeBucket, new_bucket

pytestmark = pytest.mark.e2e

APP_PORTS = (19611, 19612)
PRIMARY_PORT = 19633
REPLICA_PORT = 19634
HTTP_PORT = 19680
HTTPS_PORT = 19643
S3_PORT = 19690
S3_URL = f"http://127.0.0.1:{S3_PORT}"
DATABASE = "lebrq_cluster_e2e"
READER = ("lebrq_reader", "reader-e2e-password")
STAFF = ("staff", "staff-pass-123")
# A Redis database of its own, emptied at the start (the machine's Redis; make e2e-cluster).
REDIS_URL = os.environ.get("E2E_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/13")
# Low enough to reach in a few requests; the other checks log in three times at most.
LOGIN_RATE = 6
STICKY_SECONDS = 2
# Requests straight to one app server, as nginx sends them.
DIRECT_HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}


@dataclass
class Cluster:
    servers: tuple[Gunicorn, Gunicorn]
    primary: MariaDB
    replica: MariaDB
    bucket: FakeBucket
    certificate: Path
    _tokens: dict[str, str] = field(default_factory=dict)

    def client(self, local_address: str = "127.0.0.1") -> httpx.Client:
        """A client of nginx from `local_address` (127.0.0.0/8 is all loopback): the app
        counts and pins by client address, so checks that must not share one use their own."""
        return httpx.Client(
            base_url=f"https://localhost:{HTTPS_PORT}",
            transport=httpx.HTTPTransport(
                local_address=local_address, verify=tls_context(self.certificate)
            ),
            timeout=30,
        )

    def direct(self, server: Gunicorn) -> httpx.Client:
        return httpx.Client(
            base_url=f"http://127.0.0.1:{server.port}", headers=DIRECT_HEADERS, timeout=30
        )

    def token(self, username: str, password: str) -> str:
        """One login per account for the whole module (the login rate is low here)."""
        if username not in self._tokens:
            with self.client() as client:
                response = client.post(
                    "/api/auth/login", json={"username": username, "password": password}
                )
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def customer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*CUSTOMER)}"}

    def staff(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(*STAFF)}"}

    def bookings_on_primary(self, where: str, *args: Any) -> list[tuple[Any, ...]]:
        return self.primary.query(
            f"SELECT id, idempotency_key FROM {DATABASE}.bookings {where}", *args
        )


@pytest.fixture(scope="module")
def cluster(tmp_path_factory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("cluster")
    cache = redis.Redis.from_url(REDIS_URL)
    try:
        cache.flushdb()
    except redis.ConnectionError as exc:
        pytest.fail(f"make e2e-cluster needs Redis at {REDIS_URL} (E2E_CLUSTER_REDIS_URL): {exc}")
    primary = MariaDB(workdir / "primary", PRIMARY_PORT, server_id=1, binary_log=True)
    replica = MariaDB(workdir / "replica", REPLICA_PORT, server_id=2, read_only=True)
    servers: list[Gunicorn] = []
    nginx: Nginx | None = None
    s3 = s3_server()
    try:
        bucket = new_bucket(S3_URL)
        # Files in the one bucket (lebrq/settings.py), not on each server's disk: the demo
        # data's too.
        in_bucket = {
            "AWS_STORAGE_BUCKET_NAME": bucket.name,
            "AWS_S3_ENDPOINT_URL": S3_URL,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        }
        for database in (primary, replica):
            database.install()
            database.start()
        primary.load_time_zones()
        replicate(primary, replica)
        database_url = primary.url(DATABASE)
        prepare_database(app_environment(workdir, database_url, **in_bucket))
        # The app reads the replica with a SELECT-only account (docs/SCALING.md); made on
        # the primary, it reaches the replica by replication.
        user, password = READER
        primary.query("CREATE USER %s@'127.0.0.1' IDENTIFIED BY %s", user, password)
        primary.query(f"GRANT SELECT ON {DATABASE}.* TO %s@'127.0.0.1'", user)
        wait_until_caught_up(primary, replica)
        for name, port in zip(("a", "b"), APP_PORTS, strict=True):
            home = workdir / f"app-{name}"
            home.mkdir()
            env = app_environment(
                home,
                database_url,
                DATABASE_REPLICA_URL=replica.url(DATABASE, user, password),
                REDIS_URL=REDIS_URL,
                REPLICA_STICKY_SECONDS=str(STICKY_SECONDS),
                NUM_PROXIES="1",  # behind nginx: the client is the address nginx saw
                THROTTLE_LOGIN_IP=f"{LOGIN_RATE}/min",
                # The race and the load book far more than a customer may hold or make.
                THROTTLE_BOOKING_CREATE="100000/hour",
                BOOKING_MAX_PENDING_PER_CUSTOMER="100000",
                **in_bucket,
            )
            servers.append(Gunicorn(env, port, home / "gunicorn.log"))
            servers[-1].start()
        certificate, key = self_signed_certificate(workdir)
        nginx = Nginx(workdir, servers[0].env, certificate, key, APP_PORTS, HTTP_PORT, HTTPS_PORT)
        nginx.start()
        yield Cluster((servers[0], servers[1]), primary, replica, bucket, certificate)
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()
        for database in (replica, primary):
            database.stop()
            # ~120 MB each; pytest keeps its last three runs. The error log stays.
            shutil.rmtree(database.datadir, ignore_errors=True)
        s3.stop()
        cache.flushdb()


def s3_server() -> Any:
    """moto's S3 server in a thread of this process at S3_URL, started (tests/fake_s3.py's
    takes a free port; the cluster keeps to its own range). The caller stops it."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
    server.start()
    return server


def free_day(offset: int) -> date:
    """A day clear of the demo bookings (seed_demo books up to four weeks ahead)."""
    return timezone.localdate() + timedelta(days=40 + offset)


def space_id(client: httpx.Client) -> int:
    spaces = client.get("/api/venues/spaces").json()
    [hall] = [s for s in spaces if s["name"] == "LeBRQ Grant Hall"]
    return int(hall["id"])


def booking_body(space: int, day: date, hour: int, hours: int = 1) -> dict[str, Any]:
    return {
        "space_id": space,
        "start_datetime": f"{day.isoformat()}T{hour:02d}:00:00",
        "end_datetime": f"{day.isoformat()}T{hour + hours:02d}:00:00",
        "event_type": "Birthday Party",
        "attendees": 20,
    }


# --- 1. A booking race over both servers ---------------------------------------------------


def test_a_booking_race_across_both_servers_yields_exactly_one_booking(cluster):
    racers = 10
    with cluster.client() as client:
        space = space_id(client)
    body = booking_body(space, free_day(0), hour=10, hours=3)
    auth = cluster.customer()
    # Half the racers on each app server, straight to it, so the race is across servers
    # whatever nginx's round robin would have done; connections open before the start.
    clients = [cluster.direct(cluster.servers[i % 2]) for i in range(racers)]
    for client in clients:
        assert client.get("/api/health").status_code == 200
    start = threading.Barrier(racers)
    outcomes: list[tuple[int, int, dict[str, Any]]] = []

    def race(index: int) -> None:
        start.wait()
        response = clients[index].post("/api/bookings", json=body, headers=auth)
        outcomes.append((index % 2, response.status_code, response.json()))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()

    statuses = sorted(status for _, status, _ in outcomes)
    assert statuses == [201] + [409] * (racers - 1), outcomes
    assert {answer["code"] for _, status, answer in outcomes if status == 409} == {
        "slot_unavailable"
    }
    # Both servers refused someone or booked: each took part in the race.
    assert {server for server, _, _ in outcomes} == {0, 1}
    [winner] = [answer for _, status, answer in outcomes if status == 201]
    rows = cluster.bookings_on_primary(
        "WHERE space_id = %s AND start_datetime < %s AND end_datetime > %s",
        space,
        f"{free_day(1).isoformat()} 00:00:00",
        f"{free_day(0).isoformat()} 00:00:00",
    )
    assert [row[0] for row in rows] == [winner["id"]]


# --- 2. A rate limit counted over both servers ---------------------------------------------


def test_a_login_rate_limit_counts_the_requests_of_both_servers_together(cluster):
    """LOGIN_RATE logins a minute per address: alternating servers, the limit is reached
    after LOGIN_RATE attempts in all, not LOGIN_RATE on each (2 x LOGIN_RATE)."""
    # An address of its own, as nginx would report it (NUM_PROXIES=1), and a new account
    # name each time so that only the per-address limit is in play.
    headers = {"X-Forwarded-For": "203.0.113.23"}
    clients = [cluster.direct(server) for server in cluster.servers]
    answers: list[tuple[int, int]] = []
    try:
        for attempt in range(2 * LOGIN_RATE):
            server = attempt % 2
            response = clients[server].post(
                "/api/auth/login",
                json={"username": f"nobody{attempt}@example.com", "password": "wrong-password"},
                headers=headers,
            )
            answers.append((server, response.status_code))
    finally:
        for client in clients:
            client.close()

    statuses = [status for _, status in answers]
    assert statuses == [401] * LOGIN_RATE + [429] * LOGIN_RATE, answers
    # Each server refused some attempts: the count each saw included the other's.
    assert {server for server, status in answers if status == 429} == {0, 1}


# --- 3. An app server killed in the middle of load -----------------------------------------


@dataclass
class Load:
    """Bookings (each its own slot and Idempotency-Key) and reads through nginx, from
    several threads, until stopped."""

    cluster: Cluster
    space: int
    auth: dict[str, str]
    writers: int = 3
    readers: int = 3
    posts: list[tuple[str, int, dict[str, Any] | None]] = field(default_factory=list)
    gets: list[tuple[str, int | str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _slots: Iterator[tuple[date, int]] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __post_init__(self) -> None:
        # One-hour slots from 08:00 to 20:00 on days the race does not use.
        self._slots = ((free_day(day), hour) for day in range(2, 320) for hour in range(8, 20))

    def start(self) -> None:
        for _ in range(self.writers):
            self._threads.append(threading.Thread(target=self._write))
        for _ in range(self.readers):
            self._threads.append(threading.Thread(target=self._read))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def body(self, key: str) -> dict[str, Any]:
        # The key names the slot, so a retry sends the very same request.
        day, hour = date.fromisoformat(key[:10]), int(key[11:13])
        return booking_body(self.space, day, hour)

    def _write(self) -> None:
        with self.cluster.client() as client:
            while not self._stop.is_set():
                with self._lock:
                    day, hour = next(self._slots)
                key = f"{day.isoformat()}T{hour:02d}-{uuid.uuid4().hex[:8]}"
                try:
                    response = client.post(
                        "/api/bookings",
                        json=self.body(key),
                        headers={**self.auth, "Idempotency-Key": key},
                    )
                    answer = response.json() if response.status_code == 201 else None
                    self.posts.append((key, response.status_code, answer))
                except httpx.TransportError as exc:
                    self.posts.append((key, -1, {"error": type(exc).__name__}))

    def _read(self) -> None:
        with self.cluster.client() as client:
            while not self._stop.is_set():
                for path, headers in (("/api/venues", {}), ("/api/bookings", self.auth)):
                    try:
                        status: int | str = client.get(path, headers=headers).status_code
                    except httpx.TransportError as exc:
                        status = type(exc).__name__
                    self.gets.append((path, status))


def kill_server(server: Gunicorn) -> int:
    """SIGKILL gunicorn's master and its workers at once, as a crashed machine would stop:
    nothing finishes a request or closes a connection. Returns how many processes died."""
    assert server.process is not None
    master = psutil.Process(server.process.pid)
    victims = [master, *master.children(recursive=True)]
    for process in victims:
        os.kill(process.pid, signal.SIGKILL)
    server.process.wait(10)
    psutil.wait_procs(victims, timeout=10)
    server.process = None
    return len(victims)


def wait_for_access_line(server: Gunicorn, since: int, needle: str, timeout: float = 5) -> bool:
    """Whether `server` logs a request whose access line has `needle` (lines are written as
    the answer goes out: give the last one a moment)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = server.log.read_text()[since:].splitlines()
        if any('"logger": "lebrq.access"' in line and needle in line for line in lines):
            return True
        time.sleep(0.1)
    return False


def access_lines(server: Gunicorn, since: int, needle: str = "") -> int:
    """How many requests `server` logged since offset `since` (with `needle` in the line)."""
    lines = server.log.read_text()[since:].splitlines()
    return sum('"logger": "lebrq.access"' in line and needle in line for line in lines)


def test_an_app_server_killed_mid_load_loses_no_accepted_request(cluster):
    victim = cluster.servers[0]
    with cluster.client() as client:
        load = Load(cluster, space_id(client), cluster.customer())
    victim_log = len(victim.log.read_text())
    load.start()
    try:
        time.sleep(3)
        served_before = access_lines(victim, victim_log)
        posts_before = len(load.posts)
        killed = kill_server(victim)
        time.sleep(4)
    finally:
        load.stop()
        if victim.process is None:
            victim.start()  # back for the checks after this one (its task worker ran on)

    accepted = [(key, answer) for key, status, answer in load.posts if status == 201]
    failed = [key for key, status, _ in load.posts if status != 201]
    # The killed server was serving this load when it died, and bookings went on after.
    assert killed == 3  # the master and its two workers
    assert served_before > 0
    assert any(status == 201 for _, status, _ in load.posts[posts_before:])
    # Reads never failed: nginx passed those the dead server dropped or refused to the other.
    assert load.gets
    assert [get for get in load.gets if get[1] != 200] == []
    # Bookings: answered 201, or (only a request in flight on the dying server) nginx's 503;
    # a POST is never resent by nginx, the client retries it with its Idempotency-Key.
    assert {status for _, status, _ in load.posts} <= {201, 503}, load.posts
    assert len(failed) <= 2 * load.writers, load.posts
    # Every accepted booking is in the database, as answered.
    stored = dict(cluster.bookings_on_primary("WHERE idempotency_key LIKE %s", "20%"))
    assert all(stored.get(answer["id"]) == key for key, answer in accepted if answer)
    # A retry of each failed one books it now, or finds the booking its first try made.
    with cluster.client() as client:
        for key in failed:
            retry = client.post(
                "/api/bookings",
                json=load.body(key),
                headers={**cluster.customer(), "Idempotency-Key": key},
            )
            assert retry.status_code == 201, retry.text
    keys = [key for key, _, _ in load.posts]
    rows = cluster.bookings_on_primary(
        f"WHERE idempotency_key IN ({', '.join(['%s'] * len(keys))})", *keys
    )
    assert sorted(key for _, key in rows) == sorted(keys)  # each exactly once


# --- 4. The staff list reads the replica ---------------------------------------------------


def test_the_staff_list_is_read_from_the_replica(cluster):
    """With the replica's SQL thread stopped, a new booking is on the primary only: the
    staff list (a replica view) lacks it through both servers while the customer's own list
    (always the primary) has it; once the replica applies it, the staff list has it too."""
    staff_client = cluster.client("127.0.0.3")  # an address no one writes from
    customer_client = cluster.client("127.0.0.2")
    staff = cluster.staff()
    space = space_id(staff_client)
    cluster.replica.query("STOP SLAVE SQL_THREAD")
    try:
        booked = customer_client.post(
            "/api/bookings",
            json=booking_body(space, free_day(1), hour=18),
            headers=cluster.customer(),
        )
        assert booked.status_code == 201, booked.text
        booking_id = booked.json()["id"]
        # The staff account logged in (a write) within STICKY_SECONDS maybe: let that pin go.
        time.sleep(STICKY_SECONDS + 0.5)
        selects_before = int(cluster.replica.status("Com_select"))
        logs_before = [len(server.log.read_text()) for server in cluster.servers]
        # Round robin takes them to both servers, once nginx uses both: a server that failed
        # three times in 10 s (the one killed in the check before) is skipped for 10 s.
        staff_lists: list[httpx.Response] = []
        deadline = time.monotonic() + 15
        while len(staff_lists) < 4 or (
            time.monotonic() < deadline
            and not all(
                access_lines(server, since, '"route": "api/admin/bookings"')
                for server, since in zip(cluster.servers, logs_before, strict=True)
            )
        ):
            staff_lists.append(
                staff_client.get("/api/admin/bookings", params={"page_size": 100}, headers=staff)
            )
            if len(staff_lists) >= 4:
                time.sleep(0.5)
        selects_after = int(cluster.replica.status("Com_select"))
        own = customer_client.get("/api/bookings", headers=cluster.customer())
        on_replica = cluster.replica.query(
            f"SELECT COUNT(*) FROM {DATABASE}.bookings WHERE id = %s", booking_id
        )
    finally:
        cluster.replica.query("START SLAVE SQL_THREAD")
    wait_until_caught_up(cluster.primary, cluster.replica)
    caught_up = staff_client.get("/api/admin/bookings", params={"page_size": 100}, headers=staff)
    staff_client.close()
    customer_client.close()

    assert on_replica == [(0,)]
    for listed in staff_lists:
        assert listed.status_code == 200, listed.text
        ids = [row["id"] for row in listed.json()["items"]]
        assert ids, "the staff list is empty: the demo bookings should be there"
        assert booking_id not in ids
    assert booking_id in [row["id"] for row in own.json()["items"]]
    assert booking_id in [row["id"] for row in caught_up.json()["items"]]
    # The replica's own count of SELECTs: those lists ran theirs there (replication runs none).
    assert selects_after - selects_before >= len(staff_lists)
    # nginx sent those lists to both servers.
    for server, since in zip(cluster.servers, logs_before, strict=True):
        assert wait_for_access_line(server, since, '"route": "api/admin/bookings"')
    [status] = slave_status(cluster.replica)
    assert (status["Slave_IO_Running"], status["Slave_SQL_Running"]) == ("Yes", "Yes")


# --- 5. Files in the bucket, whichever server stored them ----------------------------------


def test_a_file_uploaded_through_one_server_is_downloaded_with_a_range_through_the_other(
    cluster,
):
    content = b"%PDF-1.4\n" + os.urandom(300_000)  # every range distinguishable
    auth = cluster.customer()
    first, second = cluster.servers
    with cluster.direct(first) as through_first, cluster.direct(second) as through_second:
        upload = through_first.post(
            "/api/uploads/files",
            files={"file": ("report.pdf", content, "application/pdf")},
            headers=auth,
        )
        assert upload.status_code == 201, upload.text
        download = through_second.get(upload.json()["url"], headers=auth)
    # The second server checks access and sends the client to the bucket (presigned).
    assert download.status_code == 302, download.text
    location = download.headers["location"]
    assert location.startswith(f"{S3_URL}/{cluster.bucket.name}/media/")
    ranged = httpx.get(location, headers={"Range": "bytes=1000-1999"})

    assert ranged.status_code == 206
    assert ranged.headers["content-range"] == f"bytes 1000-1999/{len(content)}"
    assert ranged.content == content[1000:2000]
    key = location.split("?")[0].removeprefix(f"{S3_URL}/{cluster.bucket.name}/")
    assert cluster.bucket.read(key) == content
    # Neither server kept it on its own disk.
    for server in cluster.servers:
        media = Path(server.env["MEDIA_ROOT"])
        assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []
