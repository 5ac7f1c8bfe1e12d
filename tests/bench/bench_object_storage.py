"""Worker memory while a 1 GiB upload goes to an S3 bucket, and downloads from it (issue 23).

Starts moto's S3 server (`moto_server`, its own process, on 127.0.0.1) and the real server
(gunicorn + one uvicorn worker, lebrq.asgi, SQLite in a temp dir) with AWS_STORAGE_BUCKET_NAME
pointing at it, then measures the worker's peak RSS (sampled every 20 ms) over its idle RSS
(after a warm-up for the upload, just before for each download) while it:

  a) receives a 1 GiB multipart upload (POST /api/uploads/files): spooled to a temporary file,
     hashed, then sent to the bucket as a multipart upload of AWS_S3_MULTIPART_CHUNK_MB parts,
     AWS_S3_UPLOAD_CONCURRENCY at once;
  b) answers a ranged download (302 to a presigned URL; curl follows it to the bucket);
  c) answers a whole download the same way;

and times 300 ranged GETs in a row answered 302 (one client: the access check and the
presigned URL), then the same from the local disk (the server restarted without a bucket).

Checks the object in the bucket (size, part count) and the bytes a range returns. Exits 1 if the
upload's RSS delta passes 2 x concurrency x part size + 8 MB (what lebrq.bucket_storage
promises) or a download's passes 8 MB. Needs curl (`make bench-object-storage` installs it).

    .venv/bin/python -m tests.bench.bench_object_storage [--size-mib 1024] [--chunk-mib 8]
        [--concurrency 2] [--port 18480]
"""

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.bench.bench_files import (
    MIB,
    MP4_HEADER,
    Result,
    _port_open,
    curl_upload,
    server_env,
    write_big_file,
)
from tests.bench.server import BIN, MB, PeakRss, gunicorn, idle_rss, manage, only_worker
from tests.fake_s3 import ACCESS_KEY, REGION, SECRET_KEY, s3_client

DOWNLOAD_RSS_LIMIT_MB = 8.0
REDIRECT_SAMPLES = 300

REGISTER_USER = """
import json
from accounts.models import User
from rest_framework_simplejwt.tokens import AccessToken
user = User.objects.create_user(username="bench", email="bench@example.com", password="x")
print(json.dumps({"token": str(AccessToken.for_user(user))}))
"""


@contextlib.contextmanager
def moto_server(port: int, log: Path) -> Iterator[str]:
    """moto's S3 server in a process of its own (its memory is not the worker's)."""
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 30
        while not _port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"moto_server did not start: see {log}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def curl_follow(url: str, token: str, *args: str) -> tuple[str, int, float, str]:
    """(status after the redirect, bytes, seconds, the first answer's status) of a download
    that follows the 302 to the bucket."""
    out = subprocess.run(
        [
            "curl",
            "-sS",
            "-L",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{size_download} %{time_total} %{num_redirects}",
            "-H",
            f"Authorization: Bearer {token}",
            *args,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return out[0], int(out[1]), float(out[2]), "302" if out[3] == "1" else "no redirect"


def run(
    size: int, port: int, workdir: Path, chunk_mib: int, concurrency: int
) -> tuple[list[Result], dict[str, int]]:
    moto_port = port + 1
    bucket = "lebrq-bench"
    for directory in ("media", "upload-tmp"):
        (workdir / directory).mkdir()
    print(f"Writing a {size // MIB} MiB file and migrating a SQLite database in {workdir}")
    big = workdir / "big.mp4"
    sha256 = write_big_file(big, size)
    results: list[Result] = []

    with moto_server(moto_port, workdir / "moto.log") as endpoint:
        client = s3_client(endpoint)
        client.create_bucket(Bucket=bucket)
        env = server_env(
            workdir,
            AWS_STORAGE_BUCKET_NAME=bucket,
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_S3_REGION_NAME=REGION,
            AWS_S3_ADDRESSING_STYLE="path",
            AWS_ACCESS_KEY_ID=ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=SECRET_KEY,
            AWS_S3_MULTIPART_CHUNK_MB=str(chunk_mib),
            AWS_S3_UPLOAD_CONCURRENCY=str(concurrency),
            # The bench user is a customer: room for the file in its storage quota.
            UPLOAD_QUOTA_PER_USER_MB=str(4 * size // MIB),
        )
        manage("migrate", "--no-input", env=env)
        token = json.loads(manage("shell", "-v", "0", "-c", REGISTER_USER, env=env))["token"]
        base = f"http://127.0.0.1:{port}"

        def upload_file(path: Path) -> tuple[str, int, float, dict[str, object]]:
            status, sent, seconds, body = curl_upload(
                f"{base}/api/uploads/files", path, "video/mp4", token,
                workdir / "upload-response.json",
            )  # fmt: skip
            assert status == "201", body
            # The stored name ("path") with the file's own facts.
            return status, sent, seconds, {**body["files"][0], "path": body["path"]}

        with gunicorn(port, env, workers=1, log=workdir / "gunicorn.log") as master:
            worker = only_worker(master)
            # Warm up: the bucket client, s3transfer's threads and a multipart upload of a few
            # parts, and a download redirect; that is not per-file cost.
            small = workdir / "warmup.mp4"
            small.write_bytes(MP4_HEADER + bytes((2 * chunk_mib + 1) * MIB))
            _, _, _, warm = upload_file(small)
            curl_follow(f"{base}/api/uploads/{warm['id']}", token, "-r", "0-99")
            idle = idle_rss(worker)
            print(f"Worker pid {worker.pid}, idle RSS after warm-up: {idle / MB:.1f} MB")

            print("Measuring (worker RSS sampled every 20 ms):")
            with PeakRss(worker) as rss:
                status, sent, seconds, stored = upload_file(big)
            assert stored["size"] == size, stored
            assert stored["sha256"] == sha256, stored
            upload_delta = (rss.peak - idle) / MB
            results.append(
                Result(
                    f"upload {size // MIB} MiB to the bucket",
                    status,
                    seconds,
                    sent / MB,
                    upload_delta,
                )
            )
            print(f"  upload: {status} in {seconds:.1f} s, peak RSS +{upload_delta:.1f} MB")
            key = f"media/{stored['path']}"
            head = client.head_object(Bucket=bucket, Key=key)
            parts = int(head["ETag"].strip('"').rpartition("-")[2])
            assert head["ContentLength"] == size, head
            facts = {"parts": parts, "object_bytes": head["ContentLength"]}
            print(f"  in the bucket: {key}, {head['ContentLength']} bytes in {parts} parts")

            # The allocator may keep what the upload freed (glibc's per-thread arenas): the
            # downloads are measured from the RSS they start at.
            retained = (idle_rss(worker) - idle) / MB
            facts["retained_mb_x10"] = round(retained * 10)
            print(f"  RSS kept after the upload: +{retained:.1f} MB")
            file_url = f"{base}/api/uploads/{stored['id']}"
            start = size // 2
            before = idle_rss(worker)
            with PeakRss(worker) as rss:
                status, received, seconds, first = curl_follow(
                    file_url, token, "-r", f"{start}-{start + MIB - 1}"
                )
            assert (first, status, received) == ("302", "206", MIB), (first, status, received)
            ranged = client.get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{start + 99}")
            with big.open("rb") as original:
                original.seek(start)
                assert ranged["Body"].read() == original.read(100)
            delta = (rss.peak - before) / MB
            results.append(Result("download 1 MiB range (302 + bucket)", status, seconds, 1, delta))

            before = idle_rss(worker)
            with PeakRss(worker) as rss:
                status, received, seconds, first = curl_follow(file_url, token)
            assert (first, status, received) == ("302", "200", size), (first, status, received)
            delta = (rss.peak - before) / MB
            results.append(
                Result(
                    f"download {size // MIB} MiB whole (302 + bucket)",
                    status,
                    seconds,
                    received / MB,
                    delta,
                )
            )
            # What the redirect costs the app server: the access check and a presigned URL.
            timed = time_ranged_gets(file_url, token, expected_status=302)
            facts["redirect_p50_us"], facts["redirect_p95_us"] = timed

        # The same ranged GET from the local disk (no bucket), for comparison: a 206 streamed.
        disk_env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
        with gunicorn(port, disk_env, workers=1, log=workdir / "gunicorn-disk.log"):
            _, _, _, on_disk = upload_file(small)
            disk_url = f"{base}/api/uploads/{on_disk['id']}"
            timed = time_ranged_gets(disk_url, token, expected_status=206)
            facts["disk_p50_us"], facts["disk_p95_us"] = timed
    return results, facts


def time_ranged_gets(url: str, token: str, *, expected_status: int) -> tuple[int, int]:
    """p50 and p95 (µs) of REDIRECT_SAMPLES ranged GETs in a row from one client."""
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as http:
        http.get(url, headers={"Range": "bytes=0-99"})  # the connection, and the worker warm
        timings = []
        for _ in range(REDIRECT_SAMPLES):
            started = time.perf_counter()
            answer = http.get(url, headers={"Range": "bytes=0-99"})
            timings.append(time.perf_counter() - started)
            assert answer.status_code == expected_status, answer.status_code
    timings.sort()
    return round(statistics.median(timings) * 1e6), round(timings[int(len(timings) * 0.95)] * 1e6)


def print_table(
    results: list[Result], facts: dict[str, int], size: int, chunk_mib: int, concurrency: int
) -> None:
    print()
    print(
        f"Object storage benchmark: {size // MIB} MiB file, moto_server on loopback, "
        f"parts of {chunk_mib} MiB x {concurrency} at once, 1 uvicorn worker, "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    header = f"{'scenario':44} {'status':>7} {'seconds':>8} {'MB/s':>8} {'RSS delta MB':>13}"
    print(header)
    print("-" * len(header))
    for r in results:
        delta = "-" if r.rss_delta_mb is None else f"{r.rss_delta_mb:+.1f}"
        print(f"{r.scenario:44} {r.status:>7} {r.seconds:8.1f} {r.throughput:8.0f} {delta:>13}")
    print(f"RSS kept by the worker after the upload: +{facts['retained_mb_x10'] / 10:.1f} MB")
    print(f"GET /api/uploads/<id> with Range: bytes=0-99, {REDIRECT_SAMPLES} in a row, one client:")
    for label, key in (("302 to the bucket", "redirect"), ("206 from the local disk", "disk")):
        p50, p95 = facts[f"{key}_p50_us"] / 1000, facts[f"{key}_p95_us"] / 1000
        print(f"  {label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--chunk-mib", type=int, default=8, help="AWS_S3_MULTIPART_CHUNK_MB")
    parser.add_argument("--concurrency", type=int, default=2, help="AWS_S3_UPLOAD_CONCURRENCY")
    parser.add_argument("--port", type=int, default=18480, help="uses this port and the next")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (logs, files)")
    args = parser.parse_args()
    if not shutil.which("curl"):
        print("curl is missing: apt-get install curl", file=sys.stderr)
        return 2
    size = args.size_mib * MIB
    workdir = Path(tempfile.mkdtemp(prefix="lebrq-bench-s3-"))
    try:
        results, facts = run(size, args.port, workdir, args.chunk_mib, args.concurrency)
    finally:
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(results, facts, size, args.chunk_mib, args.concurrency)
    upload_limit = 2 * args.concurrency * args.chunk_mib * MIB / MB + 8
    failures = [
        r.scenario
        for r in results
        if r.rss_delta_mb is not None
        and r.rss_delta_mb
        > (upload_limit if r.scenario.startswith("upload") else DOWNLOAD_RSS_LIMIT_MB)
    ]
    expected_parts = -(-size // (args.chunk_mib * MIB))
    if facts["parts"] != expected_parts:
        failures.append(f"the object has {facts['parts']} parts, not {expected_parts}")
    if failures:
        print("\nFAIL: " + ", ".join(failures))
        return 1
    print(
        f"\nOK: the upload's RSS delta is within {upload_limit:.0f} MB (2 x {args.concurrency} x "
        f"{args.chunk_mib} MiB + 8), the downloads' within {DOWNLOAD_RSS_LIMIT_MB:.0f} MB."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
