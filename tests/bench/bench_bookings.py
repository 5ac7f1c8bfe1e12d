"""p50/p95 latency of page 1 and page 2,000 of the booking lists over a million bookings.

Run with `make bench-bookings`. Loads the dataset into MariaDB (database lebrq_bench, kept
between runs), serves it with gunicorn + 2 uvicorn workers, and drives each URL with wrk at
50 concurrent connections. It runs once with the default count cache and once counting on
every request, so the effect of the cache is a ratio from one run, and once with a single
client for the unloaded latency. The last run also opens the staff admin's bookings
changelist (a million rows) as a signed-in superuser.
"""

import argparse
import os
import sys
import urllib.error
import urllib.request

import django

from tests.bench import bookings_dataset, server, wrk

PORT = 17100
PAGE_DEEP = 2000


def credentials(env: dict[str, str]) -> tuple[str, str, str]:
    """Bearer tokens of the heavy customer and of staff, and a staff admin session cookie."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    print("dataset:", "loaded" if bookings_dataset.load(connection) else "already loaded")
    customer, staff = bookings_dataset.heavy_customer_and_staff()
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    connection.close()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return str(AccessToken.for_user(customer)), str(AccessToken.for_user(staff)), cookie


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def expect_200(url: str, headers: dict[str, str]) -> None:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        sys.exit(f"{url} answered {status}, not 200")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per URL")
    parser.add_argument("--connections", type=int, default=50)
    args = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", "mysql://root@127.0.0.1:3306/lebrq_bench")
    # DEBUG is off, as deployed: the admin's pages need collected static files.
    static_root = server.ROOT / "var" / "bench-static"
    env = server.django_env(DATABASE_URL=database_url, STATIC_ROOT=str(static_root))
    server.manage("migrate", "--no-input", "-v0", env=env)
    server.manage("collectstatic", "--no-input", "-v0", env=env)
    customer_token, staff_token, admin_cookie = credentials(env)
    scenarios = [
        ("/api/admin/bookings", {"Authorization": f"Bearer {staff_token}"}),
        ("/api/bookings", {"Authorization": f"Bearer {customer_token}"}),
    ]
    admin = ("/admin/bookings/booking/", {"Cookie": admin_cookie})
    runs = [
        ("count cached 10 s", "10", args.connections),
        ("count every request", "0", args.connections),
        ("count cached 10 s", "10", 1),
    ]
    rows = []
    for cache_label, cache_seconds, connections in runs:
        run_env = {**env, "PAGINATION_COUNT_CACHE_SECONDS": cache_seconds}
        targets = [*scenarios, admin] if connections == 1 else scenarios
        with server.gunicorn(PORT, run_env, workers=2):
            for path, headers in targets:
                for page in (1, PAGE_DEEP):
                    query = f"p={page}" if path.startswith("/admin/") else f"page={page}"
                    url = f"http://127.0.0.1:{PORT}{path}?{query}"
                    expect_200(url, headers)  # wrk counts redirects as successes
                    wrk.run(url, connections=5, seconds=2, headers=headers)  # warm up
                    result = wrk.run(
                        url, connections=connections, seconds=args.seconds, headers=headers
                    )
                    rows.append((cache_label, connections, path, page, result))
                    print(cache_label, connections, path, page, result, flush=True)

    print()
    print("| total count | clients | endpoint | page | p50 ms | p95 ms | p99 ms | req/s | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for cache_label, connections, path, page, r in rows:
        print(
            f"| {cache_label} | {connections} | `{path}` | {page} | {r['p50_ms']:.0f} |"
            f" {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['rps']:.0f} |"
            f" {r['non_2xx'] + r['socket_errors']} |"
        )
    if any(r["non_2xx"] or r["socket_errors"] for *_, r in rows):
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
