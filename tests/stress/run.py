"""`make stress`: load, faults and bad input against the real server under a 512 MB memory cap.

1. MariaDB database lebrq_stress_bench (dropped and recreated), demo data plus 20 spaces and
   200 customers; gunicorn with 2 uvicorn workers inside a memory cgroup of 512 MB, behind
   nginx with TLS as in production (the clients talk to nginx). The task worker that renders
   invoice PDFs (`manage.py db_worker`) runs beside it, outside the cap, as
   lebrq-worker.service is a unit of its own; its peak RSS and restarts are reported.
2. The upload attack corpus (tests/stress/corpus.py): each answer must be a 4xx, and no file
   or row may be left.
3. schemathesis against /api/schema/ as staff: at least 1,000 generated cases, no 5xx.
4. locust, 200 users for 5 minutes (tests/stress/locustfile.py); then the database is
   checked: every booking that got a 201 exists exactly once, no slot is double-booked.
5. A shorter run while MariaDB is stopped and started again: how long API calls answered 503,
   that nothing else failed, and that the service recovered by itself.
6. The abuse phase (tests/stress/abuse.py): a login flood, a registration flood, a squatting
   customer and a flood of the largest pictures allowed, all at once; the public GET's p95
   must stay within 2x of its unloaded value, with no undesigned 5xx. `--only-abuse` runs
   this phase alone (a few minutes instead of ~15).

Prints a report and writes tests/output/stress/report.json; exits 1 when a target is missed
(OOM kills, undesigned 5xx, lost or double bookings, schemathesis server errors, a corpus
upload accepted or leaving files, no recovery).

    .venv/bin/python -m tests.stress.run [--seconds 300] [--users 200] [--restart-seconds 60]
        [--abuse-seconds 60] [--only-abuse]
"""

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import MySQLdb
import psutil

from tests.e2e.stack import (
    BIN,
    ROOT,
    Gunicorn,
    Nginx,
    TaskWorker,
    app_environment,
    prepare_database,
    self_signed_certificate,
    tls_context,
)
from tests.samples import multipart
from tests.stress.abuse import run_abuse_phase
from tests.stress.cgroup import memory_cgroup
from tests.stress.corpus import attack_corpus

PORT, NGINX_HTTP_PORT, NGINX_HTTPS_PORT = 19500, 19580, 19543
MiB = 2**20
OUTPUT = ROOT / "tests" / "output" / "stress"
DEFAULT_DATABASE_URL = "mysql://root@127.0.0.1:3306/lebrq_stress_bench"

PREPARE_FIXTURES = """
import json, os
from decimal import Decimal
from django.conf import settings
from django.core.files.base import File
from rest_framework_simplejwt.tokens import AccessToken
from accounts.models import User
from bookings.models import Item, Space, Venue
from uploads.models import Upload
venue = Venue.objects.get(name="LeBRQ")
for n in range(Space.objects.count() + 1, 21):
    Space.objects.create(venue=venue, name=f"Stress hall {{n}}", capacity=200,
                         price_per_hour=Decimal("1500.00"), advance_payment_percentage=25)
customers = []
for n in range(1, {users} + 1):
    user, _ = User.objects.get_or_create(username=f"stress{{n:03d}}",
                                         defaults={{"email": f"stress{{n:03d}}@example.com"}})
    customers.append(str(AccessToken.for_user(user)))
staff = User.objects.get(username="staff")
big = open("{big_file}", "rb")
upload = Upload(owner=staff, kind="file", original_name="brochure.pdf",
                content_type="application/pdf", size=os.path.getsize("{big_file}"),
                sha256="0" * 64, is_public=True)
upload.file.save("big.pdf", File(big), save=True)
print(json.dumps({{
    "customer_tokens": customers,
    "staff_token": str(AccessToken.for_user(staff)),
    "space_ids": list(Space.objects.filter(active=True).values_list("pk", flat=True)),
    "item_ids": list(Item.objects.filter(available=True, space__isnull=True)
                     .values_list("pk", flat=True)),
    "big_upload_id": upload.pk,
    "big_upload_size": upload.size,
    "time_zone": settings.TIME_ZONE,
}}))
"""


def database(url: str):
    parts = urlsplit(url)
    return MySQLdb.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 3306,
        user=parts.username or "root",
        password=parts.password or "",
        database=parts.path.lstrip("/"),
    )


def scalar(url: str, sql: str, params: tuple[object, ...] = ()) -> int:
    connection = database(url)
    try:
        cursor = connection.cursor()
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
    finally:
        connection.close()


def files_under(directory: Path) -> set[str]:
    return {str(p) for p in directory.rglob("*") if p.is_file()} if directory.exists() else set()


def run_corpus(
    base: str, token: str, env: dict[str, str], database_url: str, tls: Any
) -> dict[str, Any]:
    media, spool = Path(env["MEDIA_ROOT"]), Path(env["FILE_UPLOAD_TEMP_DIR"])
    before_files = files_under(media)
    before_rows = scalar(database_url, "SELECT COUNT(*) FROM uploads")
    cases = []
    for case in attack_corpus():
        body, content_type = multipart(case.files)
        response = httpx.post(
            base + case.endpoint,
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
            timeout=60,
            verify=tls,
        )
        cases.append(
            {
                "case": case.name,
                "status": response.status_code,
                "expected": case.expected,
                "detail": response.json().get("detail", "") if response.content else "",
                "ok": response.status_code == case.expected,
            }
        )
    left_files = sorted(files_under(media) - before_files) + sorted(files_under(spool))
    left_rows = scalar(database_url, "SELECT COUNT(*) FROM uploads") - before_rows
    return {
        "cases": cases,
        "files_left": left_files,
        "rows_left": left_rows,
        "ok": all(c["ok"] for c in cases) and not left_files and left_rows == 0,
    }


def run_schemathesis(base: str, token: str, examples: int, certificate: Path) -> dict[str, Any]:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    command = [
        str(BIN / "schemathesis"), "run", f"{base}/api/schema/",
        "--header", f"Authorization: Bearer {token}",
        "--checks", "not_a_server_error",
        "--max-examples", str(examples),
        "--workers", "2",
        "--request-timeout", "60",
        "--tls-verify", str(certificate),
        "--no-color",
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=OUTPUT)
    (OUTPUT / "schemathesis.txt").write_text(result.stdout + result.stderr)
    generated = re.search(r"(\d+) generated", result.stdout)
    # Each failure names its status ("[500] Internal Server Error:"). A 503 is a designed,
    # retryable answer (an invoice still rendering, a worker shedding load), not a crash.
    statuses = [int(status) for status in re.findall(r"^\[(5\d\d)\] ", result.stdout, re.M)]
    return {
        "generated_cases": int(generated[1]) if generated else 0,
        "server_errors": sum(1 for status in statuses if status != 503),
        "designed_503": statuses.count(503),
        "exit_code": result.returncode,
        "output": str(OUTPUT / "schemathesis.txt"),
    }


class PeakMemory:
    """Samples the cgroup's memory every 0.25 s while the block runs."""

    def __init__(self, cgroup) -> None:
        self.cgroup = cgroup
        self.peaks: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            for key, value in (self.cgroup.usage() or {}).items():
                self.peaks[key] = max(self.peaks[key], value)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def report(self) -> dict[str, int]:
        return {f"peak_{key}_mb": round(value / MiB) for key, value in self.peaks.items()}


class TaskWorkerPeakRss:
    """Samples the task worker's RSS every 0.25 s while the block runs (whichever process it
    is: the stack starts it again if it exits)."""

    def __init__(self, worker: TaskWorker) -> None:
        self.worker = worker
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            process = self.worker.process
            if process is None:
                continue
            with contextlib.suppress(psutil.NoSuchProcess):  # exited between two looks
                self.peak = max(self.peak, psutil.Process(process.pid).memory_info().rss)

    def __enter__(self) -> "TaskWorkerPeakRss":
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()


def run_locust(
    base: str, workdir: Path, fixtures: Path, users: int, seconds: int
) -> dict[str, Any]:
    results, csv = workdir / "locust-results.json", workdir / "locust"
    command = [
        str(BIN / "locust"), "-f", str(ROOT / "tests" / "stress" / "locustfile.py"),
        "--headless", "--users", str(users), "--spawn-rate", "20",
        "--run-time", f"{seconds}s", "--host", base, "--csv", str(csv),
        "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING",
    ]  # fmt: skip
    env = {**os.environ, "STRESS_FIXTURES": str(fixtures), "STRESS_RESULTS": str(results)}
    completed = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    (OUTPUT / "locust.txt").write_text(completed.stdout + completed.stderr)
    for suffix in ("_stats.csv", "_failures.csv"):
        shutil.copy(f"{csv}{suffix}", OUTPUT / f"locust{suffix}")
    tallies = json.loads(results.read_text())
    rows = (OUTPUT / "locust_stats.csv").read_text().splitlines()
    header = rows[0].split(",")
    aggregated = dict(zip(header, rows[-1].split(","), strict=True))
    undesigned = {
        status: n
        for status, n in tallies["statuses"].items()
        if status not in ("2xx", "4xx", "shed 503 with Retry-After")
    }
    return {
        "requests": int(aggregated["Request Count"]),
        "requests_per_second": float(aggregated["Requests/s"]),
        "p50_ms": float(aggregated["50%"]),
        "p95_ms": float(aggregated["95%"]),
        "p99_ms": float(aggregated["99%"]),
        "statuses": tallies["statuses"],
        "undesigned": undesigned,
        "created": tallies["created"],
    }


def check_bookings(database_url: str, created: list[dict[str, Any]]) -> dict[str, Any]:
    references = [booking["reference"] for booking in created]
    stored: Counter[str] = Counter()
    connection = database(database_url)
    try:
        cursor = connection.cursor()
        for start in range(0, len(references), 500):
            chunk = references[start : start + 500]
            placeholders = ",".join(["%s"] * len(chunk))  # values are passed as parameters
            query = f"SELECT booking_reference FROM bookings WHERE booking_reference IN ({placeholders})"  # noqa: E501
            cursor.execute(query, chunk)
            stored.update(row[0] for row in cursor.fetchall())
        cursor.execute(
            "SELECT COUNT(*) FROM bookings a JOIN bookings b ON a.space_id = b.space_id"
            " AND a.id < b.id AND a.start_datetime < b.end_datetime"
            " AND b.start_datetime < a.end_datetime"
            " WHERE a.status IN ('pending', 'approved', 'completed')"
            " AND b.status IN ('pending', 'approved', 'completed')"
        )
        double_booked = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM bookings")
        total = cursor.fetchone()[0]
    finally:
        connection.close()
    missing = [r for r in references if stored[r] == 0]
    duplicated = [r for r, n in stored.items() if n > 1]
    return {
        "bookings_answered_201": len(references),
        "distinct_201_references": len(set(references)),
        "missing": missing,
        "duplicated": duplicated,
        "overlapping_pairs": double_booked,
        "bookings_in_database": total,
        "ok": not missing
        and not duplicated
        and len(set(references)) == len(references)
        and double_booked == 0,
    }


def mariadb(action: str) -> None:
    if action == "stop":
        subprocess.run(
            ["mariadb-admin", "--protocol=tcp", "-h127.0.0.1", "-uroot", "shutdown"], check=True
        )
        return
    subprocess.run(
        [
            "start-stop-daemon",
            "--start",
            "--oknodo",
            "--background",
            "--exec",
            "/usr/sbin/mariadbd",
        ],
        check=True,
    )
    for _ in range(120):
        ping = ["mariadb-admin", "--protocol=tcp", "-h127.0.0.1", "-uroot", "ping"]
        if subprocess.run(ping, capture_output=True, check=False).returncode == 0:
            return
        time.sleep(0.5)
    raise RuntimeError("MariaDB did not come back")


def run_database_restart(
    base: str, token: str, seconds: int, tls: Any, down_for: int = 10
) -> dict[str, Any]:
    samples: list[tuple[float, str, int, bool]] = []
    stop = threading.Event()
    started = time.monotonic()

    def probe(path: str, headers: dict[str, str]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=30, verify=tls) as client:
            while not stop.is_set():
                try:
                    response = client.get(path)
                    status, retry = response.status_code, "Retry-After" in response.headers
                except httpx.TransportError:
                    status, retry = 0, False
                samples.append((time.monotonic() - started, path, status, retry))
                time.sleep(0.05)

    auth = {"Authorization": f"Bearer {token}"}
    threads = [threading.Thread(target=probe, args=("/api/bookings", auth)) for _ in range(6)]
    threads.append(threading.Thread(target=probe, args=("/api/health", {})))
    for thread in threads:
        thread.start()
    time.sleep(seconds / 4)
    stopped_at = time.monotonic() - started
    mariadb("stop")
    time.sleep(down_for)
    mariadb("start")
    back_at = time.monotonic() - started
    time.sleep(max(seconds - back_at, 10))
    stop.set()
    for thread in threads:
        thread.join()

    api = [s for s in samples if s[1] == "/api/bookings"]
    health = [s for s in samples if s[1] == "/api/health"]
    unavailable = [t for t, _, status, retry in api if status == 503 and retry]
    undesigned = Counter(
        status for _, _, status, retry in api if status != 200 and not (status == 503 and retry)
    )
    recovered = next((t for t, _, status, _ in api if t > back_at and status == 200), None)
    last_503 = max(unavailable, default=0.0)
    return {
        "database_stopped_at_s": round(stopped_at, 1),
        "database_back_at_s": round(back_at, 1),
        "api_requests": len(api),
        "api_503_with_retry_after": len(unavailable),
        "api_503_window_s": round(last_503 - min(unavailable), 1) if unavailable else 0,
        "first_200_after_restart_s": round(recovered - back_at, 2) if recovered else None,
        "api_200_after_last_503": all(
            status == 200 for t, _, status, _ in api if last_503 and t > last_503
        ),
        "undesigned": dict(undesigned),
        "health_statuses": dict(Counter(status for _, _, status, _ in health)),
        "ok": recovered is not None
        and not undesigned
        and all(status == 200 for _, _, status, _ in health),
    }


# settings.THROTTLE_RATES's keys that the mixed load would trip (the upload corpus too).
MIXED_LOAD_UNTHROTTLED = ("upload", "booking_create")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=300, help="length of the locust run")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--restart-seconds", type=int, default=60)
    parser.add_argument("--examples", type=int, default=40, help="schemathesis per operation")
    parser.add_argument("--memory-mb", type=int, default=512)
    parser.add_argument("--abuse-seconds", type=int, default=60, help="the abuse phase's floods")
    parser.add_argument(
        "--only-abuse", action="store_true", help="skip the corpus, schemathesis, locust, restart"
    )
    parser.add_argument(
        "--abuse-floods",
        default="login,register,squat,images",
        help="which floods the abuse phase runs (comma-separated)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("STRESS_DATABASE_URL", DEFAULT_DATABASE_URL)
    workdir = Path(tempfile.mkdtemp(prefix="lebrq-stress-"))
    env = app_environment(
        workdir,
        database_url,
        FILE_SERVE_MODE="stream",
        FILE_UPLOAD_TEMP_DIR=str(workdir / "upload-tmp"),
        GUNICORN_ACCESS_LOG="",
        LOG_LEVEL="WARNING",
        # Two workers and a master in 512 MB: recycle a worker before it crowds the others.
        WORKER_MAX_RSS_MB=str((args.memory_mb - 60) // 2 - 25),
        # The mixed load stands for many customers, yet all of them come from 127.0.0.1 and
        # book and upload faster than people: those per-user limits stay off (the abuse
        # phase leans on the pending cap and the decode budget instead).
        **{f"THROTTLE_{scope.upper()}": "" for scope in MIXED_LOAD_UNTHROTTLED},
        # Half a worker's RSS limit for decoding pictures (the largest allowed follows).
        IMAGE_DECODE_BUDGET_MB=str(((args.memory_mb - 60) // 2 - 25) // 2),
    )
    (workdir / "upload-tmp").mkdir()
    big_file = workdir / "big.pdf"
    with big_file.open("wb") as out:
        out.write(b"%PDF-1.4\n")
        for _ in range(64):
            out.write(os.urandom(MiB))
    print(f"Preparing {database_url} and {args.users} customers in {workdir}", flush=True)
    prepare_database(env)
    fixtures = workdir / "fixtures.json"
    script = PREPARE_FIXTURES.format(users=args.users, big_file=big_file)
    made = subprocess.run(
        [BIN / "python", "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    data = json.loads(made)
    big_file.unlink()
    certificate, key = self_signed_certificate(workdir)
    data["certificate"] = str(certificate)
    fixtures.write_text(json.dumps(data))
    tls = tls_context(certificate)

    cgroup = memory_cgroup(f"lebrq-stress-{os.getpid()}", args.memory_mb * MiB)
    print(f"Server memory limit: {args.memory_mb} MB via {cgroup.kind}", flush=True)
    gunicorn = Gunicorn(env, PORT, workdir / "gunicorn.log", command_prefix=cgroup.wrapper)
    nginx = Nginx(workdir, env, certificate, key, PORT, NGINX_HTTP_PORT, NGINX_HTTPS_PORT)
    base = f"https://localhost:{NGINX_HTTPS_PORT}"
    report: dict[str, Any] = {"memory_limit": f"{args.memory_mb} MB via {cgroup.kind}"}
    gunicorn.start()
    try:
        nginx.start()
        if not args.only_abuse:
            print("Upload attack corpus...", flush=True)
            report["upload_corpus"] = run_corpus(
                base, data["customer_tokens"][0], env, database_url, tls
            )
            print("schemathesis...", flush=True)
            report["schemathesis"] = run_schemathesis(
                base, data["staff_token"], args.examples, certificate
            )
            print(f"locust: {args.users} users for {args.seconds} s...", flush=True)
            assert gunicorn.worker is not None
            with PeakMemory(cgroup) as memory, TaskWorkerPeakRss(gunicorn.worker) as worker_rss:
                load = run_locust(base, workdir, fixtures, args.users, args.seconds)
            created = load.pop("created")
            report["load"] = {
                **load,
                "server_memory": memory.report(),
                "task_worker_peak_rss_mb": round(worker_rss.peak / MiB),
            }
            report["bookings"] = check_bookings(database_url, created)
            print(f"MariaDB restart during a {args.restart_seconds} s run...", flush=True)
            report["database_restart"] = run_database_restart(
                base, data["customer_tokens"][1], args.restart_seconds, tls
            )
        print(f"Abuse phase: floods for {args.abuse_seconds} s...", flush=True)
        # MAX_IMAGE_PIXELS as the settings derive it from the budget.
        max_pixels = min(40_000_000, int(env["IMAGE_DECODE_BUDGET_MB"]) * MiB // 6)
        floods = tuple(args.abuse_floods.split(","))
        report["abuse"] = run_abuse_phase(base, tls, data, args.abuse_seconds, max_pixels, floods)
    finally:
        nginx.stop()
        # Restarted like systemd would: it exits while MariaDB is down.
        report["task_worker_restarts"] = (
            gunicorn.worker.restarts if gunicorn.worker is not None else None
        )
        gunicorn.stop()
        log = (workdir / "gunicorn.log").read_text()
        report["oom_kills"] = cgroup.oom_kills()
        peak = cgroup.peak_bytes()
        report["cgroup_peak_mb"] = round(peak / MiB) if peak else None
        report["workers_killed_by_signal"] = len(re.findall(r"was sent SIGKILL", log))
        report["workers_recycled_for_rss"] = log.count("above WORKER_MAX_RSS_MB")
        report["tracebacks_in_server_log"] = log.count("Traceback")
        cgroup.remove()
        OUTPUT.mkdir(parents=True, exist_ok=True)
        shutil.copy(workdir / "gunicorn.log", OUTPUT / "gunicorn.log")
        if (workdir / "db_worker.log").exists():
            shutil.copy(workdir / "db_worker.log", OUTPUT / "db_worker.log")
        (OUTPUT / "report.json").write_text(json.dumps(report, indent=2))
        shutil.rmtree(workdir, ignore_errors=True)

    print(json.dumps(report, indent=2))
    checks = [
        ("OOM kills", report["oom_kills"] in (0, None)),
        ("abuse phase", report["abuse"]["ok"]),
    ]
    if not args.only_abuse:
        checks += [
            ("undesigned 5xx under load", not report["load"]["undesigned"]),
            ("bookings", report["bookings"]["ok"]),
            ("schemathesis server errors", report["schemathesis"]["server_errors"] == 0),
            ("schemathesis cases >= 1000", report["schemathesis"]["generated_cases"] >= 1000),
            ("upload corpus", report["upload_corpus"]["ok"]),
            ("database restart", report["database_restart"]["ok"]),
        ]
    failures = [name for name, ok in checks if not ok]
    print("\nFAILED: " + ", ".join(failures) if failures else "\nAll stress targets met.")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
