"""The contest entries export (GET /api/contests/admin/contests/{id}/entries/export): worker
RSS while 10,000 and 100,000 entries stream as CSV.

Fills a MariaDB database (CONTESTS_BENCH_DATABASE_URL, dropped and recreated) with two
contests of 10,000 and 100,000 entries, generated inside MariaDB from its seq_ tables, every
tenth entry with a proof file; starts gunicorn with one uvicorn worker (deploy/gunicorn.conf.py,
DEBUG=0), takes the worker's idle RSS, then downloads each export as staff, reading 64 KiB at a
time, while the worker's RSS is sampled every 20 ms. Checks the row count and the header.
Flat means: the 100,000-entry export costs the worker no more than the 10,000-entry one (the
script exits 1 if its peak RSS over idle passes 2x the smaller export's + 8 MB).

    .venv/bin/python -m tests.bench.bench_contests [--port 18640] [--entries 100000]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import psutil

from tests.bench.server import MB, PeakRss, django_env, gunicorn, idle_rss, manage, only_worker

MAKE_STAFF = """
import json
from accounts.models import User
from rest_framework_simplejwt.tokens import AccessToken
staff = User.objects.create_user(username="bench-staff", email="staff@example.com",
                                 password="x", role="admin", is_staff=True)
print(json.dumps({"token": str(AccessToken.for_user(staff))}))
"""


def mariadb(database: str, sql: str) -> None:
    subprocess.run(
        ["mariadb", "--protocol=tcp", "-h127.0.0.1", "-uroot", database, "-e", sql], check=True
    )


def fill(database: str, sizes: list[int]) -> list[int]:
    """One contest per size with that many entries; their ids."""
    ids = []
    for number, size in enumerate(sizes, start=1):
        mariadb(
            database,
            "INSERT INTO contests (title, slug, description, hero_image_url, banner_image_url,"
            " start_date, end_date, eligibility_criteria, per_user_limit, auto_approve,"
            " is_published, created_at, updated_at) VALUES"
            f" ('Bench {number}', 'bench-{number}', '', '', '', CURDATE(), CURDATE(), '', 1, 0,"
            " 1, NOW(), NOW())",
        )
        contest = number
        statuses = "'pending', 'approved', 'rejected', 'winner'"
        mariadb(
            database,
            "INSERT INTO contest_entries (contest_id, participant_name, email, phone, event_type,"
            " event_date, relation, message, owner_email, owner_phone, status, admin_note,"
            " ocr_extracted_text, reference_id, created_at, updated_at)"
            " SELECT"
            f" {contest}, CONCAT(IF(seq % 50 = 0, '=cmd|', ''), 'Participant ', seq),"
            " CONCAT('p', seq, '@example.com'), CONCAT('+9198', LPAD(seq, 8, '0')), 'birthday',"
            " CURDATE() + INTERVAL seq % 300 DAY, 'self', 'A message, with \"quotes\"', '', '',"
            f" ELT(1 + seq % 4, {statuses}), IF(seq % 7 = 0, 'Checked the invitation', ''), '',"
            f" CONCAT('CT{number}', LPAD(seq, 10, '0')),"
            " NOW() - INTERVAL seq SECOND, NOW() - INTERVAL seq SECOND"
            f" FROM seq_1_to_{size}",
        )
        mariadb(
            database,
            "INSERT INTO contest_entry_files (contest_id, entry_id, upload_id, `key`, file_name,"
            " file_type, file_size, legacy_url, created_at)"
            " SELECT contest_id, id, NULL, LPAD(HEX(id), 32, '0'), 'invite.jpg', 'image/jpeg',"
            " 120000, CONCAT('https://legacy.example/api/uploads/contests/proof_', id, '.jpg'),"
            f" created_at FROM contest_entries WHERE contest_id = {contest} AND id % 10 = 0",
        )
        mariadb(database, "ANALYZE TABLE contest_entries, contest_entry_files")
        ids.append(contest)
    return ids


def download(url: str, token: str, worker: psutil.Process) -> dict[str, float]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    rows = 0
    size = 0
    first_byte = 0.0
    with PeakRss(worker) as rss:
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
            assert response.status == 200, response.status
            assert response.headers["Content-Type"].startswith("text/csv")
            head = b""
            while chunk := response.read(64 * 1024):
                if not first_byte:
                    first_byte = time.perf_counter() - started
                    head = chunk
                size += len(chunk)
                rows += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    assert head.startswith(b"ID,Reference ID,Participant Name"), head[:80]
    return {
        "rows": rows,
        "mb": size / MB,
        "seconds": seconds,
        "first_byte_ms": first_byte * 1000,
        "peak": rss.peak,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=18640)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument(
        "--database-url", default="mysql://root@127.0.0.1:3306/lebrq_contests_bench"
    )
    args = parser.parse_args()
    database = urlparse(args.database_url).path.lstrip("/")
    assert database.endswith("_bench"), "the benchmark drops its database: name it *_bench"
    mariadb(
        "mysql",
        f"DROP DATABASE IF EXISTS `{database}`; CREATE DATABASE `{database}` CHARACTER SET utf8mb4",
    )
    workdir = Path(tempfile.mkdtemp(prefix="lebrq-bench-contests-"))
    env = {
        **django_env(),
        "DATABASE_URL": args.database_url,
        "MEDIA_ROOT": str(workdir / "media"),
    }
    manage("migrate", "--no-input", env=env)
    token = json.loads(manage("shell", "-v", "0", "-c", MAKE_STAFF, env=env))["token"]
    sizes = [args.entries // 10, args.entries]
    started = time.perf_counter()
    contests = fill(database, sizes)
    print(f"filled {sum(sizes):,} entries in {time.perf_counter() - started:.0f} s")
    results = []
    with gunicorn(args.port, env, workers=1, log=workdir / "gunicorn.log") as master:
        worker = only_worker(master)
        base = f"http://127.0.0.1:{args.port}/api/contests/admin/contests"
        # Warm up the request path (imports, the first query) on a small page.
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{base}/{contests[0]}/entries?limit=1", headers={"Authorization": f"Bearer {token}"}
        )
        urllib.request.urlopen(request, timeout=30).read()  # noqa: S310
        idle = idle_rss(worker)
        print(f"idle worker RSS {idle / MB:.1f} MB")
        for contest, size in zip(contests, sizes, strict=True):
            for attempt in (1, 2):
                result = download(f"{base}/{contest}/entries/export", token, worker)
                assert result["rows"] == size + 1, (result["rows"], size)
                result.update(entries=size, attempt=attempt, delta=(result["peak"] - idle) / MB)
                results.append(result)
                print(result)
        retained = (idle_rss(worker) - idle) / MB
    print()
    print(f"Idle worker RSS {idle / MB:.1f} MB; retained after the exports {retained:+.1f} MB")
    print()
    print("| entries | run | CSV MB | first byte ms | total s | rows/s | peak RSS over idle |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['entries']:,} | {r['attempt']} | {r['mb']:.1f} | {r['first_byte_ms']:.0f} |"
            f" {r['seconds']:.1f} | {r['entries'] / r['seconds']:,.0f} | {r['delta']:+.1f} MB |"
        )
    small = max(r["delta"] for r in results if r["entries"] == sizes[0])
    large = max(r["delta"] for r in results if r["entries"] == sizes[1])
    if large > 2 * small + 8:
        print(f"NOT FLAT: {large:+.1f} MB for {sizes[1]:,} entries vs {small:+.1f} MB")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
