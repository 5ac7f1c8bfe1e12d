"""The import report: per table what was read, written, skipped and fixed, the verification,
and the data-loss ledger (every legacy table and column with data that has no home here).
Written as JSON by --report; the command prints a summary."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# Ledger categories.
NOT_BUILT = "domain not built yet"  # a later issue imports it
NO_HOME = "no home in the new model"  # a built domain whose model lacks the field: a failure
FILE_MISSING = "file not found under --files"


@dataclass
class RowNote:
    table: str
    legacy_id: Any
    column: str
    problem: str
    action: str  # "skipped" or "fixed: <rule>"


@dataclass
class LedgerEntry:
    table: str
    column: str | None  # None: the whole table
    rows_with_data: int
    category: str
    domain: str
    note: str = ""


@dataclass
class TableResult:
    table: str
    legacy_rows: int = 0
    imported: int = 0
    skipped: int = 0
    fixed: int = 0
    checksum_legacy: str = ""
    checksum_new: str = ""
    money_legacy: dict[str, str] = field(default_factory=dict)
    money_new: dict[str, str] = field(default_factory=dict)


@dataclass
class Report:
    source: str = ""
    dry_run: bool = False
    replace: bool = False
    on_invalid: str = "fail"
    tables: dict[str, TableResult] = field(default_factory=dict)
    rows: list[RowNote] = field(default_factory=list)
    conversions: dict[str, dict[str, int]] = field(default_factory=dict)
    ledger: list[LedgerEntry] = field(default_factory=list)
    checks: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    files: dict[str, int] = field(default_factory=lambda: {"copied": 0, "bytes": 0, "missing": 0})
    committed: bool = False

    def table(self, name: str) -> TableResult:
        if name not in self.tables:
            self.tables[name] = TableResult(table=name)
        return self.tables[name]

    def converted(self, table_column: str, change: str) -> None:
        """Count a documented conversion that changed a value (e.g. status paid -> pending)."""
        counts = self.conversions.setdefault(table_column, {})
        counts[change] = counts.get(change, 0) + 1

    def lose(self, entry: LedgerEntry) -> None:
        self.ledger.append(entry)

    def fail(self, message: str) -> None:
        self.failures.append(message)

    @property
    def ledger_for_built_domains(self) -> list[LedgerEntry]:
        return [e for e in self.ledger if e.category != NOT_BUILT]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ledger_for_built_domains"] = [asdict(e) for e in self.ledger_for_built_domains]
        return data

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), indent=2, default=str, sort_keys=False))

    def summary(self) -> str:
        lines = [f"{'table':28} {'legacy':>8} {'imported':>8} {'skipped':>8} {'fixed':>6}"]
        for result in self.tables.values():
            lines.append(
                f"{result.table:28} {result.legacy_rows:8} {result.imported:8} "
                f"{result.skipped:8} {result.fixed:6}"
            )
        lines.append(
            f"files copied: {self.files['copied']} ({self.files['bytes']} bytes), "
            f"missing: {self.files['missing']}"
        )
        not_built = sorted({e.table for e in self.ledger if e.category == NOT_BUILT})
        lines.append(f"ledger, domains not built yet: {len(not_built)} tables/columns groups")
        for entry in self.ledger_for_built_domains:
            lines.append(
                f"LEDGER {entry.category}: {entry.table}.{entry.column or '*'} "
                f"({entry.rows_with_data} rows) {entry.note}"
            )
        for name, value in self.checks.items():
            lines.append(f"check {name}: {value}")
        for failure in self.failures:
            lines.append(f"FAILED: {failure}")
        return "\n".join(lines)
