"""Run the real gunicorn + uvicorn server for a benchmark, and watch its workers' memory."""

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MB = 1_000_000
SAMPLE_INTERVAL = 0.02

BENCH_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "benchmark-only-secret-key-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "GUNICORN_ACCESS_LOG": "",
    "GUNICORN_MAX_REQUESTS": "0",
    "LOG_LEVEL": "WARNING",
}


def django_env(**overrides: str) -> dict[str, str]:
    return {**os.environ, **BENCH_ENV, **overrides}


def manage(*args: str, env: dict[str, str]) -> str:
    """Run a manage.py command; returns what it printed."""
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_until_up(
    url: str, process: subprocess.Popen[bytes] | None = None, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@contextmanager
def gunicorn(
    port: int,
    env: dict[str, str],
    workers: int = 2,
    log: Path | None = None,
    app: str = "lebrq.asgi:application",
) -> Iterator[psutil.Process]:
    """gunicorn with the project's config and uvicorn workers on 127.0.0.1:<port>; yields the
    master process. `app` another ASGI app to serve the same way (the raw reference)."""
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    with open(log or os.devnull, "ab") as output:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", app],
            cwd=ROOT,
            env=env,
            stdout=output if log else None,
            stderr=output if log else None,
        )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/health", process)
        yield psutil.Process(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def only_worker(master: psutil.Process) -> psutil.Process:
    workers = master.children()
    assert len(workers) == 1, f"expected one worker, found {workers}"
    return workers[0]


class PeakRss:
    """Samples a process's RSS in a background thread; `peak` is the largest seen."""

    def __init__(self, process: psutil.Process) -> None:
        self.process = process
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(SAMPLE_INTERVAL)

    def __enter__(self) -> "PeakRss":
        self.peak = self.process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)


def idle_rss(process: psutil.Process, seconds: float = 1.0) -> int:
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        samples.append(process.memory_info().rss)
        time.sleep(SAMPLE_INTERVAL)
    return int(statistics.median(samples))
