"""Housekeeping of prometheus-client's multiprocess directory (PROMETHEUS_MULTIPROC_DIR).

Each process writes `<kind>_<pid>.db` files there, and /metrics reads every file on each
scrape. Workers retire often (max_requests, the RSS limit, the task worker's --max-tasks):
left alone, the directory would gain files with every retirement and scrapes would slow down
for as long as the server runs. So, from gunicorn's master (deploy/gunicorn.conf.py):

- when a process has exited, its counters and histograms are added into one archive file
  per kind (sums survive: a counter never goes back when a worker retires) and its files are
  deleted; its live gauges (requests in flight) simply go;
- when the master starts, the files of processes that are gone are deleted: a restarted
  server starts its counters from zero, which Prometheus' rate() expects.

prometheus-client offers mark_process_dead for the gauges only; the archiving is ours (its
MmapedDict does the file format). Imports nothing from Django: it runs in the master.
"""

import logging
import os
import re
from pathlib import Path

from prometheus_client import multiprocess
from prometheus_client.mmap_dict import MmapedDict

logger = logging.getLogger(__name__)

# counter_123.db, histogram_123.db, gauge_livesum_123.db; the archives are <kind>_archive.db.
_PROCESS_FILE = re.compile(r"(?P<kind>[a-z]+)_(?:(?P<mode>[a-z]+)_)?(?P<pid>\d+)\.db")
ADDITIVE_KINDS = ("counter", "histogram")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    return True


def _process_files(directory: Path) -> list[tuple[Path, str, int]]:
    found = []
    for path in directory.glob("*.db"):
        match = _PROCESS_FILE.fullmatch(path.name)
        if match:
            found.append((path, match["kind"], int(match["pid"])))
    return found


def archive_exited_processes(directory: Path) -> int:
    """Fold the files of every process that has exited into the archives; returns how many
    processes were folded."""
    exited = {pid for _, _, pid in _process_files(directory) if not _alive(pid)}
    for pid in sorted(exited):
        # prometheus-client's functions carry no annotations.
        multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
        for kind in ADDITIVE_KINDS:
            source = directory / f"{kind}_{pid}.db"
            if not source.exists():
                continue
            archive = MmapedDict(str(directory / f"{kind}_archive.db"))  # type: ignore[no-untyped-call]
            try:
                values = MmapedDict.read_all_values_from_file(str(source))  # type: ignore[no-untyped-call]
                for key, value, timestamp, _ in values:
                    total, _ = archive.read_value(key)  # type: ignore[no-untyped-call]
                    archive.write_value(key, total + value, timestamp)  # type: ignore[no-untyped-call]
            finally:
                archive.close()  # type: ignore[no-untyped-call]
            source.unlink()
        # Anything else this process left (gauges in other modes) is stale now.
        for path, _, file_pid in _process_files(directory):
            if file_pid == pid:
                path.unlink(missing_ok=True)
    return len(exited)


def clear_for_new_server(directory: Path) -> None:
    """At the master's start: drop the archives and every file of a process that is gone
    (a task worker still running keeps its files)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*_archive.db"):
        path.unlink()
    for path, _, pid in _process_files(directory):
        if not _alive(pid):
            path.unlink(missing_ok=True)
