"""The shape every table importer has, and the run's shared state (Context)."""

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, ClassVar

from django.db import models

from legacy.conversions import Invalid
from legacy.report import NO_HOME, NOT_BUILT, LedgerEntry, Report, RowNote
from legacy.source import LegacySource, Row

_NO_FIX = object()


class SkipRow(Exception):
    pass


class Context:
    """What importers share during one run: the source, the report, the ids imported so far
    per legacy table (for foreign keys), lookups, and the --on-invalid policy."""

    def __init__(
        self, source: LegacySource, report: Report, on_invalid: str, files: Any = None
    ) -> None:
        self.source = source
        self.report = report
        self.on_invalid = on_invalid
        self.files = files
        self.source_tables: set[str] = set()
        self.ids: dict[str, set[int]] = {}
        self.lookups: dict[str, dict[Any, Any]] = {}
        self.table = ""
        self.legacy_id: Any = None
        self.fixed_this_row = False

    def problem(self, column: str, message: str, fixed: Any = _NO_FIX, rule: str = "") -> Any:
        """A value the new schema refuses. With --on-invalid fix and a documented fix, the
        fixed value is returned (and noted); otherwise the row fails the run or is skipped."""
        if self.on_invalid == "fix" and fixed is not _NO_FIX:
            self.report.rows.append(
                RowNote(self.table, self.legacy_id, column, message, f"fixed: {rule}")
            )
            self.fixed_this_row = True
            return fixed
        raise Invalid(column, message)

    def choose(
        self,
        column: str,
        mapping: dict[Any, str] | set[str],
        value: Any,
        fixed: Any = _NO_FIX,
        rule: str = "",
    ) -> Any:
        """A legacy code through its mapping table; an unknown code is a problem (fixable
        when the mapping documents a fallback)."""
        from legacy.conversions import lookup

        result = lookup(mapping, value)
        if result is None:
            return self.problem(column, f"unknown value {value!r}", fixed, rule)
        if result != value:
            self.report.converted(f"{self.table}.{column}", f"{value} -> {result}")
        return result

    def parent(self, column: str, table: str, value: Any) -> int:
        """A NOT NULL legacy foreign key, checked against the parent rows imported."""
        if value is None:
            raise Invalid(column, "missing")
        if int(value) in self.ids.get(table, set()):
            return int(value)
        raise Invalid(column, f"{table} {value} does not exist (or was skipped)")

    def maybe_parent(self, column: str, table: str, value: Any) -> int | None:
        """A nullable legacy foreign key (0 counts as empty); a missing parent is a problem
        whose fix is to empty the key."""
        if value is None or value == 0:
            return None
        if int(value) in self.ids.get(table, set()):
            return int(value)
        result: int | None = self.problem(
            column, f"{table} {value} does not exist", None, "set to empty"
        )
        return result

    def convert_error(self, error: Invalid) -> None:
        if self.on_invalid == "fail":
            raise error
        self.report.rows.append(
            RowNote(self.table, self.legacy_id, error.column, error.message, "skipped")
        )
        raise SkipRow from error


class Checksum:
    """SHA-256 over the key columns of rows in id order, the same on both sides."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, key: tuple[Any, ...]) -> None:
        self._hash.update(repr(tuple(_canonical(v) for v in key)).encode())
        self._hash.update(b"\n")
        self.rows += 1

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if hasattr(value, "isoformat"):
        # Aware datetimes compare by instant whatever zone they were read in.
        if getattr(value, "tzinfo", None) is not None:
            from datetime import UTC

            return value.astimezone(UTC).isoformat()
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


class TableImporter:
    """One legacy table into one of our models.

    Every legacy column is accounted for: `homes` (column -> where it goes), `not_built`
    (column -> the domain, not built yet, that will give it a home) or `dropped` (column ->
    why nothing is lost: duplicates and derived values). A column in none of them with data in
    it is a ledger entry the run fails on.
    """

    table: ClassVar[str]
    model_label: ClassVar[str]  # "app.Model", looked up at run time
    domain: ClassVar[str]
    homes: ClassVar[dict[str, str]] = {}
    not_built: ClassVar[dict[str, str]] = {}
    dropped: ClassVar[dict[str, str]] = {}
    # legacy FLOAT column -> our field, summed on both sides to the paisa
    money: ClassVar[dict[str, str]] = {}
    order_by: ClassVar[str] = "id"
    # Rows per insert (and per read from the server-side cursor).
    batch_rows: ClassVar[int] = 500

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @property
    def model(self) -> type[models.Model]:
        from django.apps import apps

        model: type[models.Model] = apps.get_model(self.model_label)
        return model

    def imported(self) -> "models.QuerySet[Any]":
        """Our rows the verification compares with the legacy table: the whole model, unless
        another table's rows share it (override)."""
        return self.model._default_manager.all()

    def available(self) -> bool:
        from django.apps import apps

        try:
            apps.get_model(self.model_label)
        except LookupError:
            return False
        return True

    def convert(self, row: Row) -> models.Model:
        raise NotImplementedError

    def key(self, obj: Any) -> tuple[Any, ...]:
        """The checksummed columns of one of our rows."""
        raise NotImplementedError

    def prepare(self) -> None:
        """Lookups read before the table's rows stream (the stream's connection is busy)."""

    def track(self, row: Row, obj: models.Model) -> None:
        """Figures kept for the verification while rows go by; default nothing."""

    def after_save(self, objects: list[models.Model], rows: list[Row]) -> None:
        """Work that needs the rows saved (e.g. files); default nothing."""

    def finish(self) -> None:
        """Called once the table is imported."""

    def rows(self) -> Iterator[Row]:
        return self.ctx.source.stream(
            self.table, order_by=self.order_by, batch_size=self.batch_rows
        )

    def ledger(self, columns: dict[str, str]) -> None:
        """Ledger entries for this table's columns with data and no home."""
        for column, data_type in columns.items():
            if column in self.homes or column in self.dropped:
                continue
            rows_with_data = self.ctx.source.column_has_data(self.table, column, data_type)
            if not rows_with_data:
                continue
            if column in self.not_built:
                self.ctx.report.lose(
                    LedgerEntry(
                        self.table, column, rows_with_data, NOT_BUILT, self.not_built[column]
                    )
                )
            else:
                self.ctx.report.lose(
                    LedgerEntry(
                        self.table,
                        column,
                        rows_with_data,
                        NO_HOME,
                        self.domain,
                        "the model has no field for it",
                    )
                )


@contextmanager
def timestamps_kept(model_list: list[type[models.Model]]) -> Iterator[None]:
    """auto_now / auto_now_add off while importing, so created_at and updated_at keep the
    legacy values (bulk_create would otherwise stamp the import time)."""
    saved: list[tuple[Any, bool, bool]] = []
    for model in model_list:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


KeyFunc = Callable[[Any], tuple[Any, ...]]
