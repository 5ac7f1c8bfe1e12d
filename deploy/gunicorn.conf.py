"""gunicorn settings, read from the environment (defaults documented in .env.example)."""

import gc
import os
import tempfile
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


# Prometheus multiprocess mode (lebrq/metrics.py): every process writes its metrics to files
# here and /metrics adds them up. Set before the app (and prometheus-client) is imported; give
# the task worker the same directory (lebrq.env) and its task metrics are added in too.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="lebrq-metrics-")
METRICS_DIR = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _env_int("WEB_CONCURRENCY", 2)
# What we deploy: uvicorn workers. GUNICORN_WORKER_CLASS=gthread (with lebrq.wsgi and
# GUNICORN_THREADS) exists for the benchmark that keeps the choice measured (bench-bookings).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "uvicorn_worker.UvicornWorker")
threads = _env_int("GUNICORN_THREADS", 1)

# Load Django once in the master and share its pages with the workers (copy-on-write).
preload_app = _env_bool("GUNICORN_PRELOAD", True)
# Recycle workers now and then so slow leaks never accumulate; jitter avoids all at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
backlog = _env_int("GUNICORN_BACKLOG", 2048)
# Trust X-Forwarded-* only from the local nginx.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Off by default: the app writes one access line per request of its own (lebrq.access, with
# the route, user, request id and query counts); "-" adds uvicorn's plain line to stderr.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "") or None
errorlog = "-"
# The control socket (gunicornc) lives at one fixed path per user, so several servers on one
# machine (benchmarks, tests) would fight over it; off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The heartbeat file is touched every few seconds; on a disk-backed /tmp (containers) that
# can stall a worker. /dev/shm is memory (gunicorn uses mkstemp and unlinks the file at once).
SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None


# The master's own lines (boots, worker exits) as JSON too when the app logs JSON.
if os.environ.get("LOG_FORMAT", "plain" if _env_bool("DEBUG", False) else "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "gunicorn.error": {
                "handlers": ["console"],
                "level": loglevel.upper(),
                "propagate": False,
            },
            # uvicorn's access logger takes this one's handlers: none unless asked for.
            "gunicorn.access": {
                "handlers": ["console"] if accesslog else [],
                "level": "INFO",
                "propagate": False,
            },
        },
    }


def on_starting(server):
    from ops.metrics_files import clear_for_new_server

    clear_for_new_server(METRICS_DIR)


def child_exit(server, worker):
    # Its counters go into the archive (sums never go back), its in-flight gauge goes.
    from ops.metrics_files import archive_exited_processes

    archive_exited_processes(METRICS_DIR)


def pre_fork(server, worker):
    # Without freeze, the first collection in each worker touches every preloaded object's
    # header and un-shares its page: --preload alone raised total PSS (docs/DESIGN.md, Memory).
    if preload_app:
        gc.freeze()


def post_fork(server, worker):
    # Tell the app it runs under a master that replaces exiting workers, so a worker whose
    # RSS passes WORKER_MAX_RSS_MB may retire itself (ops/recycling.py).
    from ops.recycling import mark_as_gunicorn_worker

    mark_as_gunicorn_worker()
