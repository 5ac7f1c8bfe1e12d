"""Invoice PDFs: first-render and cached-serve latency, and the worker's RSS (issue 6).

Starts gunicorn with one uvicorn worker (SQLite and INVOICE_DIR in a temp dir), makes 100
bookings with items, then requests invoices:

  a) 50 bookings one after another (each renders once),
  b) the same 50 again (served from the cached file),
  c) 50 other bookings, 10 requests at a time (renders queue for the worker's render pool),

reporting latency percentiles and the worker's peak RSS over its idle RSS (sampled every
20 ms). `make bench-invoices` runs it.

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.bench.server import MB, PeakRss, django_env, gunicorn, idle_rss, manage, only_worker

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


def run(port: int, count: int, workdir: Path) -> list[tuple[str, dict[str, float], float]]:
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
    rows = []
    with gunicorn(port, env, workers=1, log=workdir / "gunicorn.log") as master:
        worker = only_worker(master)
        # Warm up the request path (imports, thread pools), not WeasyPrint: its first render
        # is part of what the benchmark reports.
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{base}?page_size=1", headers={"Authorization": f"Bearer {token}"}
        )
        urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
        idle = idle_rss(worker)
        print(f"worker {worker.pid}: idle RSS {idle / MB:.1f} MB")

        def scenario(name: str, action) -> None:
            with PeakRss(worker) as rss:
                seconds = action()
            rows.append((name, percentiles(seconds), (rss.peak - idle) / MB))
            print(name, rows[-1][1], f"peak RSS +{rows[-1][2]:.1f} MB", flush=True)

        first, others = ids[:count], ids[count:]
        scenario(
            f"first render, {count} invoices one at a time",
            lambda: [fetch(f"{base}/{pk}/invoice", token) for pk in first],
        )
        scenario(
            f"cached serve, same {count} invoices",
            lambda: [fetch(f"{base}/{pk}/invoice", token) for pk in first],
        )
        with ThreadPoolExecutor(max_workers=10) as clients:
            scenario(
                f"first render, {count} other invoices, 10 at a time",
                lambda: list(clients.map(lambda pk: fetch(f"{base}/{pk}/invoice", token), others)),
            )
        after = idle_rss(worker)
        rows.append(("worker RSS after all renders (retained)", {}, (after - idle) / MB))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=18600)
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="lebrq-bench-invoices-"))
    try:
        rows = run(args.port, args.count, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print("| scenario | p50 ms | p95 ms | max ms | worker RSS over idle |")
    print("|---|---|---|---|---|")
    for name, stats, delta in rows:
        cells = [f"{stats[k]:.0f}" if stats else "-" for k in ("p50", "p95", "max")]
        print(f"| {name} | {' | '.join(cells)} | {delta:+.1f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
