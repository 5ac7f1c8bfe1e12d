"""The multiprocess metrics directory stays small as workers come and go, and sums survive."""

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest, multiprocess

from ops.metrics_files import archive_exited_processes, clear_for_new_server

# A worker's life in miniature: count requests, observe a latency, hold a request in flight.
WORKER = """
from lebrq import metrics
for _ in range({n}):
    metrics.HTTP_REQUESTS.labels("GET", "api/venues", "200").inc()
    metrics.HTTP_REQUEST_DURATION.labels("api/venues").observe(0.02)
metrics.HTTP_IN_FLIGHT.inc()
"""


def run_worker(directory: Path, requests: int) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    subprocess.run([sys.executable, "-c", WORKER.format(n=requests)], env=env, check=True)


def scrape(directory: Path) -> str:
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=str(directory))
    return generate_latest(registry).decode()


def value(text: str, sample: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(sample + " ")]
    return float(line.rsplit(" ", 1)[1])


REQUESTS = 'lebrq_http_requests_total{method="GET",route="api/venues",status="200"}'
LATENCY_COUNT = 'lebrq_http_request_duration_seconds_count{route="api/venues"}'


def test_exited_workers_fold_into_one_archive_per_kind_and_their_sums_survive(tmp_path):
    run_worker(tmp_path, 3)
    run_worker(tmp_path, 4)
    assert len(list(tmp_path.glob("counter_*.db"))) == 2

    assert archive_exited_processes(tmp_path) == 2

    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == ["counter_archive.db", "histogram_archive.db"]
    text = scrape(tmp_path)
    assert value(text, REQUESTS) == 7
    assert value(text, LATENCY_COUNT) == 7
    # Their requests in flight ended with them: nothing is left to add up.
    assert "lebrq_http_requests_in_flight" not in text

    run_worker(tmp_path, 5)
    archive_exited_processes(tmp_path)

    assert value(scrape(tmp_path), REQUESTS) == 12
    assert len(list(tmp_path.iterdir())) == 2


def test_files_of_running_processes_are_left_alone(tmp_path):
    own = tmp_path / f"counter_{os.getpid()}.db"
    own.write_bytes(b"")

    assert archive_exited_processes(tmp_path) == 0
    clear_for_new_server(tmp_path)

    assert own.exists()


def test_a_new_server_starts_from_zero(tmp_path):
    run_worker(tmp_path, 3)
    archive_exited_processes(tmp_path)
    run_worker(tmp_path, 2)

    clear_for_new_server(tmp_path)

    assert list(tmp_path.iterdir()) == []
