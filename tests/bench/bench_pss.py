"""Memory benchmark: PSS of the gunicorn master + 2 uvicorn workers, idle and under load.

    make bench-pss            # or: .venv/bin/python -m tests.bench.bench_pss

PSS (proportional set size) splits each shared page between the processes sharing it, so
the sum over master and workers is what the service really costs; RSS counts shared pages
once per process. Three ways of starting gunicorn are compared:

- no preload: every worker imports Django itself;
- preload only: the master imports it and forks (copy-on-write);
- preload + gc.freeze(): as deployed (deploy/gunicorn.conf.py freezes in pre_fork).

Each is warmed up (logins, lists, health on both workers), left idle, measured; then 100
concurrent mixed requests (bookings list, venue list, file downloads, file uploads) are
sent three times while PSS is sampled every 0.2 s. The load needs the bookings and uploads
APIs; without them the script still prints the idle figures, then names what is missing
and exits with status 2.
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import NotRequired, TypedDict

import httpx
import psutil

from tests.e2e.stack import (
    CUSTOMER,
    ROOT,
    Gunicorn,
    app_environment,
    prepare_database,
)

PORT = 19201
BASE = f"http://127.0.0.1:{PORT}"
# Not lebrq_bench: other benchmarks fill that one with a million bookings.
DATABASE_URL = os.environ.get(
    "PSS_BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/lebrq_pss_bench"
)
CONCURRENCY = 100
ROUNDS = 3
# Seconds after the load for the last reading: long enough for a timer-driven release
# (jemalloc's default decay is 10 s).
SETTLED_AFTER = 12
MiB = 2**20

# The deployed config without its pre_fork hook: preload, but no gc.freeze().
NO_FREEZE_CONFIG = f"""
exec(open({str(ROOT / "deploy" / "gunicorn.conf.py")!r}).read())


def pre_fork(server, worker):
    pass
"""


@dataclass
class Variant:
    name: str
    preload: bool = True
    freeze: bool = True
    # Set in gunicorn's environment, over the benchmark's own (app_environment).
    env: dict[str, str] = field(default_factory=dict)
    # "start-up" (how gunicorn loads the app) or "memory" (what gives memory back).
    group: str = "memory"


class Measurement(TypedDict):
    """One variant's figures, in bytes; only the idle ones when the load cannot run."""

    variant: str
    idle: int
    idle_each: list[int]
    missing: NotRequired[list[str]]
    warm_idle: NotRequired[int]
    load_peak: NotRequired[int]
    after_load: NotRequired[int]
    settled: NotRequired[int]
    load_seconds: NotRequired[float]
    bookings_p50_ms: NotRequired[float]
    upload_p50_ms: NotRequired[float]
    statuses: NotRequired[dict[int, int]]


JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
# The deployed configuration without any of ops/heap.py's settings: glibc as it comes.
GLIBC_DEFAULTS = {
    "HEAP_ARENA_MAX": "0",
    "HEAP_MMAP_THRESHOLD_KB": "0",
    "HEAP_TRIM_THRESHOLD_KB": "0",
    "HEAP_TRIM_IDLE_MS": "0",
}
DEPLOYED = "preload + gc.freeze (deployed)"

VARIANTS = [
    Variant("no preload", preload=False, freeze=False, group="start-up"),
    Variant("preload only", preload=True, freeze=False, group="start-up"),
    Variant(DEPLOYED, group="start-up"),
    # The deployed configuration with each mechanism alone, then together. glibc reads its
    # MALLOC_* variables once, when the process starts, Pillow its PILLOW_* ones when it is
    # imported; the HEAP_* settings are ours (ops/heap.py).
    Variant("glibc's defaults", env=GLIBC_DEFAULTS),
    Variant("MALLOC_ARENA_MAX=2", env={**GLIBC_DEFAULTS, "MALLOC_ARENA_MAX": "2"}),
    Variant(
        "MALLOC_MMAP_THRESHOLD_=128 KiB",
        env={**GLIBC_DEFAULTS, "MALLOC_MMAP_THRESHOLD_": "131072"},
    ),
    Variant(
        "MALLOC_TRIM_THRESHOLD_=128 KiB",
        env={**GLIBC_DEFAULTS, "MALLOC_TRIM_THRESHOLD_": "131072"},
    ),
    Variant(
        "HEAP_MMAP_THRESHOLD_KB=128 (mallopt)",
        env={**GLIBC_DEFAULTS, "HEAP_MMAP_THRESHOLD_KB": "128"},
    ),
    Variant(
        "HEAP_MMAP_THRESHOLD_KB=1024 (mallopt)",
        env={**GLIBC_DEFAULTS, "HEAP_MMAP_THRESHOLD_KB": "1024"},
    ),
    Variant(
        "HEAP_TRIM_IDLE_MS=250 (malloc_trim)", env={**GLIBC_DEFAULTS, "HEAP_TRIM_IDLE_MS": "250"}
    ),
    Variant(
        "arena max 2 + mmap threshold 128 KiB + idle trim",
        env={"HEAP_ARENA_MAX": "2", "HEAP_MMAP_THRESHOLD_KB": "128", "HEAP_TRIM_IDLE_MS": "250"},
    ),
    Variant(
        "MALLOC_ARENA_MAX=2 + MALLOC_MMAP_THRESHOLD_=128 KiB + idle trim",
        env={
            "MALLOC_ARENA_MAX": "2",
            "MALLOC_MMAP_THRESHOLD_": "131072",
            "HEAP_TRIM_IDLE_MS": "250",
        },
    ),
    Variant("Pillow block size 1 MiB", env={**GLIBC_DEFAULTS, "PILLOW_BLOCK_SIZE": "1m"}),
    Variant("Pillow keeps 8 blocks", env={**GLIBC_DEFAULTS, "PILLOW_BLOCKS_MAX": "8"}),
    Variant("jemalloc (LD_PRELOAD)", env={**GLIBC_DEFAULTS, "LD_PRELOAD": JEMALLOC}),
    Variant(
        "jemalloc, decay 1 s, background thread",
        env={
            **GLIBC_DEFAULTS,
            "LD_PRELOAD": JEMALLOC,
            "MALLOC_CONF": "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0",
        },
    ),
]


def pss_bytes(process: psutil.Process) -> int:
    """Pss from /proc/<pid>/smaps_rollup (one summary line; smaps walks every mapping)."""
    for line in Path(f"/proc/{process.pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no Pss line for pid {process.pid}")


def total_pss(processes: list[psutil.Process]) -> tuple[int, list[int]]:
    each = [pss_bytes(p) for p in processes]
    return sum(each), each


class Sampler(threading.Thread):
    """Samples the total PSS of gunicorn's processes until stopped; keeps the peak."""

    def __init__(self, gunicorn: Gunicorn) -> None:
        super().__init__(daemon=True)
        self.gunicorn = gunicorn
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            with suppress(psutil.NoSuchProcess, FileNotFoundError):  # a worker recycling
                self.peak = max(self.peak, total_pss(self.gunicorn.processes())[0])
            time.sleep(0.2)


def login(client: httpx.Client) -> dict[str, str]:
    username, password = CUSTOMER
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def image(size: int) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.effect_noise((size, size), 64).convert("RGB").save(out, format="PNG")
    return out.getvalue()


def missing_endpoints(client: httpx.Client, auth: dict[str, str]) -> list[str]:
    missing = []
    probes = [
        ("GET /api/bookings (bookings API, main)", "GET", "/api/bookings"),
        ("GET /api/venues (bookings API, main)", "GET", "/api/venues"),
        ("POST /api/uploads/files (uploads, issue 4)", "POST", "/api/uploads/files"),
    ]
    for name, method, path in probes:
        response = client.request(method, path, headers=auth)
        if response.status_code == 404 and response.json().get("code") == "not_found":
            missing.append(name)
    return missing


def warm_up(auth: dict[str, str], with_api: bool) -> None:
    """Exercise every code path on both workers: new connections spread the requests."""
    pids: set[int] = set()
    for _ in range(40):
        with httpx.Client(base_url=BASE, timeout=30) as client:
            pids.add(client.get("/api/health/memory").json()["pid"])
            client.get("/api/auth/me", headers=auth).raise_for_status()
            if with_api:
                client.get("/api/venues").raise_for_status()
                client.get("/api/bookings", params={"page_size": 50}, headers=auth)
    if len(pids) < 2:
        raise RuntimeError(f"warm-up reached only workers {pids}")


def warm_up_files(auth: dict[str, str], download_url: str, upload: bytes) -> None:
    """An upload and a download at a time, on new connections, until both workers did both."""
    pids: set[int] = set()
    for _ in range(40):
        with httpx.Client(base_url=BASE, timeout=60) as client:
            pid = client.get("/api/health/memory").json()["pid"]
            client.get(download_url, headers=auth).raise_for_status()
            client.post(
                "/api/uploads/files",
                files={"file": ("warm.png", upload, "image/png")},
                headers=auth,
            ).raise_for_status()
            pids.add(pid)
        if len(pids) == 2:
            return
    raise RuntimeError(f"file warm-up reached only workers {pids}")


def one_client_latency(auth: dict[str, str], upload: bytes) -> tuple[float, float]:
    """Median ms of the bookings list (page of 50) and of a 3 MB PNG upload, one at a time."""
    with httpx.Client(base_url=BASE, timeout=60) as client:

        def timed(send: Callable[[], httpx.Response], times: int) -> float:
            took = []
            for _ in range(times):
                started = time.perf_counter()
                send().raise_for_status()
                took.append((time.perf_counter() - started) * 1000)
            return statistics.median(took)

        bookings = timed(
            lambda: client.get("/api/bookings", params={"page_size": 50}, headers=auth), 200
        )
        uploads = timed(
            lambda: client.post(
                "/api/uploads/files",
                files={"file": ("latency.png", upload, "image/png")},
                headers=auth,
            ),
            10,
        )
    return bookings, uploads


async def mixed_load(auth: dict[str, str], download_url: str, upload: bytes) -> list[int]:
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=BASE, timeout=120, limits=limits) as client:

        async def one(i: int) -> int:
            kind = i % 4
            if kind == 0:
                response = await client.get(
                    "/api/bookings", params={"page": 1, "page_size": 50}, headers=auth
                )
            elif kind == 1:
                response = await client.get("/api/venues")
            elif kind == 2:
                response = await client.get(download_url, headers=auth)
            else:
                response = await client.post(
                    "/api/uploads/files",
                    files={"file": (f"load{i}.png", upload, "image/png")},
                    headers=auth,
                )
            return response.status_code

        return await asyncio.gather(*(one(i) for i in range(CONCURRENCY)))


def measure(variant: Variant, env: dict[str, str], workdir: Path, index: int) -> Measurement:
    gunicorn = Gunicorn(env, PORT, workdir / f"gunicorn-{index}.log")
    if variant.preload and not variant.freeze:
        gunicorn.config = workdir / "gunicorn-no-freeze.conf.py"
        gunicorn.config.write_text(NO_FREEZE_CONFIG)
    gunicorn.start(GUNICORN_PRELOAD="1" if variant.preload else "0", **variant.env)
    try:
        with httpx.Client(base_url=BASE, timeout=30) as client:
            auth = login(client)
            missing = missing_endpoints(client, auth)
        warm_up(auth, with_api=not missing)
        time.sleep(2)
        samples = []
        for _ in range(3):
            samples.append(total_pss(gunicorn.processes()))
            time.sleep(0.5)
        idle, each = min(samples)
        result: Measurement = {"variant": variant.name, "idle": idle, "idle_each": each}
        if missing:
            result["missing"] = missing
            return result
        with httpx.Client(base_url=BASE, timeout=60) as client:
            upload = image(1024)  # ~3 MB of PNG noise
            stored = client.post(
                "/api/uploads/files",
                files={"file": ("download.png", upload, "image/png")},
                headers=auth,
            )
            stored.raise_for_status()
            download_url = stored.json()["url"]
        # The light warm-up above never uploads nor downloads; the first of those runs code
        # (Pillow, the storage, the streaming response) and un-shares pages from the master
        # once and for all. Idle again after every kind of request, one at a time:
        warm_up_files(auth, download_url, upload)
        time.sleep(2)
        result["warm_idle"] = min(total_pss(gunicorn.processes())[0] for _ in range(3))
        sampler = Sampler(gunicorn)
        sampler.start()
        statuses: list[int] = []
        started = time.perf_counter()
        for _ in range(ROUNDS):
            statuses += asyncio.run(mixed_load(auth, download_url, upload))
        result["load_seconds"] = time.perf_counter() - started
        sampler.stopped.set()
        sampler.join()
        time.sleep(2)
        result["load_peak"] = sampler.peak
        result["after_load"] = total_pss(gunicorn.processes())[0]
        time.sleep(SETTLED_AFTER - 2)
        result["settled"] = total_pss(gunicorn.processes())[0]
        # Last, so it does not change the readings: what the variant costs one client.
        result["bookings_p50_ms"], result["upload_p50_ms"] = one_client_latency(auth, upload)
        result["statuses"] = {s: statuses.count(s) for s in sorted(set(statuses))}
        return result
    finally:
        gunicorn.stop()


def mib(value: int | None) -> str:
    return f"{value / MiB:.1f}" if value is not None else "n/a"


def one_decimal(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "n/a"


def percent_over(value: int | None, base: int | None) -> str:
    return f"{100 * (value - base) / base:+.0f} %" if value is not None and base else "n/a"


def select(names: list[str], groups: list[str]) -> list[Variant]:
    chosen = [
        v
        for v in VARIANTS
        if (not groups or v.group in groups)
        and (not names or any(n.lower() in v.name.lower() for n in names))
    ]
    if not Path(JEMALLOC).exists():
        skipped = [v.name for v in chosen if v.env.get("LD_PRELOAD") == JEMALLOC]
        if skipped:
            print(f"Skipped (no {JEMALLOC}: apt-get install libjemalloc2): {skipped}")
        chosen = [v for v in chosen if v.name not in skipped]
    if not any(v.name == DEPLOYED for v in chosen):
        # Every run measures the deployed configuration beside its variants.
        chosen.insert(0, next(v for v in VARIANTS if v.name == DEPLOYED))
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--only", nargs="*", default=[], help="variants whose name contains one of these"
    )
    parser.add_argument(
        "--group", nargs="*", default=[], choices=["start-up", "memory"], help="default: both"
    )
    args = parser.parse_args()
    variants = select(args.only, args.group)
    with tempfile.TemporaryDirectory(prefix="lebrq-bench-") as tmp:
        workdir = Path(tmp)
        # Stream mode: Django itself sends the file bytes, the path whose memory matters.
        # No upload throttle nor quota: the load is one customer uploading 76 files of 3 MB
        # in seconds, for every variant.
        env = app_environment(
            workdir,
            DATABASE_URL,
            FILE_SERVE_MODE="stream",
            THROTTLE_UPLOAD="",
            UPLOAD_QUOTA_PER_USER_MB=str(2**20),
        )
        prepare_database(env)
        results = [measure(variant, env, workdir, i) for i, variant in enumerate(variants)]

    print(f"\nPSS of gunicorn master + 2 uvicorn workers, MiB ({sys.version.split()[0]})\n")
    print(
        "| variant | idle | idle master / workers | idle, every kind served once "
        f"| peak under load | 2 s after load | {SETTLED_AFTER} s after load "
        f"| {SETTLED_AFTER} s after vs idle / vs every-kind idle | load, s "
        "| bookings p50, ms | upload p50, ms |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---|---:|---:|---:|")
    for r in results:
        each = " / ".join(mib(v) for v in r["idle_each"])
        print(
            f"| {r['variant']} | {mib(r['idle'])} | {each} | {mib(r.get('warm_idle'))} "
            f"| {mib(r.get('load_peak'))} | {mib(r.get('after_load'))} "
            f"| {mib(r.get('settled'))} "
            f"| {percent_over(r.get('settled'), r['idle'])} / "
            f"{percent_over(r.get('settled'), r.get('warm_idle'))} "
            f"| {one_decimal(r.get('load_seconds'))} | {one_decimal(r.get('bookings_p50_ms'))} "
            f"| {one_decimal(r.get('upload_p50_ms'))} |"
        )
    statuses = {r["variant"]: r["statuses"] for r in results if r.get("statuses")}
    if statuses:
        print("\nResponse statuses per variant:")
        for name, counts in statuses.items():
            print(f"  {name}: {counts}")
    missing = results[0].get("missing")
    if missing:
        print(
            "\nMixed load NOT measured: these endpoints are not routed yet: " + "; ".join(missing),
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
