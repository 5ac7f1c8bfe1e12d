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

import asyncio
import os
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
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
    preload: bool
    freeze: bool


class Measurement(TypedDict):
    """One variant's figures, in bytes; only the idle ones when the load cannot run."""

    variant: str
    idle: int
    idle_each: list[int]
    missing: NotRequired[list[str]]
    load_peak: NotRequired[int]
    after_load: NotRequired[int]
    statuses: NotRequired[dict[int, int]]


VARIANTS = [
    Variant("no preload", preload=False, freeze=False),
    Variant("preload only", preload=True, freeze=False),
    Variant("preload + gc.freeze (deployed)", preload=True, freeze=True),
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


def measure(variant: Variant, env: dict[str, str], workdir: Path) -> Measurement:
    gunicorn = Gunicorn(env, PORT, workdir / f"gunicorn-{variant.name.split()[0]}.log")
    if variant.preload and not variant.freeze:
        gunicorn.config = workdir / "gunicorn-no-freeze.conf.py"
        gunicorn.config.write_text(NO_FREEZE_CONFIG)
    gunicorn.start(GUNICORN_PRELOAD="1" if variant.preload else "0")
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
        sampler = Sampler(gunicorn)
        sampler.start()
        statuses: list[int] = []
        for _ in range(ROUNDS):
            statuses += asyncio.run(mixed_load(auth, download_url, upload))
        sampler.stopped.set()
        sampler.join()
        time.sleep(2)
        result["load_peak"] = sampler.peak
        result["after_load"] = total_pss(gunicorn.processes())[0]
        result["statuses"] = {s: statuses.count(s) for s in sorted(set(statuses))}
        return result
    finally:
        gunicorn.stop()


def mib(value: int | None) -> str:
    return f"{value / MiB:.1f}" if value is not None else "n/a"


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lebrq-bench-") as tmp:
        workdir = Path(tmp)
        # Stream mode: Django itself sends the file bytes, the path whose memory matters.
        env = app_environment(workdir, DATABASE_URL, FILE_SERVE_MODE="stream")
        prepare_database(env)
        results = [measure(variant, env, workdir) for variant in VARIANTS]

    print(f"\nPSS of gunicorn master + 2 uvicorn workers, MiB ({sys.version.split()[0]})\n")
    print("| start-up | idle total | idle master / workers | peak under load | after load |")
    print("|---|---:|---|---:|---:|")
    for r in results:
        each = " / ".join(mib(v) for v in r["idle_each"])
        print(
            f"| {r['variant']} | {mib(r['idle'])} | {each} | {mib(r.get('load_peak'))} "
            f"| {mib(r.get('after_load'))} |"
        )
    statuses = [r.get("statuses") for r in results if r.get("statuses")]
    if statuses:
        print(f"\nResponse statuses per variant: {statuses}")
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
