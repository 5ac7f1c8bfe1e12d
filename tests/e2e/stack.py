"""The production stack on loopback: MariaDB, gunicorn + uvicorn workers, the task worker
(`manage.py db_worker`, which renders invoice PDFs), nginx with TLS.

Shared by the end-to-end tests (tests/e2e) and the memory benchmark (tests/bench). Every
process started here is stopped by pid; ports are in 19000-19999.
"""

import logging
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import MySQLdb
import psutil

ROOT = Path(__file__).resolve().parents[2]
logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per request otherwise
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "mysql://root@127.0.0.1:3306/lebrq_e2e"
SECRET_KEY = "e2e-only-secret-key-not-for-production-0123456789abcdef"
CUSTOMER = ("demo", "demo-pass-123")


def app_environment(workdir: Path, database_url: str, **overrides: str) -> dict[str, str]:
    """Production-like settings (DEBUG off) with every path inside `workdir`."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="localhost,127.0.0.1",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        INVOICE_DIR=str(workdir / "invoices"),
        FILE_SERVE_MODE="x-accel",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="INFO",
        # JSON lines, as in production: the checks read the app's log as a log shipper would.
        LOG_FORMAT="json",
        # Shared by gunicorn's workers and the task worker, as lebrq.env does in production.
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([BIN / "python", "manage.py", *args], cwd=ROOT, env=env, check=True)


def reset_mariadb_database(database_url: str) -> None:
    """Drop and recreate the (throwaway) database named in the URL."""
    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    if not name.endswith("_e2e") and not name.endswith("_bench"):
        raise RuntimeError(f"Refusing to drop {name!r}: only *_e2e or *_bench databases.")
    connection = MySQLdb.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
    )
    try:
        cursor = connection.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    finally:
        connection.close()


def prepare_database(env: dict[str, str]) -> None:
    reset_mariadb_database(env["DATABASE_URL"])
    # No collectstatic: compressing every admin and Swagger file takes a minute, and no
    # check here renders a template.
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_demo")


def ensure_nginx() -> str:
    """The nginx binary, installed from Debian's packages if it is missing."""
    search = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    if found := shutil.which("nginx", path=search):
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*sudo, "apt-get", "install", "-y", "--no-install-recommends", "nginx"]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    found = shutil.which("nginx", path=search)
    if not found:
        raise RuntimeError("apt-get installed nginx but no nginx binary is on PATH")
    return found


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", key, "-out", cert,
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


def stop(process: subprocess.Popen[bytes], timeout: float = 40) -> None:
    """TERM (graceful for gunicorn, fast for nginx), then KILL if it hangs."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The task worker's command, as deploy/lebrq-worker.service runs it (without the recycling).
TASK_WORKER_COMMAND = ["manage.py", "db_worker", "--interval", "0.2", "--no-reload"]
# Like the unit's RestartSec.
TASK_WORKER_RESTART_SECONDS = 2


@dataclass
class TaskWorker:
    """`manage.py db_worker`: runs the django.tasks queued in the database (invoice PDFs).

    Started again whenever it exits, as systemd does (Restart=always): the worker exits when
    the database goes away, and the stress run restarts MariaDB. `restarts` counts that.
    """

    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)
    restarts: int = field(default=0, init=False)
    _stopping: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    _supervisor: threading.Thread | None = field(default=None, init=False, repr=False)

    def start(self) -> None:
        self._stopping.clear()
        self._spawn()
        self._supervisor = threading.Thread(target=self._restart_when_it_exits, daemon=True)
        self._supervisor.start()

    def _spawn(self) -> None:
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [BIN / "python", *TASK_WORKER_COMMAND],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def _restart_when_it_exits(self) -> None:
        while not self._stopping.wait(TASK_WORKER_RESTART_SECONDS):
            if self.process is not None and self.process.poll() is not None:
                self.restarts += 1
                self._spawn()

    def stop(self) -> None:
        """TERM: the worker finishes the task it is running, then exits."""
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join()
            self._supervisor = None
        if self.process is not None:
            stop(self.process)
            self.process = None


@dataclass
class Gunicorn:
    """deploy/gunicorn.conf.py serving lebrq.asgi:application on 127.0.0.1:`port`, with the
    task worker beside it (lebrq-worker.service in production) unless `task_worker` is off:
    without one, invoice requests answer 503. The worker logs to db_worker.log next to `log`,
    runs outside `command_prefix` (its own unit, not the API's memory cgroup), and keeps
    running, with the stack's settings, while `running_with` restarts gunicorn."""

    env: dict[str, str]
    port: int
    log: Path
    config: Path = ROOT / "deploy" / "gunicorn.conf.py"
    process: subprocess.Popen[bytes] | None = None
    # Put in front of the command line, e.g. to start the server inside a memory cgroup.
    command_prefix: list[str] = field(default_factory=list)
    task_worker: bool = True
    worker: TaskWorker | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.task_worker:
            self.worker = TaskWorker(self.env, self.log.with_name("db_worker.log"))

    def start(self, **overrides: str) -> None:
        if self.worker is not None and self.worker.process is None:
            self.worker.start()
        self._start_server(**overrides)

    def _start_server(self, **overrides: str) -> None:
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", **overrides}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    *self.command_prefix,
                    BIN / "gunicorn",
                    "-c",
                    self.config,
                    "lebrq.asgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/health", timeout=2).is_success:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"gunicorn did not answer /api/health: see {self.log}")

    def stop(self) -> None:
        self._stop_server()
        if self.worker is not None:
            self.worker.stop()

    def _stop_server(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    @contextmanager
    def running_with(self, **overrides: str) -> Iterator[None]:
        """Restart gunicorn with different settings for the duration of the block, then
        restore (the task worker runs on, unchanged)."""
        self._stop_server()
        self._start_server(**overrides)
        try:
            yield
        finally:
            self._stop_server()
            self._start_server()

    def processes(self) -> list[psutil.Process]:
        assert self.process is not None
        master = psutil.Process(self.process.pid)
        return [master, *master.children()]


@dataclass
class Nginx:
    """The deploy/nginx site, rendered by manage.py nginx_site, under a private prefix."""

    workdir: Path
    site_env: dict[str, str]
    certificate: Path
    certificate_key: Path
    # One app server's port, or several behind the one upstream (make e2e-cluster).
    upstream_port: int | tuple[int, ...]
    http_port: int
    https_port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        prefix = self.workdir / "nginx"
        prefix.mkdir(exist_ok=True)
        site = prefix / "lebrq.conf"
        ports = (self.upstream_port,) if isinstance(self.upstream_port, int) else self.upstream_port
        upstreams = [arg for port in ports for arg in ("--upstream", f"127.0.0.1:{port}")]
        with site.open("w") as out:
            subprocess.run(
                [
                    BIN / "python", "manage.py", "nginx_site", "--server-name", "localhost",
                    "--certificate", self.certificate,
                    "--certificate-key", self.certificate_key,
                    *upstreams,
                    "--http-listen", f"127.0.0.1:{self.http_port}",
                    "--https-listen", f"127.0.0.1:{self.https_port}",
                ],
                cwd=ROOT,
                env=self.site_env,
                stdout=out,
                check=True,
            )  # fmt: skip
        conf = prefix / "nginx.conf"
        # Workers run as root here only because the test's files are root's; production
        # runs them as www-data in the app's group (see the site's header).
        conf.write_text(
            f"""daemon off;
worker_processes 1;
user root root;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log info;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""
        )
        nginx = ensure_nginx()
        subprocess.run([nginx, "-t", "-q", "-p", prefix, "-c", conf], check=True)
        with (prefix / "stdout.log").open("w") as log:
            self.process = subprocess.Popen(
                [nginx, "-p", prefix, "-c", conf], stdout=log, stderr=subprocess.STDOUT
            )
        wait_for_port(self.https_port)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def tls_context(certificate: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certificate)
