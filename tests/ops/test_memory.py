"""The memory reader against fixture /proc and cgroup trees, one per kind of host."""

import os
from pathlib import Path

import pytest

from ops.memory import MemoryMonitor, MemoryReader, MemoryUsage, process_rss_bytes

GiB = 2**30
MiB = 2**20
HOST_TOTAL = 16 * GiB
HOST_AVAILABLE = 12 * GiB


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def fake_proc(tmp_path: Path, *, mounts: list[str], cgroup: list[str]) -> Path:
    """A /proc with meminfo, self/mountinfo and self/cgroup; mount points live in tmp_path."""
    proc = tmp_path / "proc"
    write(
        proc / "meminfo",
        f"MemTotal:       {HOST_TOTAL // 1024} kB\n"
        f"MemFree:        {HOST_AVAILABLE // 2048} kB\n"
        f"MemAvailable:   {HOST_AVAILABLE // 1024} kB\n",
    )
    write(proc / "self" / "mountinfo", "".join(line + "\n" for line in mounts))
    write(proc / "self" / "cgroup", "".join(line + "\n" for line in cgroup))
    return proc


def v2_mount(mount_point: Path, root: str = "/") -> str:
    return f"41 31 0:38 {root} {mount_point} rw,relatime - cgroup2 cgroup2 rw"


def v1_memory_mount(mount_point: Path, root: str = "/") -> str:
    return f"35 31 0:32 {root} {mount_point} rw,relatime - cgroup cgroup rw,memory"


def v2_cgroup(directory: Path, *, limit: str, current: int, inactive_file: int) -> None:
    write(directory / "memory.max", f"{limit}\n")
    write(directory / "memory.current", f"{current}\n")
    write(directory / "memory.stat", f"anon 1000\nfile 2000\ninactive_file {inactive_file}\n")


def v1_cgroup(directory: Path, *, limit: int, usage: int, inactive_file: int) -> None:
    write(directory / "memory.limit_in_bytes", f"{limit}\n")
    write(directory / "memory.usage_in_bytes", f"{usage}\n")
    write(
        directory / "memory.stat",
        f"cache 5\ninactive_file 1\ntotal_cache 10\ntotal_inactive_file {inactive_file}\n",
    )


V1_UNLIMITED = 9223372036854771712  # PAGE_COUNTER_MAX pages, what the kernel reports


def test_cgroup_v2_limit_gives_usage_without_inactive_file_over_memory_max(tmp_path):
    sysfs = tmp_path / "sys" / "fs" / "cgroup"
    v2_cgroup(sysfs / "app.slice", limit=str(1 * GiB), current=900 * MiB, inactive_file=100 * MiB)
    proc = fake_proc(tmp_path, mounts=[v2_mount(sysfs)], cgroup=["0::/app.slice"])

    usage = MemoryReader(proc).read()

    assert usage == MemoryUsage("cgroup-v2", used_bytes=800 * MiB, limit_bytes=1 * GiB)
    assert usage.used_percent == pytest.approx(78.125)


def test_cgroup_v2_limit_set_on_a_parent_applies_to_the_child(tmp_path):
    sysfs = tmp_path / "sys" / "fs" / "cgroup"
    v2_cgroup(sysfs / "lebrq.slice", limit=str(2 * GiB), current=1 * GiB, inactive_file=0)
    v2_cgroup(sysfs / "lebrq.slice" / "web", limit="max", current=512 * MiB, inactive_file=0)
    proc = fake_proc(tmp_path, mounts=[v2_mount(sysfs)], cgroup=["0::/lebrq.slice/web"])

    usage = MemoryReader(proc).read()

    assert usage == MemoryUsage("cgroup-v2", used_bytes=1 * GiB, limit_bytes=2 * GiB)


def test_cgroup_v2_without_a_limit_falls_back_to_meminfo(tmp_path):
    sysfs = tmp_path / "sys" / "fs" / "cgroup"
    v2_cgroup(sysfs / "app", limit="max", current=900 * MiB, inactive_file=0)
    proc = fake_proc(tmp_path, mounts=[v2_mount(sysfs)], cgroup=["0::/app"])

    usage = MemoryReader(proc).read()

    assert usage == MemoryUsage(
        "meminfo", used_bytes=HOST_TOTAL - HOST_AVAILABLE, limit_bytes=HOST_TOTAL
    )
    assert usage.used_percent == pytest.approx(25.0)


def test_cgroup_v1_limit_gives_usage_without_total_inactive_file(tmp_path):
    memory = tmp_path / "sys" / "fs" / "cgroup" / "memory"
    v1_cgroup(memory / "docker" / "abc", limit=1 * GiB, usage=700 * MiB, inactive_file=188 * MiB)
    proc = fake_proc(
        tmp_path,
        mounts=[v1_memory_mount(memory), v2_mount(tmp_path / "sys/fs/cgroup/unified")],
        cgroup=["4:memory:/docker/abc", "1:cpu:/", "0::/"],
    )

    usage = MemoryReader(proc).read()

    assert usage == MemoryUsage("cgroup-v1", used_bytes=512 * MiB, limit_bytes=1 * GiB)
    assert usage.used_percent == pytest.approx(50.0)


def test_cgroup_v1_mount_of_our_own_subtree_is_read_at_the_mount_point(tmp_path):
    """Docker without a cgroup namespace mounts /docker/abc itself at /sys/fs/cgroup/memory."""
    memory = tmp_path / "sys" / "fs" / "cgroup" / "memory"
    v1_cgroup(memory, limit=1 * GiB, usage=256 * MiB, inactive_file=0)
    proc = fake_proc(
        tmp_path,
        mounts=[v1_memory_mount(memory, root="/docker/abc")],
        cgroup=["4:memory:/docker/abc"],
    )

    usage = MemoryReader(proc).read()

    assert usage == MemoryUsage("cgroup-v1", used_bytes=256 * MiB, limit_bytes=1 * GiB)


def test_cgroup_v1_unlimited_falls_back_to_meminfo(tmp_path):
    memory = tmp_path / "sys" / "fs" / "cgroup" / "memory"
    v1_cgroup(memory / "job", limit=V1_UNLIMITED, usage=700 * MiB, inactive_file=0)
    v1_cgroup(memory, limit=V1_UNLIMITED, usage=3 * GiB, inactive_file=0)
    proc = fake_proc(tmp_path, mounts=[v1_memory_mount(memory)], cgroup=["4:memory:/job"])

    usage = MemoryReader(proc).read()

    assert usage.source == "meminfo"


def test_a_cgroup_limit_above_the_host_memory_does_not_bind(tmp_path):
    sysfs = tmp_path / "sys" / "fs" / "cgroup"
    v2_cgroup(sysfs / "app", limit=str(64 * GiB), current=900 * MiB, inactive_file=0)
    proc = fake_proc(tmp_path, mounts=[v2_mount(sysfs)], cgroup=["0::/app"])

    assert MemoryReader(proc).read().source == "meminfo"


def test_hybrid_host_without_a_v2_memory_controller_uses_the_v1_limit(tmp_path):
    """This development machine's layout: cgroup2 at unified/ carries no memory files."""
    cgroup = tmp_path / "sys" / "fs" / "cgroup"
    (cgroup / "unified").mkdir(parents=True)
    v1_cgroup(cgroup / "memory" / "job", limit=2 * GiB, usage=1 * GiB, inactive_file=0)
    proc = fake_proc(
        tmp_path,
        mounts=[v1_memory_mount(cgroup / "memory"), v2_mount(cgroup / "unified")],
        cgroup=["4:memory:/job", "0::/"],
    )

    usage = MemoryReader(proc).read()

    assert usage == MemoryUsage("cgroup-v1", used_bytes=1 * GiB, limit_bytes=2 * GiB)


def test_no_cgroup_mounts_at_all_uses_meminfo(tmp_path):
    proc = fake_proc(tmp_path, mounts=[], cgroup=[])

    assert MemoryReader(proc).read().source == "meminfo"


def test_an_unreadable_cgroup_file_falls_back_to_meminfo(tmp_path):
    sysfs = tmp_path / "sys" / "fs" / "cgroup"
    write(sysfs / "app" / "memory.max", f"{GiB}\n")  # memory.current is missing
    proc = fake_proc(tmp_path, mounts=[v2_mount(sysfs)], cgroup=["0::/app"])

    assert MemoryReader(proc).read().source == "meminfo"


def test_the_reader_on_this_machine_names_a_source_and_a_sane_percentage():
    usage = MemoryReader().read()

    assert usage.source in {"cgroup-v2", "cgroup-v1", "meminfo"}
    assert 0 < usage.used_percent < 100


def test_process_rss_is_statm_resident_pages_times_the_page_size(tmp_path):
    write(tmp_path / "self" / "statm", "50000 1234 500 10 0 900 0\n")

    assert process_rss_bytes(tmp_path / "self" / "statm") == 1234 * os.sysconf("SC_PAGE_SIZE")


class CountingReader:
    def __init__(self, *percents: float) -> None:
        self.percents = list(percents)
        self.reads = 0

    def read(self) -> MemoryUsage:
        self.reads += 1
        return MemoryUsage("meminfo", used_bytes=int(self.percents.pop(0) * 10), limit_bytes=1000)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_monitor_reads_memory_at_most_once_per_interval():
    reader, clock = CountingReader(50, 90), FakeClock()
    monitor = MemoryMonitor(reader, interval=2.0, clock=clock)

    first = monitor.usage()
    clock.now += 1.9
    cached = monitor.usage()
    clock.now += 0.1
    fresh = monitor.usage()

    assert reader.reads == 2
    assert first is not None
    assert cached is not None
    assert fresh is not None
    assert first.used_percent == cached.used_percent == 50
    assert fresh.used_percent == 90


def test_monitor_reports_nothing_when_memory_cannot_be_read(caplog):
    class BrokenReader:
        def read(self) -> MemoryUsage:
            raise FileNotFoundError("/proc/meminfo")

    monitor = MemoryMonitor(BrokenReader(), interval=2.0, clock=FakeClock())

    assert monitor.usage() is None
    assert "load shedding is off" in caplog.text
