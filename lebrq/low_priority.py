"""CPU-heavy work anyone can set off, run at a lower CPU priority than answering requests.

A password hash (PBKDF2, ~0.5 s of one core by design) and re-encoding a picture (tens of
megapixels) are what a login, sign-up or upload flood makes the server do. Run in the
request's own thread, they take the CPU at the same priority as every public GET, and under
a flood the GETs wait their turn (issue 19's abuse phase). Here that work runs on a few
threads of this process that lowered their own CPU priority once, when they started (Linux
keeps a nice value per thread); the request's thread waits for the result. When the cores are
free the work runs as fast as before; when GETs want them, the kernel gives the GETs about
nine times the share (nice 0 against nice 10 under CFS).

The nice value cannot be lowered back without privileges, so it is never set on a request's
thread: only on these threads, which do nothing else. LOW_PRIORITY_NICE=0 runs the work in
the caller's thread, as before. On other systems the threads run at the normal priority.
"""

import contextvars
import functools
import logging
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

logger = logging.getLogger(__name__)

_pool: ThreadPoolExecutor | None = None
_pool_key: tuple[int, int] | None = None
_pool_lock = threading.Lock()
_on_pool_thread = threading.local()


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _start_thread(nice: int) -> None:
    _on_pool_thread.active = True
    if not sys.platform.startswith("linux"):
        return
    # On Linux PRIO_PROCESS with a thread's id sets that thread alone (setpriority(2)).
    thread_id = threading.get_native_id()
    try:
        lowered = min(19, os.getpriority(os.PRIO_PROCESS, thread_id) + nice)
        os.setpriority(os.PRIO_PROCESS, thread_id, lowered)
    except OSError as exc:
        logger.warning("Could not lower the CPU priority of a low-priority thread: %s", exc)


def _executor(nice: int) -> ThreadPoolExecutor:
    """This process's pool: made on first use, and again in a forked worker (threads do not
    survive a fork) or when the nice setting changed."""
    global _pool, _pool_key
    key = (os.getpid(), nice)
    with _pool_lock:
        if _pool is None or _pool_key != key:
            # As many threads as cores: the work can still use every idle core.
            _pool = ThreadPoolExecutor(
                max_workers=usable_cores(),
                thread_name_prefix="low-priority",
                initializer=_start_thread,
                initargs=(nice,),
            )
            _pool_key = key
        return _pool


def run_low_priority[**P, T](work: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """work(*args, **kwargs) on a low-priority thread, waiting for it; its result or its
    exception. Context variables (the request id in log lines) go along."""
    nice: int = settings.LOW_PRIORITY_NICE
    if nice <= 0 or getattr(_on_pool_thread, "active", False):
        return work(*args, **kwargs)
    context = contextvars.copy_context()
    call = functools.partial(work, *args, **kwargs)
    return _executor(nice).submit(context.run, call).result()
