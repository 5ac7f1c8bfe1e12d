"""The abuse phase of `make stress` (issue 19): what one attacker's floods do to everyone else.

A public list is timed alone, then again while four floods run at once: a login flood and a
registration flood without an account (nginx's limit_req and the app's rate limits answer
429 before a password is hashed), a squatting customer booking day after day (the pending
cap answers 409), and a customer uploading the largest picture the pixel limit allows over
and over (each decode waits for room in the worker's decode budget, or gets 503 +
Retry-After). Target: the public GET's p95 under the floods within 2x of its unloaded p95 in
the same run, no undesigned 5xx (a 503 must carry Retry-After), no OOM kill (checked by the
caller with the rest of the run).
"""

import io
import multiprocessing
import os
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from statistics import quantiles
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from PIL import Image

PUBLIC_PATH = "/api/spaces"
FLOOD_THREADS = {"login": 6, "register": 3, "squat": 1, "images": 3}


def largest_picture(max_pixels: int) -> bytes:
    """A square PNG just under the pixel limit: a few kilobytes that decode to max_pixels."""
    side = int(max_pixels**0.5) - 1
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (180, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def p95(values: list[float]) -> float:
    return quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


class Probe:
    """Times GET PUBLIC_PATH in a loop until stopped: milliseconds of the 200s, every status."""

    def __init__(self, base: str, tls: Any) -> None:
        self.base, self.tls = base, tls
        self.latencies: list[float] = []
        self.statuses: Counter[int] = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=30, verify=self.tls) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    status = client.get(PUBLIC_PATH).status_code
                except httpx.TransportError:
                    status = 0
                if status == 200:
                    self.latencies.append((time.perf_counter() - started) * 1000)
                self.statuses[status] += 1
                time.sleep(0.05)

    def for_seconds(self, seconds: float) -> "Probe":
        thread = threading.Thread(target=self.run)
        thread.start()
        time.sleep(seconds)
        self.stop.set()
        thread.join()
        return self


def run_abuse_phase(
    base: str,
    tls: Any,
    data: dict[str, Any],
    seconds: int,
    max_pixels: int,
    floods: tuple[str, ...] = tuple(FLOOD_THREADS),
) -> dict[str, Any]:
    unloaded = Probe(base, tls).for_seconds(seconds / 2)
    picture = largest_picture(max_pixels)
    tallies: dict[str, Counter[str]] = {name: Counter() for name in FLOOD_THREADS}
    undesigned: Counter[str] = Counter()
    stop = threading.Event()
    guard = threading.Lock()

    def record(flood: str, response: httpx.Response | None) -> None:
        with guard:
            if response is None:
                tallies[flood]["transport error"] += 1
                return
            tallies[flood][str(response.status_code)] += 1
            designed_503 = response.status_code == 503 and "Retry-After" in response.headers
            if response.status_code >= 500 and not designed_503:
                undesigned[f"{flood} {response.status_code}"] += 1

    def flood(name: str, send: Any, headers: dict[str, str]) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60, verify=tls) as client:
            while not stop.is_set():
                try:
                    record(name, send(client))
                except httpx.TransportError:
                    record(name, None)

    def login(client: httpx.Client) -> httpx.Response:
        return client.post("/api/auth/login", json={"username": "stress001", "password": "x"})

    def register(client: httpx.Client) -> httpx.Response:
        name = f"flood{uuid.uuid4().hex[:12]}"
        return client.post(
            "/api/auth/register", json={"username": name, "password": "a-Long-passw0rd!"}
        )

    squat_days = iter(range(2, 10_000))
    space = data["space_ids"][0]
    today = datetime.now(ZoneInfo(data["time_zone"])).date()

    def squat(client: httpx.Client) -> httpx.Response:
        day = today + timedelta(days=next(squat_days))
        return client.post(
            "/api/bookings",
            json={
                "space_id": space,
                "start_datetime": f"{day}T06:00:00",
                "end_datetime": f"{day}T07:00:00",
            },
        )

    def upload(client: httpx.Client) -> httpx.Response:
        files = {"file": ("big.png", picture, "image/png")}
        return client.post("/api/uploads/image", files=files)

    attacker_auth = {"Authorization": f"Bearer {data['customer_tokens'][-1]}"}
    senders = {"login": (login, {}), "register": (register, {}), "squat": (squat, attacker_auth)}
    senders["images"] = (upload, attacker_auth)

    def attacker(finished: Any, results: Any) -> None:
        # Its own process at the lowest priority: on this shared machine the attacker's
        # clients must not take the CPU the server needs (a real one brings its own).
        os.nice(19)
        threads = [
            threading.Thread(target=flood, args=(name, *senders[name]))
            for name, count in FLOOD_THREADS.items()
            if name in floods
            for _ in range(count)
        ]
        for thread in threads:
            thread.start()
        finished.wait()
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        results.put(({name: dict(c) for name, c in tallies.items()}, dict(undesigned)))

    # Forked, so the closures above need no pickling.
    context = multiprocessing.get_context("fork")
    finished, results = context.Event(), context.Queue()
    process = context.Process(target=attacker, args=(finished, results))
    process.start()
    time.sleep(2)  # the floods under way before the second measurement
    loaded = Probe(base, tls).for_seconds(seconds)
    finished.set()
    flood_tallies, undesigned_5xx = results.get(timeout=300)
    process.join(timeout=60)

    unloaded_p95, loaded_p95 = p95(unloaded.latencies), p95(loaded.latencies)
    ratio = loaded_p95 / unloaded_p95 if unloaded_p95 else float("inf")
    public_failures = sum(n for status, n in loaded.statuses.items() if status != 200)
    return {
        "public_path": PUBLIC_PATH,
        "floods_run": list(floods),
        "unloaded_p95_ms": round(unloaded_p95, 1),
        "flooded_p95_ms": round(loaded_p95, 1),
        "ratio": round(ratio, 2),
        "public_requests": {"unloaded": len(unloaded.latencies), "flooded": len(loaded.latencies)},
        "public_non_200_while_flooded": public_failures,
        "floods": flood_tallies,
        "picture_pixels": (int(max_pixels**0.5) - 1) ** 2,
        "undesigned_5xx": undesigned_5xx,
        "flood_clients": "a separate process at nice 19",
        "ok": ratio <= 2 and not undesigned_5xx and public_failures == 0,
    }
