"""Recycle a gunicorn worker whose resident memory has grown past WORKER_MAX_RSS_MB.

Python rarely gives freed memory back to the OS: after one huge request (or a slow leak)
a worker keeps its peak RSS for ever. gunicorn has max_requests for slow leaks but no RSS
limit, so the worker checks itself after each request and, when over the limit, sends
itself SIGTERM. uvicorn treats SIGTERM as a graceful shutdown: it stops accepting, lets the
in-flight requests finish, runs the lifespan shutdown and exits; the gunicorn master logs
"Worker (pid:N) was sent SIGTERM!" at INFO (not as a crash) and forks a fresh worker.

This module imports nothing from Django: deploy/gunicorn.conf.py imports it in post_fork,
before the application is loaded when preload is off.
"""

import logging
import os
import signal
from collections.abc import Callable

from lebrq import metrics

logger = logging.getLogger(__name__)

_managed_by_gunicorn = False


def mark_as_gunicorn_worker() -> None:
    """Called from gunicorn's post_fork hook: this process has a master to replace it.

    Outside gunicorn (runserver, a bare uvicorn, tests) no one would start a replacement,
    so recycling stays off there.
    """
    global _managed_by_gunicorn
    _managed_by_gunicorn = True


def is_gunicorn_worker() -> bool:
    return _managed_by_gunicorn


def _terminate_gracefully() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


class WorkerRecycler:
    """Decides, after each request, whether this worker has grown too big to keep."""

    def __init__(
        self,
        max_rss_bytes: int,
        *,
        read_rss: Callable[[], int],
        enabled: Callable[[], bool] = is_gunicorn_worker,
        terminate: Callable[[], None] = _terminate_gracefully,
    ) -> None:
        self.max_rss_bytes = max_rss_bytes
        self.read_rss = read_rss
        self.enabled = enabled
        self.terminate = terminate
        self.exiting = False

    def check(self) -> bool:
        """Start a graceful exit if RSS is over the limit; True once the exit has started."""
        if self.exiting or self.max_rss_bytes <= 0 or not self.enabled():
            return self.exiting
        rss = self.read_rss()
        if rss > self.max_rss_bytes:
            self.exiting = True
            metrics.WORKER_RECYCLES.inc()
            logger.warning(
                "Worker %d uses %d MiB, above WORKER_MAX_RSS_MB=%d: finishing its requests "
                "and exiting so gunicorn starts a fresh worker",
                os.getpid(),
                rss // 2**20,
                self.max_rss_bytes // 2**20,
            )
            self.terminate()
        return self.exiting
