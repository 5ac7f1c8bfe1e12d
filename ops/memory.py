"""How much memory this service may still use, read the way the kernel's OOM killer sees it.

psutil.virtual_memory() describes the host, not the container: a worker inside a 1 GiB
cgroup on a 64 GiB host would see 2 % used right up to the moment it is killed. So the
reading comes, in order, from:

1. cgroup v2 (`memory.current` minus `inactive_file`, over `memory.max`) when a limit is set;
2. cgroup v1 (`memory.usage_in_bytes` minus `total_inactive_file`, over
   `memory.limit_in_bytes`) when a limit is set: hybrid hosts still mount the memory
   controller there;
3. /proc/meminfo (1 - MemAvailable / MemTotal) otherwise.

Inactive file pages are page cache the kernel drops before it OOM-kills anyone, so counting
them would shed load on a machine that merely read a lot of files.

Everything is read from /proc and sysfs: a few small files, cheap enough for the event loop.
"""

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

CGROUP_V2 = "cgroup-v2"
CGROUP_V1 = "cgroup-v1"
MEMINFO = "meminfo"

PROC = Path("/proc")
MiB = 2**20


@dataclass(frozen=True)
class MemoryUsage:
    """Memory in use against the limit that applies to this process, and where it was read."""

    source: str
    used_bytes: int
    limit_bytes: int

    @property
    def used_percent(self) -> float:
        return 100.0 * self.used_bytes / self.limit_bytes if self.limit_bytes else 0.0


class ReadsMemory(Protocol):
    """What MemoryMonitor reads from: a MemoryReader, or a fake in tests."""

    def read(self) -> MemoryUsage: ...


class ReportsMemory(Protocol):
    """What MemoryShedding asks: a MemoryMonitor, or a fake in tests."""

    def usage(self) -> MemoryUsage | None: ...


@dataclass(frozen=True)
class _Mount:
    root: str  # the cgroup path this mount exposes (not "/" inside some containers)
    mount_point: Path


class MemoryReader:
    """Reads current memory usage; `proc` is injectable so tests can use fixture files.

    The cgroup mounts are found in `<proc>/self/mountinfo` and this process's cgroup in
    `<proc>/self/cgroup`, so pointing `proc` at a fixture directory also moves sysfs.
    """

    def __init__(self, proc: Path = PROC) -> None:
        self.proc = proc

    def read(self) -> MemoryUsage:
        meminfo = self._meminfo()
        total = meminfo["MemTotal"]
        for reader in (self._cgroup_v2, self._cgroup_v1):
            try:
                usage = reader(total)
            except (OSError, ValueError, KeyError) as exc:
                # A half-mounted or unreadable cgroup must not stop the fallback to meminfo.
                logger.debug("Cannot read %s: %s", reader.__name__, exc)
                continue
            if usage is not None:
                return usage
        return MemoryUsage(MEMINFO, used_bytes=total - meminfo["MemAvailable"], limit_bytes=total)

    def _meminfo(self) -> dict[str, int]:
        values = {}
        for line in (self.proc / "meminfo").read_text().splitlines():
            name, _, rest = line.partition(":")
            fields = rest.split()
            if fields:
                values[name] = int(fields[0]) * 1024  # meminfo counts kB
        return values

    def _cgroup_v2(self, host_total: int) -> MemoryUsage | None:
        mount = self._mount(lambda fstype, _options: fstype == "cgroup2")
        path = self._cgroup_path(
            lambda hierarchy, controllers: hierarchy == "0" and not controllers
        )
        if mount is None or path is None:
            return None
        for directory in self._ancestors(mount, path):
            limit_file = directory / "memory.max"
            if not limit_file.exists():
                continue  # no memory controller here (hybrid hosts, the root cgroup)
            limit = _limit(limit_file.read_text(), host_total)
            if limit is None:
                continue  # "max" here: a parent may still set the limit
            current = int((directory / "memory.current").read_text())
            inactive = _stat(directory / "memory.stat", "inactive_file")
            return MemoryUsage(CGROUP_V2, used_bytes=max(current - inactive, 0), limit_bytes=limit)
        return None

    def _cgroup_v1(self, host_total: int) -> MemoryUsage | None:
        mount = self._mount(lambda fstype, options: fstype == "cgroup" and "memory" in options)
        path = self._cgroup_path(lambda _hierarchy, controllers: "memory" in controllers.split(","))
        if mount is None or path is None:
            return None
        for directory in self._ancestors(mount, path):
            limit_file = directory / "memory.limit_in_bytes"
            if not limit_file.exists():
                continue
            limit = _limit(limit_file.read_text(), host_total)
            if limit is None:
                continue
            usage = int((directory / "memory.usage_in_bytes").read_text())
            inactive = _stat(directory / "memory.stat", "total_inactive_file")
            return MemoryUsage(CGROUP_V1, used_bytes=max(usage - inactive, 0), limit_bytes=limit)
        return None

    def _mount(self, matches: Callable[[str, list[str]], bool]) -> _Mount | None:
        # mountinfo: id parent major:minor root mount-point options [optional...] - fstype
        # source super-options (man 5 proc)
        for line in (self.proc / "self" / "mountinfo").read_text().splitlines():
            before, _, after = line.partition(" - ")
            fields, tail = before.split(), after.split()
            if len(fields) >= 5 and len(tail) >= 3 and matches(tail[0], tail[2].split(",")):
                return _Mount(root=fields[3], mount_point=Path(fields[4]))
        return None

    def _cgroup_path(self, matches: Callable[[str, str], bool]) -> str | None:
        # /proc/self/cgroup: hierarchy-id:controllers:path ("0::/path" for cgroup v2)
        for line in (self.proc / "self" / "cgroup").read_text().splitlines():
            hierarchy, controllers, path = line.split(":", 2)
            if matches(hierarchy, controllers):
                return path
        return None

    @staticmethod
    def _ancestors(mount: _Mount, path: str) -> list[Path]:
        """This cgroup's directory, then its parents up to the mount point.

        A limit set on a parent (a systemd slice, the container) applies to us too. When the
        mount exposes a sub-tree (its root is our own path, as in a container without a
        cgroup namespace), the path is relative to that root.
        """
        if mount.root != "/" and (path == mount.root or path.startswith(mount.root + "/")):
            path = path[len(mount.root) :]
        parts = [part for part in path.split("/") if part]
        return [mount.mount_point.joinpath(*parts[:depth]) for depth in range(len(parts), -1, -1)]


def _limit(text: str, host_total: int) -> int | None:
    """The limit in bytes, or None when it does not bind.

    cgroup v2 writes "max"; v1 writes a huge number (PAGE_COUNTER_MAX pages). A limit above
    the machine's memory never binds either: the host runs out first, and meminfo says so.
    """
    text = text.strip()
    if text == "max":
        return None
    limit = int(text)
    return limit if 0 < limit < host_total else None


def _stat(path: Path, key: str) -> int:
    for line in path.read_text().splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            return int(value)
    return 0


PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
STATM = PROC / "self" / "statm"


def process_rss_bytes(statm: Path = STATM) -> int:
    """This process's resident set size: /proc/self/statm's second field, in pages.

    About 20 µs, cheap enough to run after every request. (Not a file kept open: one
    opened before gunicorn forks would go on reading the master's numbers.)
    """
    with open(statm, "rb") as numbers:
        return int(numbers.read().split()[1]) * PAGE_SIZE


class MemoryMonitor:
    """Caches one MemoryReader reading for `interval` seconds.

    Every request asks whether to shed load; the answer only needs to be a couple of
    seconds fresh, and the old service's per-request psutil calls were part of its cost.
    """

    def __init__(
        self,
        reader: ReadsMemory,
        *,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.reader = reader
        self.interval = interval
        self.clock = clock
        self._usage: MemoryUsage | None = None
        self._read_at: float | None = None

    def usage(self) -> MemoryUsage | None:
        """The latest reading, or None when memory cannot be read at all (then never shed)."""
        now = self.clock()
        if self._read_at is None or now - self._read_at >= self.interval:
            self._read_at = now
            try:
                self._usage = self.reader.read()
            except (OSError, ValueError, KeyError):
                logger.exception("Cannot read memory usage; load shedding is off until it can")
                self._usage = None
        return self._usage


@cache
def default_monitor() -> MemoryMonitor:
    """One monitor per worker process, shared by the shedding wrapper."""
    return MemoryMonitor(MemoryReader(), interval=settings.MEMORY_CHECK_INTERVAL)
