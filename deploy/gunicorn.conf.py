"""gunicorn settings, read from the environment (defaults documented in .env.example)."""

import gc
import os


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _env_int("WEB_CONCURRENCY", 2)
worker_class = "uvicorn_worker.UvicornWorker"

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
# Empty turns the access log off (benchmarks); nginx keeps its own in production.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
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
