"""whatsapp_keyword_responses, whatsapp_quick_replies, whatsapp_conversations,
whatsapp_messages and client_audio_notes into messaging."""

from typing import Any, ClassVar

from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from legacy import conversions as c
from legacy.files import FileNotFound
from legacy.importers.base import TableImporter, timestamps_kept
from legacy.source import Row

_DOMAIN = "messaging (WhatsApp, voice notes)"
MATCH_TYPES = {"contains", "exact", "starts_with", "ends_with"}
RESPONSE_TYPES = {"static", "price", "slots", "contact"}
CONVERSATION_STATUSES = {"active", "closed", "archived"}
DIRECTIONS = {"inbound", "outbound"}
AUDIO_STATUSES = {"pending", "reviewed", "archived"}


def _stamps(row: Row) -> tuple[Any, Any]:
    created = c.utc_aware(row["created_at"]) or timezone.now()
    updated = c.utc_aware(row.get("updated_at")) or created
    return created, updated


class WhatsAppKeywordsImporter(TableImporter):
    table = "whatsapp_keyword_responses"
    model_label = "messaging.WhatsAppKeywordResponse"
    domain = _DOMAIN
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "keywords", "response", "is_active", "match_type", "priority",
                          "created_at", "updated_at", "deleted_at")},
    }  # fmt: skip

    def convert(self, row: Row) -> models.Model:
        from messaging.models import WhatsAppKeywordResponse

        created, updated = _stamps(row)
        keywords = c.bounded("keywords", row["keywords"], 500).strip()
        response = c.text(row["response"])
        if not keywords or not response.strip():
            # The legacy's columns were nullable; a row without either never matched anything.
            raise c.Invalid("keywords", "a keyword response needs keywords and a response")
        return WhatsAppKeywordResponse(
            id=row["id"],
            keywords=keywords,
            response=response,
            is_active=c.flag(row["is_active"], True),
            match_type=self.ctx.choose(
                "match_type",
                MATCH_TYPES,
                c.text(row["match_type"]).strip().lower(),
                "contains",
                "contains (the legacy's default)",
            ),
            priority=int(row["priority"] or 0),
            created_at=created,
            updated_at=updated,
            deleted_at=c.utc_aware(row["deleted_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.keywords, obj.match_type, obj.priority, obj.is_active, obj.deleted_at)


class WhatsAppQuickRepliesImporter(TableImporter):
    table = "whatsapp_quick_replies"
    model_label = "messaging.WhatsAppQuickReply"
    domain = _DOMAIN
    homes: ClassVar[dict[str, str]] = {
        **{k: k for k in ("id", "button_text", "message_text", "response_type", "display_order",
                          "is_active", "created_at", "updated_at", "deleted_at")},
        "parent_id": "parent",
    }  # fmt: skip

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.source_ids: set[int] = set()
        # Buttons under a parent with a higher id (made later, then chosen as the parent):
        # saved at the top, their parent set once every button is in.
        self.later_parents: dict[int, int] = {}

    def prepare(self) -> None:
        # Staff-made configuration: a few dozen ids.
        rows = self.ctx.source.query("SELECT id FROM whatsapp_quick_replies")
        self.source_ids = {int(row[0]) for row in rows}

    def convert(self, row: Row) -> models.Model:
        from messaging.models import WhatsAppQuickReply

        created, updated = _stamps(row)
        raw_parent = int(row["parent_id"] or 0)
        later = raw_parent > int(row["id"]) and raw_parent in self.source_ids
        # Saved at the top for now: the parent's row is not in yet (finish sets it).
        parent_id = None if later else self.ctx.maybe_parent("parent_id", self.table, raw_parent)
        reply = WhatsAppQuickReply(
            id=row["id"],
            parent_id=parent_id,
            button_text=c.bounded("button_text", row["button_text"], 200),
            message_text=c.bounded("message_text", row["message_text"], 500),
            response_type=self.ctx.choose(
                "response_type",
                RESPONSE_TYPES,
                c.text(row["response_type"]).strip().lower(),
                "static",
                "static (answers its message)",
            ),
            display_order=int(row["display_order"] or 0),
            is_active=c.flag(row["is_active"], True),
            created_at=created,
            updated_at=updated,
            deleted_at=c.utc_aware(row["deleted_at"]),
        )
        if later:
            self.later_parents[reply.pk] = raw_parent
        return reply

    def finish(self) -> None:
        from messaging.models import WhatsAppQuickReply

        for reply_id, parent_id in self.later_parents.items():
            # A parent that was refused leaves the button at the top; the checksums then
            # differ and the run says so.
            if parent_id in self.ctx.ids.get(self.table, set()):
                WhatsAppQuickReply.objects.filter(pk=reply_id).update(parent_id=parent_id)

    def key(self, obj: Any) -> tuple[Any, ...]:
        parent_id = self.later_parents.get(obj.pk, obj.parent_id)
        return (obj.pk, parent_id, obj.button_text, obj.message_text, obj.response_type)


class WhatsAppConversationsImporter(TableImporter):
    table = "whatsapp_conversations"
    model_label = "messaging.WhatsAppConversation"
    domain = _DOMAIN
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "user_id": "user",
        "phone_number": "phone_number (digits with the country code)",
        "status": "status",
        "last_message_at": "last_message_at",
        "created_at": "created_at",
        "updated_at": "updated_at",
    }
    dropped: ClassVar[dict[str, str]] = {
        "session_id": "never written by the legacy's code (always NULL)",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.numbers: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from messaging.exceptions import InvalidPhone
        from messaging.models import WhatsAppConversation
        from messaging.whatsapp import whatsapp_number

        created, updated = _stamps(row)
        try:
            number = whatsapp_number(c.text(row["phone_number"]))
        except InvalidPhone:
            raise c.Invalid("phone_number", "not a WhatsApp number") from None
        if number in self.numbers:
            # The legacy looked conversations up by number: a second one was never read.
            raise c.Invalid("phone_number", f"{number} already has a conversation")
        self.numbers.add(number)
        return WhatsAppConversation(
            id=row["id"],
            phone_number=number,
            user_id=self.ctx.maybe_parent("user_id", "users", row["user_id"]),
            status=self.ctx.choose(
                "status",
                CONVERSATION_STATUSES,
                c.text(row["status"]).strip().lower(),
                "active",
                "active",
            ),
            last_message_at=c.utc_aware(row["last_message_at"]),
            created_at=created,
            updated_at=updated,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.phone_number, obj.user_id, obj.status, obj.last_message_at)


class WhatsAppMessagesImporter(TableImporter):
    table = "whatsapp_messages"
    model_label = "messaging.WhatsAppMessage"
    domain = _DOMAIN
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "conversation_id": "conversation",
        "direction": "direction",
        "text_content": "text",
        "provider_message_id": "provider_message_id (and inbound_id of a customer's message)",
        "status": "status",
        "message_metadata": "is_auto_reply and keyword (its 'auto' and 'keyword_id')",
        "created_at": "created_at",
    }
    dropped: ClassVar[dict[str, str]] = {
        "message_type": "'text' on every row the legacy wrote (it stored no media)",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.inbound_ids: set[str] = set()

    def convert(self, row: Row) -> models.Model:
        from messaging.models import WhatsAppMessage

        ctx = self.ctx
        direction = ctx.choose("direction", DIRECTIONS, c.text(row["direction"]).strip().lower())
        metadata = c.json_value("message_metadata", row["message_metadata"], {})
        if not isinstance(metadata, dict):
            metadata = {}
        provider_id = c.text(row["provider_message_id"]).strip()[:255]
        inbound_id = None
        if direction == "inbound" and provider_id and provider_id not in self.inbound_ids:
            # A provider id seen twice is the same callback stored twice: the first keeps it.
            self.inbound_ids.add(provider_id)
            inbound_id = provider_id
        keyword_id = str(metadata.get("keyword_id") or "")
        keyword = None
        if keyword_id.isdigit() and int(keyword_id) in ctx.ids.get(
            "whatsapp_keyword_responses", set()
        ):
            keyword = int(keyword_id)
        return WhatsAppMessage(
            id=row["id"],
            conversation_id=ctx.parent(
                "conversation_id", "whatsapp_conversations", row["conversation_id"]
            ),
            direction=direction,
            text=c.text(row["text_content"]),
            inbound_id=inbound_id,
            provider_message_id=provider_id,
            status=c.bounded("status", row["status"], 32),
            is_auto_reply=bool(metadata.get("auto")),
            keyword_id=keyword,
            created_at=c.utc("created_at", row["created_at"]),
        )

    def finish(self) -> None:
        """What a list of conversations shows, kept on the conversation row, and the session
        window's start: from the messages just imported, one UPDATE."""
        from messaging.models import WhatsAppConversation, WhatsAppMessage

        messages = WhatsAppMessage.objects.filter(conversation=OuterRef("pk"))
        newest = messages.order_by("-created_at", "-id")
        WhatsAppConversation.objects.update(
            message_count=Coalesce(
                Subquery(
                    messages.order_by()
                    .values("conversation")
                    .annotate(n=Count("id"))
                    .values("n")[:1]
                ),
                0,
            ),
            last_message_text=Coalesce(
                Subquery(newest.annotate(short=Substr("text", 1, 100)).values("short")[:1]),
                Value(""),
            ),
            last_message_direction=Coalesce(Subquery(newest.values("direction")[:1]), Value("")),
            last_inbound_at=Subquery(newest.filter(direction="inbound").values("created_at")[:1]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.conversation_id, obj.direction, obj.text, obj.provider_message_id)


class AudioNotesImporter(TableImporter):
    table = "client_audio_notes"
    model_label = "messaging.AudioNote"
    domain = _DOMAIN
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "booking_id": "booking",
        "user_id": "user",
        "audio_file_path": "upload (the file copied from --files)",
        "audio_duration_seconds": "duration_seconds",
        "transcription": "transcription",
        "status": "status",
        "is_played_by_admin": "is_played_by_admin",
        "admin_notes": "admin_notes",
        "created_at": "created_at",
        "played_at": "played_at",
    }
    dropped: ClassVar[dict[str, str]] = {
        "file_size_bytes": "the upload's size, measured from the file",
        "mime_type": "the upload's type, read from the file's content",
    }

    def convert(self, row: Row) -> models.Model:
        from accounts.models import User
        from messaging.audio import audio_upload_store
        from messaging.models import AudioNote
        from uploads.exceptions import UploadRejected

        ctx = self.ctx
        booking_id = ctx.parent("booking_id", "bookings", row["booking_id"])
        user_id = ctx.parent("user_id", "users", row["user_id"])
        reference = c.text(row["audio_file_path"])
        try:
            path = ctx.files.resolve(reference)
        except FileNotFound as exc:
            ctx.report.files["missing"] += 1
            raise c.Invalid("audio_file_path", str(exc)) from None
        with path.open("rb") as handle:
            uploaded: UploadedFile[bytes] = UploadedFile(
                handle, path.name, None, path.stat().st_size
            )
            try:
                upload = audio_upload_store(
                    uploaded_file=uploaded, owner=User.objects.get(pk=user_id)
                )
            except UploadRejected as exc:
                raise c.Invalid("audio_file_path", exc.message) from None
        # Deleted with the rest if the run does not commit.
        ctx.files.stored.append(upload)
        ctx.files.bytes += upload.size
        created = c.utc("created_at", row["created_at"])
        duration = row["audio_duration_seconds"]
        return AudioNote(
            id=row["id"],
            booking_id=booking_id,
            user_id=user_id,
            upload=upload,
            duration_seconds=duration if duration is not None and duration >= 0 else None,
            status=ctx.choose(
                "status",
                AUDIO_STATUSES,
                c.text(row["status"]).strip().lower(),
                "pending",
                "pending",
            ),
            is_played_by_admin=c.flag(row["is_played_by_admin"]),
            played_at=c.utc_aware(row["played_at"]),
            admin_notes=c.text(row["admin_notes"]),
            transcription=c.text(row["transcription"]),
            created_at=created,
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.booking_id, obj.user_id, obj.status, obj.is_played_by_admin)


NOTIFICATION_KINDS = {
    "booking_created": "booking_created",
    "booking_updated": "booking_updated",
    # The legacy's edit requests (a customer changed a booking): ours "updated".
    "booking_edited": "booking_updated",
    "booking_approved": "booking_approved",
    "booking_rejected": "booking_rejected",
    "payment_received": "payment_success",
    "payment_success": "payment_success",
    "refund_processed": "refund_processed",
    "admin_message": "admin_message",
    "reminder": "reminder",
    "other": "other",
}
PRIORITIES = {
    "normal": "normal",
    "info": "info",
    "low": "info",
    "warning": "warning",
    "high": "warning",
    "critical": "critical",
    "urgent": "critical",
}


class _HidesDeletedRows(TableImporter):
    """Rows the legacy had hidden (deleted by their reader) are not imported: they are
    counted as skipped and reported, as the legacy's screens never showed them."""

    deleted_columns: ClassVar[tuple[str, ...]]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.hidden = 0

    def rows(self) -> Any:
        for row in super().rows():
            if any(c.flag(row[column]) for column in self.deleted_columns):
                self.hidden += 1
                self.ctx.report.converted(
                    f"{self.table}.{self.deleted_columns[0]}", "deleted by its reader: not imported"
                )
                continue
            yield row

    def finish(self) -> None:
        self.ctx.report.table(self.table).skipped += self.hidden


class ClientNotificationsImporter(_HidesDeletedRows):
    """client_notifications rows become notify's Notification (new ids: notify's table is
    the legacy's `notifications`) with their NotificationDetail, whose event key names the
    legacy row."""

    table = "client_notifications"
    model_label = "messaging.NotificationDetail"
    domain = _DOMAIN
    deleted_columns = ("is_deleted",)
    homes: ClassVar[dict[str, str]] = {
        "id": "detail.event_key (legacy-client-notification:<id>)",
        "user_id": "notification.user",
        "type": "detail.kind",
        "title": "notification.title",
        "message": "notification.message",
        "booking_id": "notification.booking_id",
        "link": "detail.link",
        "is_read": "notification.is_read",
        "read_at": "detail.read_at",
        "priority": "detail.priority",
        "created_at": "notification.created_at",
    }
    dropped: ClassVar[dict[str, str]] = {
        "is_deleted": "deleted rows are not imported (counted as skipped)",
    }

    def convert(self, row: Row) -> models.Model:
        from messaging.models import NotificationDetail
        from notify.models import Notification

        ctx = self.ctx
        created = c.utc("created_at", row["created_at"])
        read_at = c.utc_aware(row["read_at"])
        is_read = c.flag(row["is_read"]) or read_at is not None
        kind = ctx.choose(
            "type", NOTIFICATION_KINDS, c.text(row["type"]).strip().lower(), "other", "other"
        )
        priority = ctx.choose(
            "priority", PRIORITIES, c.text(row["priority"]).strip().lower(), "normal", "normal"
        )
        notification = Notification(
            user_id=ctx.parent("user_id", "users", row["user_id"]),
            title=c.bounded("title", row["title"], 255),
            message=c.text(row["message"]),
            booking_id=ctx.maybe_parent("booking_id", "bookings", row["booking_id"]),
            is_read=is_read,
            created_at=created,
            updated_at=read_at or created,
        )
        # Saved here: the detail's key is the notification's id; its legacy times are kept.
        with timestamps_kept([Notification]):
            notification.save()
        return NotificationDetail(
            notification=notification,
            kind=kind,
            link=c.bounded("link", row["link"], 500),
            priority=priority,
            read_at=read_at or (created if is_read else None),
            event_key=f"legacy-client-notification:{row['id']}",
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.event_key, obj.kind, obj.priority, obj.link)


class ClientMessagesImporter(_HidesDeletedRows):
    """client_messages rows become thread messages; each legacy thread_id a thread of the
    customer on either side (made when its first message goes by)."""

    table = "client_messages"
    model_label = "messaging.ThreadMessage"
    domain = _DOMAIN
    deleted_columns = ("is_deleted_by_sender", "is_deleted_by_recipient")
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "thread_id": "thread.key",
        "sender_id": "sender (and from_staff)",
        "recipient_id": "thread.customer when the sender is staff",
        "subject": "thread.subject (its first message's)",
        "message": "body",
        "booking_id": "thread.booking (its first message's)",
        "is_read": "read_at",
        "read_at": "read_at",
        "created_at": "created_at",
    }
    dropped: ClassVar[dict[str, str]] = {
        "parent_message_id": "a thread's messages are ordered by time; never read",
        "is_deleted_by_sender": "hidden rows are not imported (counted as skipped)",
        "is_deleted_by_recipient": "hidden rows are not imported (counted as skipped)",
    }

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.staff: set[int] = set()
        # Legacy thread id -> our thread's id (one small entry per thread).
        self.threads: dict[str, int] = {}

    def prepare(self) -> None:
        from accounts.models import User

        self.staff = set(User.objects.filter(is_staff=True).values_list("pk", flat=True))

    def _thread(self, row: Row, sender_id: int, from_staff: bool) -> int:
        from messaging.models import MessageThread

        key = c.bounded("thread_id", row["thread_id"], 100).strip()
        if not key:
            raise c.Invalid("thread_id", "missing")
        if key in self.threads:
            return self.threads[key]
        customer_id = sender_id
        if from_staff:
            customer_id = self.ctx.parent("recipient_id", "users", row["recipient_id"])
            if customer_id in self.staff:
                raise c.Invalid("recipient_id", "a thread between two staff members")
        booking_id = self.ctx.maybe_parent("booking_id", "bookings", row["booking_id"])
        with timestamps_kept([MessageThread]):
            thread = MessageThread.objects.create(
                key=key,
                customer_id=customer_id,
                subject=c.bounded("subject", row["subject"], 255),
                booking_id=booking_id,
                last_message_at=c.utc("created_at", row["created_at"]),
                created_at=c.utc("created_at", row["created_at"]),
            )
        self.threads[key] = thread.pk
        return thread.pk

    def convert(self, row: Row) -> models.Model:
        from messaging.models import ThreadMessage

        sender_id = self.ctx.parent("sender_id", "users", row["sender_id"])
        from_staff = sender_id in self.staff
        created = c.utc("created_at", row["created_at"])
        read_at = c.utc_aware(row["read_at"])
        if read_at is None and c.flag(row["is_read"]):
            read_at = created
        return ThreadMessage(
            id=row["id"],
            thread_id=self._thread(row, sender_id, from_staff),
            sender_id=sender_id,
            from_staff=from_staff,
            body=c.text(row["message"]),
            read_at=read_at,
            created_at=created,
        )

    def finish(self) -> None:
        """Each thread's newest message kept on the thread (one UPDATE)."""
        from messaging.models import MessageThread, ThreadMessage

        super().finish()
        newest = ThreadMessage.objects.filter(thread=OuterRef("pk")).order_by("-created_at", "-id")
        # Only imported threads exist: the target was empty (or emptied by --replace).
        MessageThread.objects.update(
            last_message=Coalesce(Subquery(newest.values("body")[:1]), Value("")),
            last_message_at=Coalesce(Subquery(newest.values("created_at")[:1]), "last_message_at"),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.thread_id, obj.sender_id, obj.from_staff, obj.body, obj.read_at)
