"""Invoice PDFs: first-render and cached-serve latency, and RSS of the web worker and of the
task worker that renders them (issue 6).

Starts gunicorn with one uvicorn worker and the task worker (`manage.py db_worker`, as
deploy/lebrq-worker.service runs it), both on SQLite with INVOICE_DIR in a temp dir, makes
100 bookings with items, then requests invoices:

  a) 50 bookings one after another (each queues a render, which the task worker does while
     the request waits for the file),
  b) the same 50 again (served from the stored file, nothing queued),
  c) 50 other bookings, 10 requests at a time (their renders queue for the one task worker),

reporting latency percentiles and, for each process, its peak RSS over its idle RSS (sampled
every 20 ms), then what each retains after the 100 invoices. Before the task worker, the web
worker rendered in a thread of its own and retained +80.8 MB (docs/BENCHMARKS.md): the task
worker's row is that cost, moved. `make bench-invoices` runs it.

    .venv/bin/python -m tests.bench.bench_invoices [--port 18600] [--count 50]
"""

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

from tests.bench.server import MB, PeakRss, django_env, gunicorn, idle_rss, manage, only_worker
from tests.e2e.stack import TaskWorker

Row = tuple[str, dict[str, float], float, float]

MAKE_BOOKINGS = """
import json
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from accounts.models import User
from bookings.models import Item, Space, Venue
from bookings.services import BookingRequest, ItemRequest, booking_create
from rest_framework_simplejwt.tokens import AccessToken
user = User.objects.create_user(username="bench", email="bench@example.com", password="x",
                                first_name="Bench", last_name="Customer", mobile="+919800000000")
venue = Venue.objects.create(name="Bench venue")
space = Space.objects.create(venue=venue, name="Grant Hall", capacity=150,
                             price_per_hour=Decimal("2500.00"))
items = [Item.objects.create(name=f"Add-on {{n}}", category="food", price=Decimal("250.50") * n)
         for n in range(1, 6)]
start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
ids = []
for n in range({count}):
    booking, _ = booking_create(user=user, request=BookingRequest(
        space_id=space.pk, start=start + timedelta(hours=5 * n),
        end=start + timedelta(hours=5 * n + 3),
        items=tuple(ItemRequest(item.pk, quantity=n % 4 + 1) for item in items),
    ))
    ids.append(booking.pk)
print(json.dumps({{"ids": ids, "token": str(AccessToken.for_user(user))}}))
"""


def fetch(url: str, token: str) -> float:
    """Seconds to receive the whole PDF."""
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
        assert response.status == 200, response.status
        assert response.headers["Content-Type"] == "application/pdf"
        head = response.read(5)
        assert head == b"%PDF-", head
        while response.read(64 * 1024):
            pass
    return time.perf_counter() - started


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "p50": statistics.median(ms),
        "p95": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
        "max": ms[-1],
    }


def run(port: int, count: int, workdir: Path) -> tuple[list[Row], dict[str, float]]:
    env = {
        **django_env(),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "INVOICE_DIR": str(workdir / "invoices"),
    }
    manage("migrate", "--no-input", env=env)
    made = json.loads(
        manage("shell", "-v", "0", "-c", MAKE_BOOKINGS.format(count=2 * count), env=env)
    )
    token, ids = made["token"], made["ids"]
    base = f"http://127.0.0.1:{port}/api/bookings"
    rows: list[Row] = []
    task_worker = TaskWorker(env, workdir / "db_worker.log")
    task_worker.start()
    try:
        with gunicorn(port, env, workers=1, log=workdir / "gunicorn.log") as master:
            web = only_worker(master)
            assert task_worker.process is not None
            renderer = psutil.Process(task_worker.process.pid)
            # Warm up the request path (imports, thread pools), not WeasyPrint: the task
            # worker's first render, which imports it, is part of what is reported.
            request = urllib.request.Request(  # noqa: S310 - loopback
                f"{base}?page_size=1", headers={"Authorization": f"Bearer {token}"}
            )
            urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
            idle = {"web": idle_rss(web), "task": idle_rss(renderer)}
            print(
                f"idle RSS: web worker {web.pid} {idle['web'] / MB:.1f} MB, "
                f"task worker {renderer.pid} {idle['task'] / MB:.1f} MB"
            )

            def scenario(name: str, action: Callable[[], list[float]]) -> None:
                with PeakRss(web) as web_rss, PeakRss(renderer) as task_rss:
                    seconds = action()
                rows.append(
                    (
                        name,
                        percentiles(seconds),
                        (web_rss.peak - idle["web"]) / MB,
                        (task_rss.peak - idle["task"]) / MB,
                    )
                )
                _, stats, web_delta, task_delta = rows[-1]
                print(name, stats, f"peak RSS web {web_delta:+.1f} MB, task {task_delta:+.1f} MB")

            first, others = ids[:count], ids[count:]
            scenario(
                f"first render through the queue, {count} invoices one at a time",
                lambda: [fetch(f"{base}/{pk}/invoice", token) for pk in first],
            )
            scenario(
                f"stored file, same {count} invoices",
                lambda: [fetch(f"{base}/{pk}/invoice", token) for pk in first],
            )
            with ThreadPoolExecutor(max_workers=10) as clients:
                scenario(
                    f"first render through the queue, {count} other invoices, 10 at a time",
                    lambda: list(
                        clients.map(lambda pk: fetch(f"{base}/{pk}/invoice", token), others)
                    ),
                )
            rows.append(
                (
                    f"RSS after all {2 * count} invoices (retained)",
                    {},
                    (idle_rss(web) - idle["web"]) / MB,
                    (idle_rss(renderer) - idle["task"]) / MB,
                )
            )
    finally:
        task_worker.stop()
    return rows, {name: rss / MB for name, rss in idle.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lebrq-bench-invoices-"))
    try:
        rows, idle = run(args.port, args.count, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    # RSS columns: over each process's idle RSS.
    print(f"Idle RSS: web worker {idle['web']:.1f} MB, task worker {idle['task']:.1f} MB")
    print()
    print("| scenario | p50 ms | p95 ms | max ms | web worker RSS | task worker RSS |")
    print("|---|---|---|---|---|---|")
    for name, stats, web_delta, task_delta in rows:
        cells = [f"{stats[k]:.0f}" if stats else "-" for k in ("p50", "p95", "max")]
        print(f"| {name} | {' | '.join(cells)} | {web_delta:+.1f} MB | {task_delta:+.1f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
