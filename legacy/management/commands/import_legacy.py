"""manage.py import_legacy: the legacy MySQL database into this one (docs/CUTOVER.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legacy.report import Report
from legacy.runner import ImportFailed, RowFailed, run


class Command(BaseCommand):
    help = (
        "Import the legacy backend's MySQL database into this (freshly migrated) database in "
        "one transaction, verify it, and write a report with the data-loss ledger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--source", required=True, help="mysql://user:password@host:port/database"
        )
        parser.add_argument(
            "--files",
            type=Path,
            help="the legacy's uploads directory (backend/app/uploads): gallery, item media, "
            "posters",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="do everything, verify, then roll back"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="empty this database's tables (users, bookings, uploads...) first",
        )
        parser.add_argument(
            "--on-invalid",
            choices=["fail", "skip", "fix"],
            default="fail",
            help="a row the new schema refuses fails the run (default), is skipped, or is "
            "repaired by its documented rule (rows with no rule still fail); all are reported",
        )
        parser.add_argument("--report", type=Path, help="write the JSON report here")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        files: Path | None = options["files"]
        if files is not None and not files.is_dir():
            raise CommandError(f"--files {files} is not a directory")
        report = Report()
        try:
            run(
                report=report,
                source_url=options["source"],
                files_dir=files,
                dry_run=options["dry_run"],
                replace=options["replace"],
                on_invalid=options["on_invalid"],
                batch_size=options["batch_size"],
            )
        except (ImportFailed, RowFailed, ValueError) as exc:
            raise CommandError(f"Nothing was imported: {exc}") from exc
        finally:
            if options["report"]:
                report.write(options["report"])
        self.stdout.write(report.summary())
        if options["report"]:
            self.stdout.write(f"report: {options['report']}")
        if report.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: everything was rolled back."))
        else:
            self.stdout.write(self.style.SUCCESS("Imported and verified."))
