"""Give freed memory back to the system: glibc's malloc thresholds and an idle malloc_trim.

glibc's malloc keeps what Python and Pillow free: a block below its mmap threshold comes from
a heap (one "arena" per thread that allocated at once, up to 8 per core), and freed heap
memory goes back to the kernel only when it lies at the top of a heap, above the trim
threshold. Both thresholds grow on their own up to 32 MiB as large blocks are freed, so after
a burst of image uploads a worker stays at its peak (make bench-pss, docs/BENCHMARKS.md).

Two mechanisms, each a setting (lebrq/settings.py, .env.example):

- configure_malloc(): mallopt() at start-up, in the gunicorn master before it forks (the
  workers inherit it), the same as glibc's MALLOC_* environment variables but set where the
  rest of the configuration is. A fixed mmap threshold also turns the dynamic one off, so
  every block at least that large (Pillow's image blocks, request bodies) is mmapped and
  unmapped when freed, whatever came before.
- IdleHeapTrimmer: malloc_trim(0) once a worker has had no request in flight for a while
  after its resident memory grew, which returns the free pages inside every arena, not only
  at their tops. Never on a request's path, never per request.

This module imports nothing from Django: gunicorn's config may use it before the app loads.
"""

import asyncio
import contextvars
import ctypes
import logging
import os
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import Protocol

logger = logging.getLogger(__name__)

MiB = 2**20

# mallopt() parameters, from glibc's <malloc.h>.
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8
# glibc's initial trim threshold (DEFAULT_TRIM_THRESHOLD in malloc.c).
DEFAULT_TRIM_THRESHOLD = 128 * 1024


class Malloc(Protocol):
    """The two glibc calls used here: ctypes' libc, or a fake in tests."""

    def mallopt(self, param: int, value: int, /) -> int: ...

    def malloc_trim(self, pad: int, /) -> int: ...


@cache
def glibc() -> Malloc | None:
    """glibc's malloc functions, or None elsewhere (musl, macOS): then nothing is tuned."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
        libc.mallopt.restype = ctypes.c_int
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.malloc_trim.restype = ctypes.c_int
    except (OSError, AttributeError):
        return None
    return libc


def configure_malloc(
    *,
    arena_max: int,
    mmap_threshold: int,
    trim_threshold: int,
    libc: Malloc | None = None,
) -> list[str]:
    """mallopt() each parameter that is above 0 (0 leaves glibc's default); the ones set.

    Call it before threads start: glibc fixes the number of arenas when the second one is
    made. Values glibc refuses (an mmap threshold over 32 MiB) are logged and skipped.

    Called after start-up, unlike glibc's MALLOC_MMAP_THRESHOLD_ read at exec: by then the
    dynamic threshold may have raised the trim threshold too (to twice the largest block
    freed, up to 64 MiB), and fixing the mmap threshold stops it from ever coming down. So a
    fixed mmap threshold without a trim threshold puts the trim threshold back to glibc's
    initial 128 KiB, as it is when the variable is set (measured by make bench-pss: 226
    instead of 209 MiB after the load without this).
    """
    libc = libc or glibc()
    if libc is None:
        return []
    if mmap_threshold > 0 and trim_threshold <= 0:
        trim_threshold = DEFAULT_TRIM_THRESHOLD
    applied = []
    for name, param, value in (
        ("arena_max", M_ARENA_MAX, arena_max),
        ("mmap_threshold", M_MMAP_THRESHOLD, mmap_threshold),
        ("trim_threshold", M_TRIM_THRESHOLD, trim_threshold),
    ):
        if value <= 0:
            continue
        if libc.mallopt(param, value) == 1:
            applied.append(f"{name}={value}")
        else:
            logger.warning("glibc refused mallopt(%s, %d): left at its default", name, value)
    return applied


def malloc_trim(libc: Malloc | None = None) -> bool:
    """Return free heap pages to the system; True if glibc released any."""
    libc = libc or glibc()
    return libc is not None and libc.malloc_trim(0) == 1


class Handle(Protocol):
    def cancel(self) -> None: ...


# Runs a callback after a delay in seconds (the event loop's call_later; a fake in tests).
Schedule = Callable[[float, Callable[[], None]], Handle]


def _call_later(delay: float, callback: Callable[[], None]) -> Handle:
    # In a context of its own: not the last request's (its id would mark the trim's log line).
    return asyncio.get_running_loop().call_later(delay, callback, context=contextvars.Context())


class IdleHeapTrimmer:
    """malloc_trim(0) when a burst is over: no request in flight for `idle_seconds`, and the
    resident set grew by at least `min_growth_bytes` since the last trim (or the start).

    A steady trickle of small requests never trims (no growth), a burst trims once, after
    its last request; a request arriving before the delay is up cancels the trim. The
    counting runs on the worker's event loop (one thread): no lock needed.
    """

    def __init__(
        self,
        idle_seconds: float,
        min_growth_bytes: int,
        *,
        read_rss: Callable[[], int],
        trim: Callable[[], bool] = malloc_trim,
        schedule: Schedule = _call_later,
    ) -> None:
        self.idle_seconds = idle_seconds
        self.min_growth_bytes = min_growth_bytes
        self.read_rss = read_rss
        self.trim = trim
        self.schedule = schedule
        self.in_flight = 0
        self.baseline: int | None = None
        self.pending: Handle | None = None
        self.trims = 0

    def request_started(self) -> None:
        if self.baseline is None:
            # The worker's first request: its size before any work.
            self.baseline = self.read_rss()
        self.in_flight += 1
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None

    def request_finished(self) -> None:
        self.in_flight -= 1
        if self.in_flight > 0 or self.pending is not None:
            return
        rss = self.read_rss()
        assert self.baseline is not None  # set by request_started
        self.baseline = min(self.baseline, rss)
        if rss - self.baseline >= self.min_growth_bytes:
            self.pending = self.schedule(self.idle_seconds, self._trim_if_idle)

    def _trim_if_idle(self) -> None:
        self.pending = None
        if self.in_flight:
            return
        before = self.read_rss()
        started = time.perf_counter()
        self.trim()
        after = self.read_rss()
        self.baseline = after
        self.trims += 1
        logger.info(
            "Worker %d idle after a burst: malloc_trim gave back %d MiB (%d -> %d MiB) in %.1f ms",
            os.getpid(),
            (before - after) // MiB,
            before // MiB,
            after // MiB,
            (time.perf_counter() - started) * 1000,
        )
