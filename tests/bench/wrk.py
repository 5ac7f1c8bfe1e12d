"""Drive an HTTP endpoint with wrk (C, so the load generator stays light on a 2-core box)."""

import json
import shutil
import subprocess
from pathlib import Path
from typing import TypedDict

REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")


class WrkResult(TypedDict):
    """The JSON line wrk_report.lua prints."""

    requests: int
    seconds: float
    rps: float
    non_2xx: int
    socket_errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench-* does it)")
    return wrk


def run(url: str, *, connections: int, seconds: int, headers: dict[str, str]) -> WrkResult:
    command = [
        require_wrk(),
        "--threads",
        str(min(2, connections)),  # wrk refuses more threads than connections
        "--connections",
        str(connections),
        "--duration",
        f"{seconds}s",
        "--timeout",
        "30s",
        "--script",
        str(REPORT_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
    return json.loads(line.removeprefix("WRK_JSON "))
