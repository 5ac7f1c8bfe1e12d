"""How much image decoding one worker does at once, counted in bytes of decoded pixels.

A 154 KB PNG of 6300x6300 pixels decodes to ~160 MB and costs ~300 MB of RSS while it is
re-encoded; eight at once took a worker to 2.5 GB. The pixel limit alone bounds one image, not
eight. Here every decode first takes its cost (pixels x IMAGE_BYTES_PER_PIXEL, known from the
header before anything is decoded) out of IMAGE_DECODE_BUDGET_MB for this process, waits up
to IMAGE_DECODE_WAIT_SECONDS for room, and gives it back when done. A request that finds no
room in time gets 503 + Retry-After instead of pushing the worker into the OOM killer.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from lebrq.errors import Unavailable

MiB = 1024 * 1024

# What decoding and re-encoding one pixel costs at its peak (the decoded RGBA pixels, the
# encoder's buffers and the preview): measured ~5 bytes at 36 MP (make bench-images), with
# margin. Not a knob: it describes Pillow, not the deployment.
IMAGE_BYTES_PER_PIXEL = 6


def pixel_limit_for_budget(budget_mb: int) -> int:
    """The most pixels one image may have so that it alone fits the decode budget."""
    return budget_mb * MiB // IMAGE_BYTES_PER_PIXEL


class DecodeBudget:
    """A semaphore weighted in bytes: holders together never exceed `capacity`."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.in_use = 0
        self._changed = threading.Condition()

    @contextmanager
    def reserve(self, cost: int, *, timeout: float) -> Iterator[None]:
        # One image bigger than the whole budget is refused earlier (the pixel limit); were
        # one to come, it may run alone rather than never.
        cost = min(cost, self.capacity)
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.in_use + cost > self.capacity:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise Unavailable(
                        "The server is busy processing other pictures; please retry shortly.",
                        code="image_decoding_busy",
                    )
                self._changed.wait(remaining)
            self.in_use += cost
        try:
            yield
        finally:
            with self._changed:
                self.in_use -= cost
                self._changed.notify_all()


_budget: DecodeBudget | None = None
_budget_lock = threading.Lock()


def decode_budget() -> DecodeBudget:
    """This process's budget (made on first use, from the settings then in force)."""
    global _budget
    capacity = settings.IMAGE_DECODE_BUDGET_MB * MiB
    with _budget_lock:
        if _budget is None or _budget.capacity != capacity:
            _budget = DecodeBudget(capacity)
        return _budget


@contextmanager
def decoding(pixels: int) -> Iterator[None]:
    """Hold the memory `pixels` decoded pixels will take while the block runs."""
    with decode_budget().reserve(
        pixels * IMAGE_BYTES_PER_PIXEL, timeout=settings.IMAGE_DECODE_WAIT_SECONDS
    ):
        yield
