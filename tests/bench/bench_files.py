"""Worker memory and throughput while serving and receiving a 1 GiB file (issue 4).

Starts the real server (gunicorn + one uvicorn worker, lebrq.asgi, SQLite in a temp dir), then
measures the worker's peak RSS (sampled every 20 ms) while it:

  a) sends a 1 GiB file whole,
  b) sends it as 16 sequential 64 MiB ranges, then as 4 concurrent 256 MiB ranges,
  c) receives it as a multipart upload (POST /api/uploads/files, limit raised for the run),
  d) receives a video at the video limit (POST /api/uploads/video as staff, the racks screen's
     call; --video-mib, default VIDEO_UPLOAD_MAX_FILE_SIZE_MB's 100),

each as a delta over the worker's idle RSS after a warm-up, and compares download throughput
with nginx serving the same file from disk, directly and through Django's X-Accel-Redirect mode.
Exits 1 if any RSS delta passes 8 MB. Needs curl and nginx (`make bench-files` installs them).

    .venv/bin/python -m tests.bench.bench_files [--size-mib 1024] [--video-mib 100] [--port 18470]
"""

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.server import (
    MB,
    PeakRss,
    django_env,
    gunicorn,
    idle_rss,
    manage,
    only_worker,
)

MIB = 1024 * 1024
RSS_DELTA_LIMIT_MB = 8.0
# An MP4 `ftyp` box, so the upload endpoint accepts the file as video/mp4.
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@dataclass
class Result:
    scenario: str
    status: str
    seconds: float
    megabytes: float
    rss_delta_mb: float | None = None

    @property
    def throughput(self) -> float:
        return self.megabytes / self.seconds if self.seconds else 0.0


def write_big_file(path: Path, size: int) -> str:
    """Random-looking bytes with an MP4 header, written 4 MiB at a time; returns the sha256."""
    block = os.urandom(4 * MIB)
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        written = 0
        first = MP4_HEADER + block[len(MP4_HEADER) :]
        while written < size:
            chunk = (first if written == 0 else block)[: size - written]
            out.write(chunk)
            digest.update(chunk)
            written += len(chunk)
    return digest.hexdigest()


def server_env(workdir: Path, video_mib: int = 100, **overrides: str) -> dict[str, str]:
    env = {
        **django_env(),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "FILE_UPLOAD_TEMP_DIR": str(workdir / "upload-tmp"),
        "GUNICORN_TIMEOUT": "600",
        # Room for the 1 GiB upload (the body-limit wrapper reads UPLOAD_MAX_BODY_SIZE_MB).
        "UPLOAD_MAX_FILE_SIZE_MB": "4096",
        "UPLOAD_MAX_BODY_SIZE_MB": "8192",
        # The video route's own file limit, as deployed unless --video-mib says otherwise.
        "VIDEO_UPLOAD_MAX_FILE_SIZE_MB": str(video_mib),
    }
    env.update(overrides)
    return env


REGISTER_FILE = """
import json
from accounts.models import User
from rest_framework_simplejwt.tokens import AccessToken
from uploads.models import Upload
user = User.objects.create_user(username="bench", email="bench@example.com", password="x")
upload = Upload.objects.create(
    owner=user, file="uploads/bench/big.mp4", kind="file", original_name="big.mp4",
    content_type="video/mp4", size={size}, sha256="{sha256}",
)
staff = User.objects.create_user(
    username="bench-staff", email="staff@example.com", password="x", is_staff=True, role="admin"
)
print(json.dumps({{
    "id": upload.pk,
    "token": str(AccessToken.for_user(user)),
    "staff_token": str(AccessToken.for_user(staff)),
}}))
"""


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/nginx-tmp/body;
    proxy_temp_path {work}/nginx-tmp/proxy;
    fastcgi_temp_path {work}/nginx-tmp/fastcgi;
    uwsgi_temp_path {work}/nginx-tmp/uwsgi;
    scgi_temp_path {work}/nginx-tmp/scgi;
    sendfile on;
    tcp_nopush on;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{nginx_port};
        # nginx alone, for the throughput reference.
        location /media/ {{ alias {media}/; }}
        # Django in FILE_SERVE_MODE=x-accel checks access, nginx sends the bytes.
        # After X-Accel-Redirect nginx keeps only some upstream headers (Content-Type,
        # Content-Disposition, Cache-Control...): nosniff and CORS must be re-added here.
        location /protected-media/ {{
            internal;
            alias {media}/;
            add_header X-Content-Type-Options nosniff always;
            add_header Access-Control-Allow-Origin
                $upstream_http_access_control_allow_origin always;
            add_header Access-Control-Expose-Headers
                $upstream_http_access_control_expose_headers always;
        }}
        location /api/ {{
            proxy_pass http://127.0.0.1:{django_port};
            proxy_set_header Host $host;
            client_max_body_size 0;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(workdir: Path, nginx_port: int, django_port: int) -> Iterator[None]:
    executable = shutil.which("nginx") or "/usr/sbin/nginx"
    (workdir / "nginx-tmp").mkdir(exist_ok=True)
    conf = workdir / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            work=workdir,
            media=workdir / "media",
            nginx_port=nginx_port,
            django_port=django_port,
        )
    )
    process = subprocess.Popen(
        [executable, "-p", str(workdir), "-c", str(conf), "-e", str(workdir / "nginx-error.log")],
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while not _port_open(nginx_port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nginx did not start: see {workdir / 'nginx-error.log'}")
            time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def curl(url: str, *args: str, token: str | None = None) -> tuple[str, int, float]:
    """(status, bytes received, seconds) of one curl run that discards the body."""
    command = [
        "curl",
        "-sS",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code} %{size_download} %{time_total}",
    ]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*command, *args, url], check=True, capture_output=True, text=True)
    status, size, seconds = out.stdout.split()
    return status, int(size), float(seconds)


def curl_upload(
    url: str, path: Path, content_type: str, token: str, response: Path
) -> tuple[str, int, float, dict[str, Any]]:
    """(status, bytes sent, seconds, answer) of a multipart upload of `path` as curl streams
    it from disk (the answer goes through `response`, a file, not this process's memory)."""
    out = subprocess.run(
        [
            "curl", "-sS", "-o", str(response),
            "-w", "%{http_code} %{size_upload} %{time_total}",
            "-H", f"Authorization: Bearer {token}",
            "-F", f"file=@{path};type={content_type}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()  # fmt: skip
    return out[0], int(out[1]), float(out[2]), json.loads(response.read_text())


def curl_parallel(url: str, ranges: list[str], token: str) -> tuple[list[str], int, float]:
    command = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}"]
    started = time.monotonic()
    processes = [
        subprocess.Popen(
            [*command, "-H", f"Authorization: Bearer {token}", "-r", byte_range, url],
            stdout=subprocess.PIPE,
            text=True,
        )
        for byte_range in ranges
    ]
    outputs = [process.communicate()[0].split() for process in processes]
    seconds = time.monotonic() - started
    return [o[0] for o in outputs], sum(int(o[1]) for o in outputs), seconds


def run(size: int, port: int, workdir: Path, video_mib: int = 100) -> list[Result]:
    nginx_port, xaccel_port = port + 1, port + 2
    env = server_env(workdir, video_mib)
    for directory in ("media", "upload-tmp"):
        (workdir / directory).mkdir()
    print(f"Writing a {size // MIB} MiB file and migrating a SQLite database in {workdir}")
    big = workdir / "media" / "uploads" / "bench" / "big.mp4"
    sha256 = write_big_file(big, size)
    video = workdir / "video" / "clip.mp4"
    video_size = video_mib * MIB
    video_sha256 = write_big_file(video, video_size)
    manage("migrate", "--no-input", env=env)
    registered = json.loads(
        manage("shell", "-v", "0", "-c", REGISTER_FILE.format(size=size, sha256=sha256), env=env)
    )
    token = registered["token"]
    base = f"http://127.0.0.1:{port}"
    file_url = f"{base}/api/uploads/{registered['id']}"
    chunk = 64 * MIB
    results: list[Result] = []

    with gunicorn(port, env, workers=1, log=workdir / "gunicorn.log") as master:
        worker = only_worker(master)
        # Warm up: first requests import code and start thread pools; that is not per-file cost.
        status, received, _ = curl(file_url, "-r", "0-1048575", token=token)
        assert (status, received) == ("206", MIB), (status, received)
        small = workdir / "warmup.mp4"
        small.write_bytes(MP4_HEADER + bytes(MIB))
        status, _, _ = curl(
            f"{base}/api/uploads/files", "-F", f"file=@{small};type=video/mp4", token=token
        )
        assert status == "201", status
        idle = idle_rss(worker)
        print(f"Worker pid {worker.pid}, idle RSS after warm-up: {idle / MB:.1f} MB")

        def measured(scenario: str, action) -> None:
            with PeakRss(worker) as rss:
                status, received, seconds = action()
            delta = (rss.peak - idle) / MB
            results.append(Result(scenario, status, seconds, received / MB, delta))
            print(
                f"  {scenario}: {status}, {received / MB:.0f} MB in {seconds:.1f} s, "
                f"peak RSS +{delta:.1f} MB"
            )

        def whole() -> tuple[str, int, float]:
            status, received, seconds = curl(file_url, token=token)
            assert (status, received) == ("200", size), (status, received)
            return status, received, seconds

        def sequential_ranges() -> tuple[str, int, float]:
            total, started, statuses = 0, time.monotonic(), set()
            for start in range(0, size, chunk):
                end = min(start + chunk, size) - 1
                status, received, _ = curl(file_url, "-r", f"{start}-{end}", token=token)
                assert (status, received) == ("206", end - start + 1), (status, received)
                statuses.add(status)
                total += received
            return "/".join(sorted(statuses)), total, time.monotonic() - started

        def concurrent_ranges() -> tuple[str, int, float]:
            quarter = size // 4
            ranges = [f"{i * quarter}-{(i + 1) * quarter - 1}" for i in range(4)]
            statuses, total, seconds = curl_parallel(file_url, ranges, token)
            assert set(statuses) == {"206"}, statuses
            assert total == 4 * quarter, total
            return "206", total, seconds

        def upload() -> tuple[str, int, float]:
            status, sent, seconds, body = curl_upload(
                f"{base}/api/uploads/files", big, "video/mp4", token,
                workdir / "upload-response.json",
            )  # fmt: skip
            assert status == "201", body
            assert body["files"][0]["size"] == size, body
            assert body["files"][0]["sha256"] == sha256, body
            return status, sent, seconds

        def video_upload() -> tuple[str, int, float]:
            status, sent, seconds, body = curl_upload(
                f"{base}/api/uploads/video", video, "video/mp4", registered["staff_token"],
                workdir / "video-response.json",
            )  # fmt: skip
            assert status == "201", body
            assert body["files"][0]["size"] == video_size, body
            assert body["files"][0]["sha256"] == video_sha256, body
            assert body["files"][0]["kind"] == "video", body
            return status, sent, seconds

        print("Measuring (worker RSS sampled every 20 ms):")
        measured(f"Django: download {size // MIB} MiB whole", whole)
        measured(f"Django: download {size // chunk} x 64 MiB ranges", sequential_ranges)
        measured("Django: download 4 concurrent quarter ranges", concurrent_ranges)
        measured(f"Django: upload {size // MIB} MiB multipart", upload)
        measured(f"Django: upload {video_mib} MiB video (/uploads/video)", video_upload)

    xaccel_env = server_env(workdir, FILE_SERVE_MODE="x-accel", X_ACCEL_PREFIX="/protected-media/")
    with (
        gunicorn(xaccel_port, xaccel_env, workers=1, log=workdir / "gunicorn-xaccel.log"),
        nginx(workdir, nginx_port, xaccel_port),
    ):
        direct_url = f"http://127.0.0.1:{nginx_port}/media/uploads/bench/big.mp4"
        status, received, seconds = curl(direct_url)
        assert (status, received) == ("200", size), (status, received)
        results.append(Result("nginx: download whole (sendfile)", status, seconds, received / MB))
        xaccel_url = f"http://127.0.0.1:{nginx_port}/api/uploads/{registered['id']}"
        headers = subprocess.run(
            [
                "curl",
                "-sS",
                "-D",
                "-",
                "-o",
                "/dev/null",
                "-r",
                "0-99",
                "-H",
                f"Authorization: Bearer {token}",
                xaccel_url,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.lower()
        assert "206 partial content" in headers, headers
        assert "x-content-type-options: nosniff" in headers, headers
        assert "content-disposition: attachment" in headers, headers
        status, received, seconds = curl(xaccel_url, token=token)
        assert (status, received) == ("200", size), (status, received)
        results.append(
            Result("nginx + Django x-accel: download whole", status, seconds, received / MB)
        )
    return results


def print_table(results: list[Result], size: int) -> None:
    print()
    print(
        f"Files benchmark: {size // MIB} MiB file, 1 uvicorn worker, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    header = f"{'scenario':48} {'status':>7} {'seconds':>8} {'MB/s':>8} {'RSS delta MB':>13}"
    print(header)
    print("-" * len(header))
    for r in results:
        delta = "-" if r.rss_delta_mb is None else f"{r.rss_delta_mb:+.1f}"
        print(f"{r.scenario:48} {r.status:>7} {r.seconds:8.1f} {r.throughput:8.0f} {delta:>13}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument(
        "--video-mib", type=int, default=100, help="the video upload, at the video file limit"
    )
    parser.add_argument("--port", type=int, default=18470, help="uses this port and the next two")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, files)")
    args = parser.parse_args()
    for tool in ("curl", "nginx"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            print(f"{tool} is missing: apt-get install {tool}", file=sys.stderr)
            return 2
    size = args.size_mib * MIB
    workdir = Path(tempfile.mkdtemp(prefix="lebrq-bench-files-"))
    # nginx's workers run as another user (nobody) when started by root.
    workdir.chmod(0o755)
    try:
        results = run(size, args.port, workdir, args.video_mib)
    finally:
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(results, size)
    over = [
        r for r in results if r.rss_delta_mb is not None and r.rss_delta_mb > RSS_DELTA_LIMIT_MB
    ]
    if over:
        print(
            f"\nFAIL: RSS delta above {RSS_DELTA_LIMIT_MB} MB: "
            + ", ".join(r.scenario for r in over)
        )
        return 1
    print(f"\nOK: every RSS delta is within {RSS_DELTA_LIMIT_MB} MB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
