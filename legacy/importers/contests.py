"""contests, contest_entries, contest_entry_files, contest_notifications, user_event_dates."""

import ipaddress
import secrets
from typing import Any, ClassVar

from django.db import models
from django.utils import timezone

from legacy import conversions as c
from legacy.files import FileNotFound
from legacy.importers.base import TableImporter
from legacy.importers.catalog import _url
from legacy.source import Row

ENTRY_STATUSES = {"pending", "approved", "rejected", "winner"}
CHANNELS = {"email", "whatsapp", "sms"}
NOTIFICATION_STATUSES = {"pending", "sent", "failed"}


def _created(row: Row) -> tuple[Any, Any]:
    created = c.utc_aware(row["created_at"]) or timezone.now()
    updated = c.utc_aware(row.get("updated_at")) or created
    return created, updated


class ContestsImporter(TableImporter):
    table = "contests"
    model_label = "contests.Contest"
    domain = "contests"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "title", "slug", "description", "start_date", "end_date",
                          "applicable_event_types", "first_x_winners", "eligibility_criteria",
                          "per_user_limit", "auto_approve", "prizes", "is_published",
                          "created_at", "updated_at")},
        "hero_image_url": "hero_image_url (the file copied from --files)",
        "banner_image_url": "banner_image_url (the file copied from --files)",
        "created_by_user_id": "created_by",
    }  # fmt: skip

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.slugs: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from contests.models import MAX_PER_USER_LIMIT, Contest

        ctx = self.ctx
        slug = c.bounded("slug", row["slug"], 100).strip()
        if not slug or slug in self.slugs:
            raise c.Invalid("slug", f"{slug!r} is empty or used by another contest")
        self.slugs.add(slug)
        start, end = c.day(row["start_date"]), c.day(row["end_date"])
        if start is None or end is None:
            raise c.Invalid("start_date", "missing")
        if end < start:
            raise c.Invalid("end_date", f"{end} is before {start}")
        limit = int(row["per_user_limit"] or 0)
        if not 1 <= limit <= MAX_PER_USER_LIMIT:
            limit = ctx.problem(
                "per_user_limit", f"{limit} is out of 1..{MAX_PER_USER_LIMIT}", 1, "1 entry"
            )
        created, updated = _created(row)
        return Contest(
            id=row["id"],
            title=c.bounded("title", row["title"], 200),
            slug=slug,
            description=c.text(row["description"]),
            hero_image_url=_url(self, "hero_image_url", row["hero_image_url"]),
            banner_image_url=_url(self, "banner_image_url", row["banner_image_url"]),
            start_date=start,
            end_date=end,
            applicable_event_types=c.json_value(
                "applicable_event_types", row["applicable_event_types"], None
            ),
            first_x_winners=row["first_x_winners"] if row["first_x_winners"] else None,
            eligibility_criteria=c.text(row["eligibility_criteria"]),
            per_user_limit=limit,
            auto_approve=c.flag(row["auto_approve"]),
            prizes=c.json_value("prizes", row["prizes"], None),
            is_published=c.flag(row["is_published"]),
            created_by_id=ctx.maybe_parent(
                "created_by_user_id", "users", row["created_by_user_id"]
            ),
            created_at=created,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.slug, obj.title, obj.start_date, obj.end_date, obj.per_user_limit,
                obj.is_published)  # fmt: skip


class ContestEntriesImporter(TableImporter):
    table = "contest_entries"
    model_label = "contests.ContestEntry"
    domain = "contests"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "participant_name", "email", "phone", "event_type", "event_date",
                          "relation", "message", "owner_email", "owner_phone", "admin_note",
                          "ocr_confidence", "ocr_date_matches", "ocr_extracted_text",
                          "reference_id", "created_at", "updated_at", "approved_at",
                          "marked_winner_at")},
        "contest_id": "contest",
        "booking_id": "booking",
        "status": "status",
        "ip_address": "ip_address (not an address: emptied)",
    }  # fmt: skip

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.references: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from contests.models import ContestEntry

        ctx = self.ctx
        contest_id = ctx.parent("contest_id", "contests", row["contest_id"])
        reference = c.bounded("reference_id", row["reference_id"], 50).strip()
        if not reference or reference in self.references:
            raise c.Invalid("reference_id", f"{reference!r} is empty or used by another entry")
        self.references.add(reference)
        event_date = c.day(row["event_date"])
        if event_date is None:
            raise c.Invalid("event_date", "missing")
        created, updated = _created(row)
        ctx.lookups.setdefault("contest_of_entry", {})[int(row["id"])] = contest_id
        return ContestEntry(
            id=row["id"],
            contest_id=contest_id,
            participant_name=c.bounded("participant_name", row["participant_name"], 200),
            email=c.bounded("email", row["email"], 255),
            phone=c.bounded("phone", row["phone"], 32),
            event_type=c.bounded("event_type", row["event_type"], 50),
            event_date=event_date,
            relation=c.bounded("relation", row["relation"], 50) or "self",
            booking_id=ctx.maybe_parent("booking_id", "bookings", row["booking_id"]),
            message=c.text(row["message"]),
            owner_email=c.bounded("owner_email", row["owner_email"], 255),
            owner_phone=c.bounded("owner_phone", row["owner_phone"], 32),
            status=ctx.choose("status", ENTRY_STATUSES, row["status"], "pending", "pending"),
            admin_note=c.text(row["admin_note"]),
            ocr_confidence=row["ocr_confidence"],
            ocr_date_matches=None if row["ocr_date_matches"] is None
            else bool(row["ocr_date_matches"]),
            ocr_extracted_text=c.text(row["ocr_extracted_text"]),
            reference_id=reference,
            ip_address=self._address(row["ip_address"]),
            created_at=created,
            updated_at=updated,
            approved_at=c.utc_aware(row["approved_at"]),
            marked_winner_at=c.utc_aware(row["marked_winner_at"]),
        )  # fmt: skip

    def _address(self, value: str | None) -> str | None:
        text = c.text(value).strip()
        if not text:
            return None
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            fixed: str | None = self.ctx.problem(
                "ip_address", f"{text!r} is not an IP address", None, "emptied"
            )
            return fixed

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.contest_id, obj.reference_id, obj.status, obj.event_date,
                obj.email, obj.phone, obj.booking_id)  # fmt: skip


class ContestEntryFilesImporter(TableImporter):
    """Proofs: the file copied from --files as a private upload (served to staff or through a
    signed link, like a new proof); a file not found keeps its legacy URL (with --on-invalid
    fix), which the export lists as it is."""

    table = "contest_entry_files"
    model_label = "contests.ContestEntryFile"
    domain = "contests"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "entry_id": "entry (and contest: the entry's)",
        "file_url": "upload (the file copied from --files), or legacy_url",
        "file_name": "file_name",
        "file_type": "file_type",
        "file_size": "file_size",
        "created_at": "created_at",
    }

    def convert(self, row: Row) -> models.Model:
        from contests.models import ContestEntryFile

        ctx = self.ctx
        entry_id = ctx.parent("entry_id", "contest_entries", row["entry_id"])
        url = c.bounded("file_url", row["file_url"], 500).strip()
        upload, legacy_url = None, ""
        try:
            upload = ctx.files.store_path(url, owner=None, public=False, documents=True)
        except FileNotFound as exc:
            ctx.report.files["missing"] += 1
            legacy_url = str(ctx.problem("file_url", str(exc), url, "legacy URL kept"))
        created = c.utc("created_at", row["created_at"])
        if upload is not None:
            upload.created_at = created
            upload.save(update_fields=["created_at"])
        return ContestEntryFile(
            id=row["id"],
            contest_id=ctx.lookups["contest_of_entry"][entry_id],
            entry_id=entry_id,
            upload=upload,
            key=secrets.token_hex(16),
            file_name=c.bounded("file_name", row["file_name"], 255),
            file_type=c.bounded("file_type", row["file_type"], 100),
            file_size=row["file_size"] if row["file_size"] and row["file_size"] > 0 else None,
            legacy_url=legacy_url,
            created_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.entry_id, obj.contest_id, obj.file_name, obj.legacy_url,
                obj.upload_id is not None)  # fmt: skip


class ContestNotificationsImporter(TableImporter):
    table = "contest_notifications"
    model_label = "contests.ContestNotification"
    domain = "contests"
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "recipient_email", "recipient_phone", "subject", "message_body",
                          "error_message", "sent_at", "provider_response", "created_at")},
        "entry_id": "entry",
        "channel": "channel",
        "status": "status (the legacy's pending, sent, failed)",
        "sent_by_user_id": "sent_by",
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from contests.models import ContestNotification

        ctx = self.ctx
        return ContestNotification(
            id=row["id"],
            entry_id=ctx.parent("entry_id", "contest_entries", row["entry_id"]),
            channel=ctx.choose("channel", CHANNELS, row["channel"]),
            # One row per legacy notification: ours are unique per entry, channel and key.
            event_key=f"legacy-{row['id']}",
            recipient_email=c.bounded("recipient_email", row["recipient_email"], 255),
            recipient_phone=c.bounded("recipient_phone", row["recipient_phone"], 32),
            subject=c.bounded("subject", row["subject"], 255),
            message_body=c.text(row["message_body"]),
            status=ctx.choose("status", NOTIFICATION_STATUSES, row["status"]),
            error_message=c.text(row["error_message"]),
            sent_at=c.utc_aware(row["sent_at"]),
            provider_response=c.json_value("provider_response", row["provider_response"], None),
            sent_by_id=ctx.maybe_parent("sent_by_user_id", "users", row["sent_by_user_id"]),
            created_at=c.utc("created_at", row["created_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.entry_id, obj.channel, obj.status, obj.sent_at, len(obj.message_body))


class UserEventDatesImporter(TableImporter):
    table = "user_event_dates"
    model_label = "contests.UserEventDate"
    domain = "contests"
    homes: ClassVar[dict[str, str]] = {
        k: k for k in ("id", "email", "phone", "person_name", "event_type", "event_date",
                       "relation", "notify_on_offers", "created_at", "updated_at")
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from contests.models import UserEventDate

        event_date = c.day(row["event_date"])
        if event_date is None:
            raise c.Invalid("event_date", "missing")
        created, updated = _created(row)
        return UserEventDate(
            id=row["id"],
            email=c.bounded("email", row["email"], 255),
            phone=c.bounded("phone", row["phone"], 32),
            person_name=c.bounded("person_name", row["person_name"], 200),
            event_type=c.bounded("event_type", row["event_type"], 50),
            event_date=event_date,
            relation=c.bounded("relation", row["relation"], 50) or "family",
            notify_on_offers=c.flag(row["notify_on_offers"], True),
            created_at=created,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.email, obj.phone, obj.person_name, obj.event_type, obj.event_date)
