"""A memory-limited cgroup to run the server in, on whatever this machine offers.

In order of preference: a cgroup v2 child with memory.max (needs the memory controller in
the unified hierarchy), `systemd-run --scope -p MemoryMax=` (needs systemd as PID 1), or a
cgroup v1 memory child with memory.limit_in_bytes. `kind` says which one was used; the
stress report prints it.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


@dataclass
class MemoryCgroup:
    kind: str
    limit_bytes: int
    directory: Path | None = None  # None for systemd-run, which manages its own scope
    wrapper: list[str] = field(default_factory=list)

    def command(self, argv: list[str]) -> list[str]:
        """`argv`, started inside this cgroup (its children stay in it)."""
        return [*self.wrapper, *argv]

    def oom_kills(self) -> int | None:
        """How many processes the kernel killed for memory in this cgroup."""
        if self.directory is None:
            return None
        name = "memory.events" if self.kind == "cgroup v2" else "memory.oom_control"
        for line in (self.directory / name).read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return None

    def usage(self) -> dict[str, int] | None:
        """Now: `anon` (process memory), and `working_set` (all charged memory but the
        inactive page cache: what the app's memory shedding compares with the limit)."""
        if self.directory is None:
            return None
        stat = dict(
            (key, int(value))
            for key, _, value in (
                line.partition(" ")
                for line in (self.directory / "memory.stat").read_text().splitlines()
            )
        )
        if self.kind == "cgroup v2":
            current = int((self.directory / "memory.current").read_text())
            return {"anon": stat["anon"], "working_set": current - stat["inactive_file"]}
        current = int((self.directory / "memory.usage_in_bytes").read_text())
        return {"anon": stat["total_rss"], "working_set": current - stat["total_inactive_file"]}

    def peak_bytes(self) -> int | None:
        if self.directory is None:
            return None
        name = "memory.peak" if self.kind == "cgroup v2" else "memory.max_usage_in_bytes"
        path = self.directory / name
        return int(path.read_text()) if path.exists() else None

    def remove(self) -> None:
        if self.directory is not None and self.directory.exists():
            # Only an empty cgroup can be removed: the server must have exited.
            self.directory.rmdir()


def _own_cgroup_v1_memory_path() -> str:
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            return path
    raise RuntimeError("this process is in no cgroup v1 memory hierarchy")


def _enter(directory: Path, procs: str) -> list[str]:
    # The shell moves itself into the cgroup, then becomes the server.
    return ["sh", "-c", f'echo $$ > "{directory / procs}" && exec "$@"', "sh"]


def memory_cgroup(name: str, limit_bytes: int) -> MemoryCgroup:
    unified = CGROUP_ROOT / "cgroup.controllers"
    if unified.exists() and "memory" in unified.read_text().split():
        own = Path("/proc/self/cgroup").read_text().splitlines()[0].split(":", 2)[2]
        directory = CGROUP_ROOT / own.lstrip("/") / name
        directory.mkdir(exist_ok=True)
        (directory / "memory.max").write_text(str(limit_bytes))
        (directory / "memory.swap.max").write_text("0")
        return MemoryCgroup("cgroup v2", limit_bytes, directory, _enter(directory, "cgroup.procs"))

    systemd_run = shutil.which("systemd-run")
    if systemd_run and os.path.exists("/run/systemd/system"):
        probe = subprocess.run(
            [systemd_run, "--scope", "--quiet", "-p", f"MemoryMax={limit_bytes}", "true"],
            capture_output=True,
            check=False,
        )
        if probe.returncode == 0:
            wrapper = [systemd_run, "--scope", "--quiet", "-p", f"MemoryMax={limit_bytes}"]
            return MemoryCgroup("systemd-run --scope", limit_bytes, None, wrapper)

    v1 = CGROUP_ROOT / "memory"
    if (v1 / "memory.limit_in_bytes").exists():
        directory = v1 / _own_cgroup_v1_memory_path().lstrip("/") / name
        directory.mkdir(exist_ok=True)
        (directory / "memory.limit_in_bytes").write_text(str(limit_bytes))
        swap_limit = directory / "memory.memsw.limit_in_bytes"
        if swap_limit.exists():
            swap_limit.write_text(str(limit_bytes))
        return MemoryCgroup("cgroup v1", limit_bytes, directory, _enter(directory, "cgroup.procs"))

    raise RuntimeError("no way to limit memory here: no cgroup v2 memory, systemd or cgroup v1")
