"""The checks a run must pass before it commits (any failure rolls the import back)."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, identify_hasher
from django.db import models
from django.db.models import Sum

from legacy.conversions import venue_zone
from legacy.importers.base import Checksum, Context, TableImporter
from legacy.source import ident

SAMPLE_SIZE = 50


def verify(ctx: Context, importers: list[TableImporter]) -> None:
    report = ctx.report
    done = [imp for imp in importers if imp.table in ctx.source_tables and imp.available()]
    _counts(ctx, done)
    _money(ctx, done)
    _checksums(ctx, done)
    _orphans(ctx, done)
    _passwords(ctx)
    _local_times(ctx)
    built = report.ledger_for_built_domains
    report.checks["ledger_empty_for_built_domains"] = not built
    for entry in built:
        report.fail(
            f"data with no home: {entry.table}.{entry.column or '*'} "
            f"({entry.rows_with_data} rows, {entry.category})"
        )


def _counts(ctx: Context, done: list[TableImporter]) -> None:
    counts: dict[str, Any] = {}
    for imp in done:
        result = ctx.report.table(imp.table)
        ours = imp.imported().count()
        counts[imp.table] = {
            "legacy": result.legacy_rows,
            "imported": ours,
            "skipped": result.skipped,
        }
        if result.legacy_rows != ours + result.skipped:
            ctx.report.fail(
                f"{imp.table}: {result.legacy_rows} legacy rows, {ours} imported + "
                f"{result.skipped} skipped"
            )
    ctx.report.checks["counts"] = counts


def _money(ctx: Context, done: list[TableImporter]) -> None:
    for imp in done:
        result = ctx.report.table(imp.table)
        for column, field in imp.money.items():
            ours = imp.imported().aggregate(s=Sum(field))["s"] or Decimal("0")
            result.money_new[column] = str(ours)
            if Decimal(result.money_legacy.get(column, "0")) != ours:
                ctx.report.fail(
                    f"{imp.table}.{column}: legacy sum {result.money_legacy.get(column)} != {ours}"
                )
    per_booking: dict[str, int] = {}
    for lookup, label, model_label in (
        ("verify_lines_by_booking", "booking_items.total_price", "bookings.BookingItem"),
        ("verify_payments_by_booking", "payments.amount", "payments.Payment"),
    ):
        legacy: dict[int, Decimal] = ctx.lookups.get(lookup, {})
        model = _model(model_label)
        if model is None:
            continue
        field = "total_price" if label.startswith("booking_items") else "amount"
        ours = {
            row["booking_id"]: row["s"]
            for row in model._default_manager.filter(booking__isnull=False)
            .values("booking_id")
            .annotate(s=Sum(field))
            .order_by()
        }
        wrong = [b for b in set(legacy) | set(ours) if legacy.get(b) != ours.get(b)]
        per_booking[label] = len(legacy)
        for booking_id in sorted(wrong)[:20]:
            ctx.report.fail(
                f"booking {booking_id}: {label} legacy {legacy.get(booking_id)} "
                f"!= {ours.get(booking_id)}"
            )
    ctx.report.checks["money_per_booking_bookings_compared"] = per_booking


def _model(label: str) -> type[models.Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _checksums(ctx: Context, done: list[TableImporter]) -> None:
    for imp in done:
        result = ctx.report.table(imp.table)
        checksum = Checksum()
        for obj in imp.imported().order_by("pk").iterator(chunk_size=2000):
            checksum.add(imp.key(obj))
        result.checksum_new = checksum.hexdigest()
        if result.checksum_new != result.checksum_legacy:
            ctx.report.fail(f"{imp.table}: checksums differ")
    ctx.report.checks["checksums_equal"] = all(
        ctx.report.table(imp.table).checksum_new == ctx.report.table(imp.table).checksum_legacy
        for imp in done
    )


def _orphans(ctx: Context, done: list[TableImporter]) -> None:
    orphans: dict[str, int] = {}
    for imp in done:
        model = imp.model
        for f in model._meta.concrete_fields:
            parent = getattr(f, "related_model", None)
            if parent is None or not f.is_relation:
                continue
            count = (
                imp.imported()
                .filter(**{f"{f.name}__isnull": False})
                .exclude(**{f"{f.name}__in": parent._default_manager.values("pk")})
                .count()
            )
            orphans[f"{model._meta.db_table}.{f.column}"] = count
            if count:
                ctx.report.fail(f"{model._meta.db_table}.{f.column}: {count} orphan keys")
    ctx.report.checks["orphan_keys"] = sum(orphans.values())


def _passwords(ctx: Context) -> None:
    from accounts.models import User

    by_hasher: dict[str, int] = {}
    unidentified = 0
    for password in (
        User.objects.order_by("pk").values_list("password", flat=True).iterator(chunk_size=2000)
    ):
        if password.startswith(UNUSABLE_PASSWORD_PREFIX):
            by_hasher["unusable"] = by_hasher.get("unusable", 0) + 1
            continue
        try:
            algorithm = str(identify_hasher(password).algorithm)
        except ValueError:
            unidentified += 1
            continue
        by_hasher[algorithm] = by_hasher.get(algorithm, 0) + 1
    fixed = sum(1 for n in ctx.report.rows if n.column == "password_hash" and n.action != "skipped")
    ctx.report.checks["passwords"] = {**by_hasher, "unidentified": unidentified}
    if unidentified:
        ctx.report.fail(f"{unidentified} passwords no hasher identifies")
    if by_hasher.get("unusable", 0) != fixed:
        ctx.report.fail("unusable passwords other than the reported fixes")


def _local_times(ctx: Context) -> None:
    """Sampled bookings and participants: our times, shown in the venue's zone, are the
    legacy's wall times."""
    zone = venue_zone()
    fixed = {(n.table, n.legacy_id) for n in ctx.report.rows if n.column in ("end_datetime",)}
    sampled = 0
    mismatches: list[str] = []
    for table, columns, label in (
        ("bookings", ("start_datetime", "end_datetime"), "bookings.Booking"),
        ("program_participants", ("start_date", "end_date"), "bookings.ProgramParticipant"),
    ):
        model = _model(label)
        ids = sorted(i for i in ctx.ids.get(table, set()) if (table, i) not in fixed)
        if model is None or not ids:
            continue
        step = max(len(ids) // SAMPLE_SIZE, 1)
        sample = ids[::step][:SAMPLE_SIZE]
        placeholders = ", ".join(["%s"] * len(sample))
        names = ", ".join(ident(column) for column in columns)
        sql = f"SELECT id, {names} FROM {ident(table)} WHERE id IN ({placeholders})"  # noqa: S608
        legacy = {row[0]: row[1:] for row in ctx.source.query(sql, sample)}
        for obj in model._default_manager.filter(pk__in=sample):
            for index, column in enumerate(columns):
                ours = getattr(obj, column)
                shown = ours.astimezone(zone).replace(tzinfo=None) if ours else None
                if shown != legacy[obj.pk][index]:
                    mismatches.append(
                        f"{table} {obj.pk} {column}: {legacy[obj.pk][index]} -> {shown}"
                    )
            sampled += 1
    ctx.report.checks["local_times_sampled"] = sampled
    for mismatch in mismatches[:20]:
        ctx.report.fail(f"local time changed: {mismatch}")
