"""Reading the legacy MySQL/MariaDB database: streamed, never a whole table in memory.

Rows come through MySQLdb's server-side cursor (SSCursor) in batches of `batch_size`; while a
stream is open its connection can run nothing else, so lookups use a second connection.
"""

import contextlib
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import unquote, urlparse

import MySQLdb
import MySQLdb.cursors

Row = dict[str, Any]

_IDENTIFIER = re.compile(r"^[A-Za-z0-9_]+$")


def ident(name: str) -> str:
    """A table or column name (from information_schema or our own constants), quoted; SQL is
    only ever built from these, values always go as parameters."""
    if not _IDENTIFIER.match(name):
        raise ValueError(f"unexpected identifier {name!r}")
    return f"`{name}`"


def connect_args(url: str) -> dict[str, Any]:
    parsed = urlparse(url)
    if parsed.scheme not in ("mysql", "mariadb", "mysql+mysqldb"):
        raise ValueError(f"--source must be a mysql:// URL, not {parsed.scheme or url!r}")
    name = parsed.path.lstrip("/")
    if not name:
        raise ValueError("--source names no database (mysql://user:password@host:port/name)")
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 3306,
        "user": unquote(parsed.username or "root"),
        "password": unquote(parsed.password or ""),
        "database": unquote(name),
        "charset": "utf8mb4",
        "use_unicode": True,
    }


class LegacySource:
    def __init__(self, url: str, batch_size: int = 1000) -> None:
        self.args = connect_args(url)
        self.database: str = self.args["database"]
        self.batch_size = batch_size
        self._stream_conn = self._connect()
        self._query_conn = self._connect()

    def _connect(self) -> Any:
        conn = MySQLdb.connect(**self.args)
        cur = conn.cursor()
        # TIMESTAMP columns are stored in UTC and shown in the session's zone: read them in
        # UTC. A consistent snapshot for the whole run (the legacy app must be frozen anyway).
        cur.execute("SET time_zone = '+00:00'")
        cur.close()
        return conn

    def close(self) -> None:
        for conn in (self._stream_conn, self._query_conn):
            with contextlib.suppress(MySQLdb.Error):
                conn.close()

    # --- catalogue ---------------------------------------------------------------------

    def tables(self) -> list[str]:
        rows = self.query(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_type = 'BASE TABLE' ORDER BY table_name",
            [self.database],
        )
        return [str(r[0]) for r in rows]

    def columns(self, table: str) -> dict[str, str]:
        """Column name -> data type (float, int, datetime...), in table order."""
        rows = self.query(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            [self.database, table],
        )
        return {str(r[0]): str(r[1]).lower() for r in rows}

    def auto_increment(self, table: str) -> int | None:
        rows = self.query(
            "SELECT auto_increment FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name = %s",
            [self.database, table],
        )
        return int(rows[0][0]) if rows and rows[0][0] is not None else None

    # --- reading -----------------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[tuple[Any, ...], ...]:
        """A small query (counts, catalogue) on the lookup connection."""
        cur = self._query_conn.cursor()
        try:
            cur.execute(sql, tuple(params))
            rows: tuple[tuple[Any, ...], ...] = cur.fetchall()
            return rows
        finally:
            cur.close()

    def count(self, table: str, where: str = "") -> int:
        where = f" WHERE {where}" if where else ""
        sql = f"SELECT COUNT(*) FROM {ident(table)}{where}"  # noqa: S608 - identifiers only
        return int(self.query(sql)[0][0])

    def select_list(self, table: str, columns: Sequence[str] | None = None) -> str:
        types = self.columns(table)
        names = [c for c in (columns or types) if c in types]
        parts = []
        for name in names:
            # FLOAT as DOUBLE: the text protocol sends FLOATs with six significant digits
            # (99999.99 arrives as 100000); the double is the float's exact value.
            if types[name] == "float":
                parts.append(f"CAST({ident(name)} AS DOUBLE) AS {ident(name)}")
            else:
                parts.append(ident(name))
        return ", ".join(parts)

    def stream(
        self, table: str, order_by: str = "id", where: str = "", batch_size: int | None = None
    ) -> Iterator[Row]:
        """Every row of `table` as a dict, ordered, through a server-side cursor."""
        sql = f"SELECT {self.select_list(table)} FROM {ident(table)}"  # noqa: S608 - identifiers
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        cur = self._stream_conn.cursor(MySQLdb.cursors.SSDictCursor)
        try:
            cur.execute(sql)
            while True:
                batch = cur.fetchmany(batch_size or self.batch_size)
                if not batch:
                    break
                yield from batch
        finally:
            cur.close()

    def column_has_data(self, table: str, column: str, data_type: str) -> int:
        """How many rows hold something in `column` (not NULL, not empty, not zero/false)."""
        empty = "''"
        if data_type in ("int", "tinyint", "bigint", "smallint", "float", "double", "decimal"):
            empty = "0"
        name = ident(column)
        sql = f"SELECT COUNT(*) FROM {ident(table)} WHERE {name} IS NOT NULL AND {name} <> {empty}"  # noqa: S608 - identifiers only
        return int(self.query(sql)[0][0])
