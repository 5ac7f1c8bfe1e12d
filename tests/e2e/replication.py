"""Private MariaDB servers for the cluster test: a primary with a binary log and a replica of
it, each its own mariadbd with its own data directory, port and socket, run as the test's
user and stopped by pid.

Private rather than the machine's server on 3306: replication needs the primary's binary log,
which (log_bin) only a restart turns on, and the shared server runs without one.
"""

import os
import pwd
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import MySQLdb

from tests.e2e.stack import stop, wait_for_port

# The account the replica's IO thread logs in with (on the primary only).
REPLICATION_USER = ("repl", "repl-e2e-password")


@dataclass
class MariaDB:
    """One mariadbd in `directory` on 127.0.0.1:`port`; root has no password (a throwaway)."""

    directory: Path
    port: int
    server_id: int
    binary_log: bool = False
    read_only: bool = False
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def datadir(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "error.log"

    def install(self) -> None:
        """A fresh data directory (mariadb-install-db: system tables, root without password)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "mariadb-install-db", "--no-defaults", f"--datadir={self.datadir}",
                f"--user={_os_user()}", "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip

    def start(self, timeout: float = 60) -> None:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                # Else the checks would run against whatever that is (a server left running).
                raise RuntimeError(f"port {self.port} is taken: stop what listens there first")
        options = [
            "--no-defaults",
            f"--user={_os_user()}",
            f"--datadir={self.datadir}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.directory / 'mysqld.sock'}",
            f"--pid-file={self.directory / 'mysqld.pid'}",
            f"--log-error={self.log}",
            f"--server-id={self.server_id}",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--innodb-buffer-pool-size=64M",
            # Throwaway data: no fsync per commit (the checks are about the app, not the disk).
            "--innodb-flush-log-at-trx-commit=2",
            "--sync-binlog=0",
            "--max-connections=300",
        ]
        if self.binary_log:
            options += [f"--log-bin={self.datadir / 'binlog'}", "--binlog-format=ROW"]
        if self.read_only:
            # Only replication (and root) may write; the app's reader could not anyway.
            options += ["--read-only", f"--relay-log={self.datadir / 'relay'}"]
        self.process = subprocess.Popen(
            ["mariadbd", *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port, timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.query("SELECT 1")
                return
            except MySQLdb.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    failure = f"mariadbd on {self.port} did not start: see {self.log}"
                    raise RuntimeError(failure) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, timeout=60)  # TERM: a clean InnoDB shutdown
            self.process = None

    def url(self, database: str, user: str = "root", password: str = "") -> str:
        credentials = f"{user}:{password}" if password else user
        return f"mysql://{credentials}@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        connection = MySQLdb.connect(host="127.0.0.1", port=self.port, user="root")
        try:
            cursor = connection.cursor()
            cursor.execute(sql, args or None)
            rows = list(cursor.fetchall())
            connection.commit()
            return rows
        finally:
            connection.close()

    def status(self, name: str) -> str:
        [(_, value)] = self.query("SHOW GLOBAL STATUS LIKE %s", name)
        return str(value)

    def load_time_zones(self) -> None:
        """Django's CONVERT_TZ needs them (a fresh server has none); on the primary they reach
        the replica through the binary log like everything else."""
        zones = subprocess.run(
            ["mariadb-tzinfo-to-sql", "/usr/share/zoneinfo"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(
            ["mariadb", "--protocol=tcp", "-h127.0.0.1", f"-P{self.port}", "-uroot", "mysql"],
            input=zones,
            check=True,
            capture_output=True,
        )


def replicate(primary: MariaDB, replica: MariaDB) -> None:
    """Point `replica` at `primary` from the start of its binary log (GTID), and start it.

    Both are fresh, so the replica applies everything the primary ever wrote: the time zones,
    the schema, the demo data, the reader's account.
    """
    user, password = REPLICATION_USER
    connection = MySQLdb.connect(host="127.0.0.1", port=primary.port, user="root")
    try:
        cursor = connection.cursor()
        cursor.execute("SET sql_log_bin = 0")  # this account stays on the primary
        cursor.execute("CREATE USER %s@'127.0.0.1' IDENTIFIED BY %s", (user, password))
        cursor.execute("GRANT REPLICATION SLAVE ON *.* TO %s@'127.0.0.1'", (user,))
    finally:
        connection.close()
    replica.query(
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=%s, MASTER_USER=%s, "
        "MASTER_PASSWORD=%s, MASTER_USE_GTID=slave_pos",
        primary.port,
        user,
        password,
    )
    replica.query("START SLAVE")


def wait_until_caught_up(primary: MariaDB, replica: MariaDB, timeout: float = 120) -> None:
    """Block until the replica has applied everything the primary has written so far."""
    [(position,)] = primary.query("SELECT @@gtid_binlog_pos")
    [(result,)] = replica.query("SELECT MASTER_GTID_WAIT(%s, %s)", position, timeout)
    if result != 0:
        [status] = slave_status(replica)
        raise TimeoutError(f"the replica did not reach {position} in {timeout} s: {status}")


def slave_status(replica: MariaDB) -> list[dict[str, Any]]:
    connection = MySQLdb.connect(host="127.0.0.1", port=replica.port, user="root")
    try:
        cursor = connection.cursor(MySQLdb.cursors.DictCursor)
        cursor.execute("SHOW SLAVE STATUS")
        return list(cursor.fetchall())
    finally:
        connection.close()


def _os_user() -> str:
    """mariadbd runs as whoever runs the test (root in CI: it needs --user=root)."""
    return pwd.getpwuid(os.geteuid()).pw_name
