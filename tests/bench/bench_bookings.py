"""p50/p95 latency of page 1 and page 2,000 of the booking lists over a million bookings.

Run with `make bench-bookings`. Loads the dataset into MariaDB (database lebrq_bench, kept
between runs), serves it with gunicorn + 2 uvicorn workers, and drives each URL with wrk at
50 concurrent connections. It runs once with the default count cache and once counting on
every request, so the effect of the cache is a ratio from one run.
"""

import argparse
import os
import sys

import django

from tests.bench import bookings_dataset, server, wrk

PORT = 17100
PAGE_DEEP = 2000


def tokens(env: dict[str, str]) -> tuple[str, str]:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")
    django.setup()
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    print("dataset:", "loaded" if bookings_dataset.load(connection) else "already loaded")
    customer, staff = bookings_dataset.heavy_customer_and_staff()
    connection.close()
    return str(AccessToken.for_user(customer)), str(AccessToken.for_user(staff))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per URL")
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/lebrq_bench")
    env = server.django_env(DATABASE_URL=database_url)
    server.manage("migrate", "--no-input", "-v0", env=env)
    customer_token, staff_token = tokens(env)
    scenarios = [
        ("/api/admin/bookings", staff_token),
        ("/api/bookings", customer_token),
    ]
    rows = []
    for cache_label, cache_seconds in (("count cached 10 s", "10"), ("count every request", "0")):
        run_env = {**env, "PAGINATION_COUNT_CACHE_SECONDS": cache_seconds}
        with server.gunicorn(PORT, run_env, workers=2):
            for path, token in scenarios:
                for page in (1, PAGE_DEEP):
                    url = f"http://127.0.0.1:{PORT}{path}?page={page}"
                    headers = {"Authorization": f"Bearer {token}"}
                    wrk.run(url, connections=5, seconds=2, headers=headers)  # warm up
                    result = wrk.run(
                        url, connections=args.connections, seconds=args.seconds, headers=headers
                    )
                    rows.append((cache_label, path, page, result))
                    print(cache_label, path, page, result, flush=True)

    print()
    print("| total count | endpoint | page | p50 ms | p95 ms | p99 ms | req/s | non-2xx |")
    print("|---|---|---|---|---|---|---|---|")
    for cache_label, path, page, r in rows:
        print(
            f"| {cache_label} | `{path}` | {page} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |"
            f" {r['p99_ms']:.0f} | {r['rps']:.0f} | {r['non_2xx'] + r['socket_errors']} |"
        )
    if any(r["non_2xx"] or r["socket_errors"] for *_, r in rows):
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
