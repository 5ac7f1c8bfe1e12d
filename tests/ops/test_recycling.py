"""When a worker retires itself for using too much memory (the real exit is in tests/e2e)."""

from pathlib import Path
from typing import Any

import pytest

from ops import recycling
from ops.recycling import WorkerRecycler

MiB = 2**20
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _not_a_worker(monkeypatch):
    monkeypatch.setattr(recycling, "_managed_by_gunicorn", False)


class Recorder:
    def __init__(self) -> None:
        self.terminations = 0

    def __call__(self) -> None:
        self.terminations += 1


def recycler(rss: int, *, limit: int = 512 * MiB, enabled: bool = True):
    terminate = Recorder()
    return (
        WorkerRecycler(limit, read_rss=lambda: rss, enabled=lambda: enabled, terminate=terminate),
        terminate,
    )


def test_a_worker_under_the_limit_keeps_serving():
    worker, terminate = recycler(512 * MiB)

    assert worker.check() is False
    assert terminate.terminations == 0


def test_a_worker_over_the_limit_starts_a_graceful_exit_once(caplog):
    worker, terminate = recycler(512 * MiB + 1)

    assert worker.check() is True
    assert worker.check() is True

    assert terminate.terminations == 1
    assert "above WORKER_MAX_RSS_MB=512" in caplog.text


def test_a_process_outside_gunicorn_never_exits_on_its_own():
    worker, terminate = recycler(2048 * MiB, enabled=False)

    assert worker.check() is False
    assert terminate.terminations == 0


def test_a_zero_limit_turns_recycling_off():
    worker, terminate = recycler(2048 * MiB, limit=0)

    assert worker.check() is False
    assert terminate.terminations == 0


def test_a_process_is_not_a_gunicorn_worker_until_marked():
    assert recycling.is_gunicorn_worker() is False

    recycling.mark_as_gunicorn_worker()

    assert recycling.is_gunicorn_worker() is True


def test_gunicorn_marks_its_workers_after_forking():
    """The post_fork hook in deploy/gunicorn.conf.py is what turns recycling on."""
    namespace: dict[str, Any] = {}
    exec((ROOT / "deploy" / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102

    namespace["post_fork"](server=None, worker=None)

    assert recycling.is_gunicorn_worker() is True
