"""p50/p95 latency of page 1 and page 2,000 of the booking lists over a million bookings.

Run with `make bench-bookings`. Loads the dataset into MariaDB (database lebrq_bench, kept
between runs), serves it with gunicorn + 2 uvicorn workers, and drives each URL with wrk at
50 concurrent connections. It runs once with the default count cache and once counting on
every request, so the effect of the cache is a ratio from one run, and once with a single
client for the unloaded latency. The last run also opens the staff admin's bookings
changelist (a million rows) as a signed-in superuser.

Then each list page the frontend reads most (the staff list, the own list with its items, the
catalog's items) against the raw reference (tests/bench/raw_reference.py: the same SQL and the
same JSON bytes without Django, checked equal before timing), both served at once by the same
gunicorn config, at 1 and 50 clients: our p50 as a multiple of the reference's, our req/s as a
share of its (issue 24). `--reference-only` runs that part alone.

Last, what operations visibility costs a request (issue 25): the staff list at one client with
the metrics off, on, and on with the access line logged (as deployed), alternating the three
twice in the same run; `--visibility-only` runs that part alone.
"""

import argparse
import os
import statistics
import sys
import urllib.error
import urllib.request

import django

from tests.bench import bookings_dataset, server, wrk

PORT = 17100
RAW_PORT = 17101
GTHREAD_PORT = 17102
# gunicorn's threaded sync workers serving the same Django through WSGI, for comparison: as
# many threads as the ASGI workers admit requests at once.
GTHREAD_ENV = {"GUNICORN_WORKER_CLASS": "gthread", "GUNICORN_THREADS": "16"}
PAGE_DEEP = 2000
REFERENCE_CLIENTS = (1, 50)


def credentials(env: dict[str, str]) -> tuple[str, str, str]:
    """Bearer tokens of the heavy customer and of staff, and a staff admin session cookie."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        load_backend,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from rest_framework_simplejwt.tokens import AccessToken

    print("dataset:", "loaded" if bookings_dataset.load(connection) else "already loaded")
    print("catalog:", "loaded" if bookings_dataset.load_catalog(connection) else "already loaded")
    customer, staff = bookings_dataset.heavy_customer_and_staff()
    session = SessionStore()
    session[SESSION_KEY] = str(staff.pk)
    # The first backend that loads users (django-axes' comes first and only counts failures).
    session[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user")
    )
    session[HASH_SESSION_KEY] = staff.get_session_auth_hash()
    session.create()
    connection.close()
    cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return str(AccessToken.for_user(customer)), str(AccessToken.for_user(staff)), cookie


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs) -> None:
        return None


def get(url: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.build_opener(_NoRedirects).open(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def expect_200(url: str, headers: dict[str, str]) -> None:
    status, _ = get(url, headers)
    if status != 200:
        sys.exit(f"{url} answered {status}, not 200")


def expect_same_bytes(ours: str, raw: str, headers: dict[str, str]) -> None:
    """The reference is only a reference if it does the same work: same status, same body."""
    (status, body), (raw_status, raw_body) = get(ours, headers), get(raw, headers)
    if status != 200 or raw_status != 200:
        sys.exit(f"{ours} answered {status}, the reference {raw_status}")
    if body != raw_body:
        at = next(i for i, (a, b) in enumerate(zip(body, raw_body, strict=False)) if a != b)
        sys.exit(
            f"{ours}: the reference's body differs at byte {at}:\n"
            f"  ours {body[max(0, at - 80) : at + 80]!r}\n"
            f"  raw  {raw_body[max(0, at - 80) : at + 80]!r}"
        )


def against_reference(
    env: dict[str, str], lists: list[tuple[str, str, dict[str, str]]], seconds: int
) -> list[tuple[str, int, wrk.WrkResult, wrk.WrkResult, wrk.WrkResult]]:
    """Each list page 1: ours, the reference's, then ours under gthread (WSGI), at each of
    REFERENCE_CLIENTS."""
    run_env = {**env, "PAGINATION_COUNT_CACHE_SECONDS": "10"}
    results = []
    with (
        server.gunicorn(PORT, run_env, workers=2),
        server.gunicorn(RAW_PORT, run_env, workers=2, app="tests.bench.raw_reference:app"),
        server.gunicorn(
            GTHREAD_PORT, {**run_env, **GTHREAD_ENV}, workers=2, app="lebrq.wsgi:application"
        ),
    ):
        for label, path, headers in lists:
            ours = f"http://127.0.0.1:{PORT}{path}?page=1"
            raw = f"http://127.0.0.1:{RAW_PORT}{path}?page=1"
            threaded = f"http://127.0.0.1:{GTHREAD_PORT}{path}?page=1"
            expect_same_bytes(ours, raw, headers)
            expect_same_bytes(ours, threaded, headers)
            expect_same_bytes(
                ours.replace("page=1", "page=3"), raw.replace("page=1", "page=3"), headers
            )
            for connections in REFERENCE_CLIENTS:
                measured = []
                for url in (ours, raw, threaded):
                    wrk.run(url, connections=5, seconds=2, headers=headers)  # warm up
                    measured.append(
                        wrk.run(url, connections=connections, seconds=seconds, headers=headers)
                    )
                results.append((label, connections, measured[0], measured[1], measured[2]))
                print("reference", label, connections, *measured, flush=True)
        # Django's floor on this stack: /api/health is a DRF view of ours through the same
        # handler, guards and middleware, with no query and a 16-byte body. What it costs is
        # what any list of ours costs before its first query.
        floor = f"http://127.0.0.1:{PORT}/api/health"
        for connections in REFERENCE_CLIENTS:
            wrk.run(floor, connections=5, seconds=2, headers={})  # warm up
            result = wrk.run(floor, connections=connections, seconds=seconds, headers={})
            results.append((FLOOR_LABEL, connections, result, result, result))
            print("reference", FLOOR_LABEL, connections, result, flush=True)
    return results


FLOOR_LABEL = "floor: /api/health (no query)"


def print_against_reference(
    results: list[tuple[str, int, wrk.WrkResult, wrk.WrkResult, wrk.WrkResult]],
) -> None:
    print()
    print(
        "| list | clients | p50 ms ours | p50 ms raw | p50 ours/raw"
        " | req/s ours | req/s raw | req/s ours/raw | gthread p50 ms | gthread req/s | errors |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    raw_p50 = {(label, n): raw["p50_ms"] for label, n, _, raw, _ in results}
    for label, connections, ours, raw, threaded in results:
        if label == FLOOR_LABEL:
            versus = ", ".join(
                f"{ours['p50_ms'] / p50:.2f}x the raw {other}"
                for (other, n), p50 in raw_p50.items()
                if n == connections and other != FLOOR_LABEL
            )
            print(
                f"| {label} | {connections} | {ours['p50_ms']:.1f} | - | {versus} |"
                f" {ours['rps']:.0f} | - | - | - | - | {ours['non_2xx'] + ours['socket_errors']} |"
            )
            continue
        errors = sum(r["non_2xx"] + r["socket_errors"] for r in (ours, raw, threaded))
        print(
            f"| {label} | {connections} | {ours['p50_ms']:.1f} | {raw['p50_ms']:.1f} |"
            f" {ours['p50_ms'] / raw['p50_ms']:.2f} | {ours['rps']:.0f} | {raw['rps']:.0f} |"
            f" {ours['rps'] / raw['rps']:.2f} | {threaded['p50_ms']:.1f} |"
            f" {threaded['rps']:.0f} | {errors} |"
        )


# (label, settings): what the request pays for, cumulatively.
VISIBILITY = [
    ("nothing (metrics off, no access line)", {"METRICS_ENABLED": "0", "LOG_LEVEL": "WARNING"}),
    ("metrics", {"METRICS_ENABLED": "1", "LOG_LEVEL": "WARNING"}),
    ("metrics + access line (as deployed)", {"METRICS_ENABLED": "1", "LOG_LEVEL": "INFO"}),
]
VISIBILITY_ROUNDS = 2


def visibility_cost(
    env: dict[str, str], path: str, headers: dict[str, str], seconds: int
) -> list[tuple[str, list[wrk.WrkResult]]]:
    """p50 of one list at one client under each VISIBILITY setting, alternated: a noisy
    neighbour slows every setting alike instead of whichever ran during it."""
    log = server.ROOT / "var" / "bench-visibility.log"  # the access lines, as journald would
    log.parent.mkdir(exist_ok=True)
    measured: dict[str, list[wrk.WrkResult]] = {label: [] for label, _ in VISIBILITY}
    url = f"http://127.0.0.1:{PORT}{path}?page=1"
    for _ in range(VISIBILITY_ROUNDS):
        for label, overrides in VISIBILITY:
            run_env = {**env, "PAGINATION_COUNT_CACHE_SECONDS": "10", **overrides}
            with server.gunicorn(PORT, run_env, workers=2, log=log):
                expect_200(url, headers)
                wrk.run(url, connections=5, seconds=2, headers=headers)  # warm up
                result = wrk.run(url, connections=1, seconds=seconds, headers=headers)
                measured[label].append(result)
                print("visibility", label, result, flush=True)
    return list(measured.items())


def print_visibility_cost(results: list[tuple[str, list[wrk.WrkResult]]]) -> None:
    print()
    print("| staff list, 1 client | p50 ms (each round) | median p50 ms | added per request |")
    print("|---|---|---|---|")
    baseline = statistics.median(r["p50_ms"] for r in results[0][1])
    for label, runs in results:
        p50s = [r["p50_ms"] for r in runs]
        median = statistics.median(p50s)
        rounds = " / ".join(f"{p50:.2f}" for p50 in p50s)
        print(f"| {label} | {rounds} | {median:.2f} | {median - baseline:+.2f} ms |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20, help="wrk duration per URL")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--reference-only",
        action="store_true",
        help="only the lists against the raw reference (skips pages 1/2,000 and the admin)",
    )
    parser.add_argument(
        "--visibility-only",
        action="store_true",
        help="only the cost of metrics and access lines per request",
    )
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
    reference_lists = [
        ("staff list", "/api/admin/bookings", {"Authorization": f"Bearer {staff_token}"}),
        ("own list", "/api/bookings", {"Authorization": f"Bearer {customer_token}"}),
        ("catalog", "/api/items", {}),
    ]
    runs = [
        ("count cached 10 s", "10", args.connections),
        ("count every request", "0", args.connections),
        ("count cached 10 s", "10", 1),
    ]
    if args.reference_only or args.visibility_only:
        runs = []
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

    reference = (
        [] if args.visibility_only else against_reference(env, reference_lists, args.seconds)
    )
    _, staff_path, staff_headers = reference_lists[0]
    visibility = (
        [] if args.reference_only else visibility_cost(env, staff_path, staff_headers, args.seconds)
    )

    if rows:
        print()
        print(
            "| total count | clients | endpoint | page | p50 ms | p95 ms | p99 ms | req/s |", end=""
        )
        print(" errors |")
        print("|---|---|---|---|---|---|---|---|---|")
    for cache_label, connections, path, page, r in rows:
        print(
            f"| {cache_label} | {connections} | `{path}` | {page} | {r['p50_ms']:.0f} |"
            f" {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | {r['rps']:.0f} |"
            f" {r['non_2xx'] + r['socket_errors']} |"
        )
    if reference:
        print_against_reference(reference)
    if visibility:
        print_visibility_cost(visibility)
    failed = [r for *_, r in rows] + [r for *_, ours, raw, gt in reference for r in (ours, raw, gt)]
    failed += [r for _, runs in visibility for r in runs]
    if any(r["non_2xx"] or r["socket_errors"] for r in failed):
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
