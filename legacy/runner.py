"""One import run: clear or check the target, import every table in one transaction,
verify, then commit (or roll back: --dry-run, a failed check, a refused row)."""

import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from legacy.conversions import Invalid, money
from legacy.files import LegacyFiles
from legacy.importers import IGNORED_TABLES, IMPORTERS, NOT_BUILT_TABLES, TableImporter
from legacy.importers.base import Checksum, Context, SkipRow, timestamps_kept
from legacy.report import NO_HOME, NOT_BUILT, LedgerEntry, Report
from legacy.source import LegacySource, Row
from legacy.verify import verify

logger = logging.getLogger(__name__)

# The apps whose tables a --replace run empties (everything the import writes, and what
# refers to it).
TARGET_APPS = (
    "accounts",
    "bookings",
    "uploads",
    "payments",
    "content",
    "notify",
    "offers",
    "contests",
    "hr",
    "transport",
    "messaging",
    "racks",
    "vendors",
    "brokers",
    "admin",
)


class RowFailed(Exception):
    def __init__(self, table: str, legacy_id: Any, error: Invalid) -> None:
        super().__init__(f"{table} id {legacy_id}: {error} (use --on-invalid skip or fix)")


class ImportFailed(Exception):
    pass


class _Rollback(Exception):
    pass


def run(
    *,
    source_url: str,
    files_dir: Path | None,
    dry_run: bool,
    replace: bool,
    on_invalid: str,
    batch_size: int = 1000,
    report: Report | None = None,
) -> Report:
    """Import, verify, commit; `report` (filled in as the run goes) says what happened, also
    when the run fails."""
    report = report if report is not None else Report()
    report.source = _redacted(source_url)
    report.dry_run, report.replace, report.on_invalid = dry_run, replace, on_invalid
    source = LegacySource(source_url, batch_size=batch_size)
    files = LegacyFiles(files_dir)
    ctx = Context(source, report, on_invalid, files)
    ctx.source_tables = set(source.tables())
    importers = [cls(ctx) for cls in IMPORTERS]
    replaced_files: list[str] = []
    try:
        try:
            with transaction.atomic():
                if replace:
                    replaced_files = _clear_target()
                else:
                    _check_target_empty()
                available = [imp.model for imp in importers if imp.available()]
                with timestamps_kept(available):
                    for importer in importers:
                        _import_table(importer)
                _ledger_other_tables(ctx, {imp.table for imp in importers})
                _reset_sequences(available)
                report.files.update(copied=len(files.stored), bytes=files.bytes)
                verify(ctx, importers)
                if report.failures:
                    raise ImportFailed("verification failed: " + "; ".join(report.failures))
                if dry_run:
                    raise _Rollback
            report.committed = True
        except _Rollback:
            pass
        except Invalid as error:
            failed = RowFailed(ctx.table, ctx.legacy_id, error)
            report.fail(str(failed))
            raise failed from error
        except ImportFailed as error:
            if not report.failures:
                report.fail(str(error))
            raise
        finally:
            if not report.committed:
                files.discard()
        if report.committed:
            for name in replaced_files:
                _delete_stored(name)
            _raise_auto_increments(ctx, importers)
    finally:
        # Also when a row fails half-way through a stream: its server-side cursor holds the
        # legacy table's metadata lock until the connection goes.
        source.close()
    return report


def _redacted(url: str) -> str:
    from urllib.parse import urlparse

    parsed = urlparse(url)
    host = f"{parsed.hostname}:{parsed.port or 3306}"
    return f"{parsed.scheme}://{parsed.username or ''}@{host}{parsed.path}"


def _import_table(importer: TableImporter) -> None:
    ctx = importer.ctx
    report = ctx.report
    table = importer.table
    result = report.table(table)
    if table not in ctx.source_tables:
        return
    columns = ctx.source.columns(table)
    result.legacy_rows = ctx.source.count(table)
    if not importer.available():
        if result.legacy_rows:
            report.lose(
                LedgerEntry(
                    table,
                    None,
                    result.legacy_rows,
                    NO_HOME,
                    importer.domain,
                    f"no model {importer.model_label} in this version",
                )
            )
        result.skipped = result.legacy_rows
        return
    model = importer.model
    importer.prepare()
    ids = ctx.ids.setdefault(table, set())
    checksum = Checksum()
    sums: dict[str, Decimal] = dict.fromkeys(importer.money, Decimal("0"))
    batch: list[models.Model] = []
    batch_rows: list[Row] = []
    for row in importer.rows():
        ctx.table, ctx.legacy_id = table, row.get("id")
        ctx.fixed_this_row = False
        try:
            try:
                obj = importer.convert(row)
            except Invalid as error:
                ctx.convert_error(error)
                raise
        except SkipRow:
            result.skipped += 1
            continue
        if ctx.fixed_this_row:
            result.fixed += 1
        ids.add(int(row["id"]))
        checksum.add(importer.key(obj))
        for column in importer.money:
            sums[column] += money(row[column], default=Decimal("0"))
        importer.track(row, obj)
        batch.append(obj)
        batch_rows.append(row)
        if len(batch) >= importer.batch_rows:
            _flush(importer, model, batch, batch_rows)
            result.imported += len(batch)
            batch, batch_rows = [], []
    if batch:
        _flush(importer, model, batch, batch_rows)
        result.imported += len(batch)
    importer.finish()
    importer.ledger(columns)
    result.checksum_legacy = checksum.hexdigest()
    result.money_legacy = {k: str(v) for k, v in sums.items()}
    logger.info("%s: %s imported, %s skipped", table, result.imported, result.skipped)


def _flush(
    importer: TableImporter,
    model: type[models.Model],
    batch: list[models.Model],
    rows: list[Row],
) -> None:
    model._default_manager.bulk_create(batch)
    importer.after_save(batch, rows)


def _ledger_other_tables(ctx: Context, imported: set[str]) -> None:
    for table in sorted(ctx.source_tables - imported - set(IGNORED_TABLES)):
        count = ctx.source.count(table)
        if count:
            domain = NOT_BUILT_TABLES.get(table, "unknown (a table this importer does not know)")
            category = NOT_BUILT if table in NOT_BUILT_TABLES else NO_HOME
            ctx.report.lose(LedgerEntry(table, None, count, category, domain))


def _target_models() -> list[type[models.Model]]:
    """Every model a --replace run empties, children before parents."""
    selected = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in TARGET_APPS and not m._meta.proxy and m._meta.managed
    ]
    ordered: list[type[models.Model]] = []
    remaining = list(selected)
    while remaining:
        for model in remaining:
            # A model goes once nothing still to be deleted refers to it.
            referrers = [
                other
                for other in remaining
                if other is not model
                and any(
                    getattr(f, "related_model", None) is model for f in other._meta.concrete_fields
                )
            ]
            if not referrers:
                ordered.append(model)
                remaining.remove(model)
                break
        else:
            raise RuntimeError("circular foreign keys between " + ", ".join(map(str, remaining)))
    return ordered


def _clear_target() -> list[str]:
    """Delete every row the import writes (children first); returns the stored file names of
    the uploads deleted, removed from storage once the run commits."""
    from uploads.models import Upload

    names: list[str] = []
    for upload in Upload.objects.only("file", "thumbnail").iterator(chunk_size=2000):
        names.extend(n for n in (upload.file.name, upload.thumbnail.name) if n)
    for model in _target_models():
        model._default_manager.all()._raw_delete(connection.alias)
    return names


def _delete_stored(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("could not delete %s", name)


def _check_target_empty() -> None:
    from accounts.models import User

    if User.objects.exists():
        raise ImportFailed(
            "the target database already has users: import into a freshly migrated database, "
            "or pass --replace to empty it first"
        )
    for importer_cls in IMPORTERS:
        label = importer_cls.model_label
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._default_manager.exists():
            raise ImportFailed(f"{label} already has rows: pass --replace to empty it first")


def _reset_sequences(model_list: list[type[models.Model]]) -> None:
    """PostgreSQL sequences past the imported ids (MariaDB's AUTO_INCREMENT and SQLite's
    sequence follow explicit ids by themselves)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _raise_auto_increments(ctx: Context, importers: list[TableImporter]) -> None:
    """After the commit (ALTER TABLE would commit the import half-way): each table's next id
    past the legacy's AUTO_INCREMENT, so an id the legacy handed out and then deleted is never
    given to a new row."""
    if connection.vendor != "mysql":
        return
    checks: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for importer in importers:
            if importer.table not in ctx.source_tables or not importer.available():
                continue
            legacy_next = ctx.source.auto_increment(importer.table)
            if legacy_next is None:
                continue
            db_table = importer.model._meta.db_table
            cursor.execute(f"ALTER TABLE `{db_table}` AUTO_INCREMENT = %s", [legacy_next])
            cursor.execute(
                "SELECT auto_increment FROM information_schema.tables "
                "WHERE table_schema = DATABASE() AND table_name = %s",
                [db_table],
            )
            ours = cursor.fetchone()[0]
            checks[importer.table] = {"legacy_next_id": legacy_next, "next_id": ours}
            if ours is None or int(ours) < legacy_next:
                ctx.report.fail(f"{db_table}: next id {ours} is not past {legacy_next}")
    ctx.report.checks["auto_increment"] = checks
