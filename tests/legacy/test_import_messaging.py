# The legacy DDL is restated one column list per line, with naive datetimes (the quirk under
# test): long lines and naive datetimes are intended here.
# ruff: noqa: E501, DTZ001
"""The legacy WhatsApp conversations, messages, keyword responses, quick replies, voice notes,
client notifications and client messages through manage.py import_legacy. Invented rows
only."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from messaging.models import (
    AudioNote,
    MessageThread,
    NotificationDetail,
    ThreadMessage,
    WhatsAppConversation,
    WhatsAppKeywordResponse,
    WhatsAppMessage,
    WhatsAppQuickReply,
)
from notify.models import Notification
from tests.legacy import legacy_db
from tests.legacy.test_import import _import
from tests.messaging.test_audio_notes import WEBM

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "mysql", reason="the legacy source and import run on MariaDB"
    ),
]

T0 = datetime(2025, 3, 1, 9, 30)
INNODB = legacy_db.INNODB
MYISAM = legacy_db.MYISAM
_J = legacy_db._J

# The legacy's CREATE TABLEs of these tables (schema only).
SCHEMA = {
    "whatsapp_keyword_responses": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, keywords varchar(255) DEFAULT NULL, response longtext DEFAULT NULL,
  is_active tinyint(1) NOT NULL, match_type varchar(16) NOT NULL, priority int(11) NOT NULL,
  created_at datetime NOT NULL, updated_at datetime NOT NULL, deleted_at datetime DEFAULT NULL
) {MYISAM}""",
    "whatsapp_quick_replies": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, parent_id int(11) DEFAULT NULL, button_text varchar(200) NOT NULL,
  message_text varchar(500) NOT NULL, response_type varchar(50) NOT NULL, display_order int(11) NOT NULL,
  is_active tinyint(1) NOT NULL, created_at datetime NOT NULL, updated_at datetime NOT NULL, deleted_at datetime DEFAULT NULL
) {MYISAM}""",
    "whatsapp_conversations": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) DEFAULT NULL, phone_number varchar(32) NOT NULL,
  session_id varchar(255) DEFAULT NULL, status varchar(32) NOT NULL, last_message_at datetime DEFAULT NULL,
  created_at datetime NOT NULL, updated_at datetime NOT NULL
) {INNODB}""",
    "whatsapp_messages": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, conversation_id int(11) NOT NULL, direction varchar(16) NOT NULL,
  message_type varchar(32) NOT NULL, text_content text DEFAULT NULL, provider_message_id varchar(255) DEFAULT NULL,
  status varchar(32) NOT NULL, message_metadata {_J}, created_at datetime NOT NULL
) {INNODB}""",
    "client_notifications": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id int(11) NOT NULL, type varchar(50) NOT NULL,
  title varchar(255) NOT NULL, message text NOT NULL, booking_id int(11) DEFAULT NULL, link varchar(500) DEFAULT NULL,
  is_read tinyint(1) NOT NULL, is_deleted tinyint(1) NOT NULL, priority varchar(20) NOT NULL,
  created_at datetime NOT NULL, read_at datetime DEFAULT NULL
) {INNODB}""",
    "client_messages": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, thread_id varchar(100) NOT NULL, sender_id int(11) NOT NULL,
  recipient_id int(11) NOT NULL, subject varchar(255) DEFAULT NULL, message text NOT NULL, booking_id int(11) DEFAULT NULL,
  parent_message_id int(11) DEFAULT NULL, is_read tinyint(1) NOT NULL, is_deleted_by_sender tinyint(1) NOT NULL,
  is_deleted_by_recipient tinyint(1) NOT NULL, created_at datetime NOT NULL, read_at datetime DEFAULT NULL
) {INNODB}""",
    "client_audio_notes": f"""(
  id int(11) NOT NULL AUTO_INCREMENT PRIMARY KEY, booking_id int(11) NOT NULL, user_id int(11) NOT NULL,
  audio_file_path varchar(500) NOT NULL, audio_duration_seconds int(11) DEFAULT NULL, file_size_bytes int(11) DEFAULT NULL,
  mime_type varchar(50) NOT NULL, transcription text DEFAULT NULL, status varchar(20) NOT NULL,
  is_played_by_admin tinyint(1) NOT NULL, admin_notes text DEFAULT NULL, created_at datetime NOT NULL,
  played_at datetime DEFAULT NULL
) {INNODB}""",
}


def _rows() -> dict[str, list[dict[str, Any]]]:
    stamps = {"created_at": T0, "updated_at": T0}
    return {
        "whatsapp_keyword_responses": [
            {"id": 3, "keywords": "price, cost", "response": "From Rs 5,000", "is_active": 1,
             "match_type": "contains", "priority": 5, **stamps},
            {"id": 4, "keywords": "old", "response": "gone", "is_active": 1,
             "match_type": "regex", "priority": 0, **stamps, "deleted_at": T0},
        ],
        "whatsapp_quick_replies": [
            {"id": 10, "parent_id": None, "button_text": "Price", "message_text": "price",
             "response_type": "price", "display_order": 1, "is_active": 1, **stamps},
            {"id": 11, "parent_id": 10, "button_text": "Hall", "message_text": "hall price",
             "response_type": "static", "display_order": 0, "is_active": 1, **stamps},
            # Made first, then put under a menu made later (a higher id).
            {"id": 12, "parent_id": 14, "button_text": "Today", "message_text": "today slot",
             "response_type": "slots", "display_order": 0, "is_active": 1, **stamps},
            {"id": 14, "parent_id": None, "button_text": "Slots", "message_text": "slots",
             "response_type": "slots", "display_order": 2, "is_active": 1, **stamps},
        ],
        "whatsapp_conversations": [
            {"id": 20, "user_id": 2, "phone_number": "+919876543210", "session_id": None,
             "status": "active", "last_message_at": T0 + timedelta(minutes=2), **stamps},
            {"id": 21, "user_id": None, "phone_number": "447700900123", "session_id": None,
             "status": "closed", "last_message_at": None, **stamps},
        ],
        "whatsapp_messages": [
            {"id": 30, "conversation_id": 20, "direction": "inbound", "message_type": "text",
             "text_content": "price?", "provider_message_id": "wamid.A", "status": "delivered",
             "message_metadata": json.dumps({"messages": [{"from": "919876543210"}]}),
             "created_at": T0},
            # The same callback stored twice by the legacy.
            {"id": 31, "conversation_id": 20, "direction": "inbound", "message_type": "text",
             "text_content": "price?", "provider_message_id": "wamid.A", "status": "delivered",
             "message_metadata": None, "created_at": T0},
            {"id": 32, "conversation_id": 20, "direction": "outbound", "message_type": "text",
             "text_content": "From Rs 5,000", "provider_message_id": "rm-1", "status": "sent",
             "message_metadata": json.dumps({"auto": True, "keyword_id": "3"}),
             "created_at": T0 + timedelta(minutes=2)},
        ],
        "client_notifications": [
            {"id": 50, "user_id": 2, "type": "payment_received", "title": "Paid", "message": "Rs 500",
             "booking_id": 100, "link": "/book/100", "is_read": 1, "is_deleted": 0, "priority": "loud",
             "created_at": T0, "read_at": None},
            {"id": 51, "user_id": 2, "type": "booking_created", "title": "Cleared", "message": "x",
             "booking_id": None, "link": None, "is_read": 0, "is_deleted": 1, "priority": "normal",
             "created_at": T0, "read_at": None},
        ],
        "client_messages": [
            {"id": 60, "thread_id": "client_2_0a1b2c3d", "sender_id": 2, "recipient_id": 1,
             "subject": "Stage lights", "message": "Can we add lights?", "booking_id": 100,
             "parent_message_id": None, "is_read": 1, "is_deleted_by_sender": 0,
             "is_deleted_by_recipient": 0, "created_at": T0, "read_at": None},
            {"id": 61, "thread_id": "client_2_0a1b2c3d", "sender_id": 1, "recipient_id": 2,
             "subject": None, "message": "Yes, blue ones.", "booking_id": None,
             "parent_message_id": 60, "is_read": 0, "is_deleted_by_sender": 0,
             "is_deleted_by_recipient": 0, "created_at": T0 + timedelta(hours=1), "read_at": None},
            {"id": 62, "thread_id": "admin_1_ffff0000", "sender_id": 1, "recipient_id": 2,
             "subject": "Hidden", "message": "deleted", "booking_id": None,
             "parent_message_id": None, "is_read": 0, "is_deleted_by_sender": 1,
             "is_deleted_by_recipient": 0, "created_at": T0, "read_at": None},
        ],
        "client_audio_notes": [
            {"id": 40, "booking_id": 100, "user_id": 2, "audio_file_path": "audio/2025/03/abc.webm",
             "audio_duration_seconds": 9, "file_size_bytes": 1, "mime_type": "audio/webm",
             "transcription": None, "status": "pending", "is_played_by_admin": 1,
             "admin_notes": "Blue lights", "created_at": T0, "played_at": T0 + timedelta(hours=1)},
        ],
    }  # fmt: skip


@pytest.fixture
def messaging_legacy(monkeypatch, legacy_files):
    # Our own source database: other sessions' legacy tests may run at the same time.
    monkeypatch.setattr(legacy_db, "SOURCE_DB", "lebrq_h_whatsapp_legacy_src")
    monkeypatch.setattr(
        legacy_db, "SOURCE_URL", "mysql://root@127.0.0.1:3306/lebrq_h_whatsapp_legacy_src"
    )
    for table, ddl in SCHEMA.items():
        monkeypatch.setitem(legacy_db.SCHEMA, table, ddl)
    audio = legacy_files / "audio" / "2025" / "03" / "abc.webm"
    audio.parent.mkdir(parents=True)
    audio.write_bytes(WEBM)
    return legacy_files


def test_whatsapp_and_voice_notes_keep_ids_texts_and_files(messaging_legacy, tmp_path):
    data = legacy_db.rows()
    data.update(_rows())
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, messaging_legacy, tmp_path, "--on-invalid", "fix")
    finally:
        legacy_db.drop()

    assert report["committed"] is True, report["failures"]
    hidden = {"client_notifications": 1, "client_messages": 1}
    for table in SCHEMA:
        assert report["checks"]["counts"][table]["skipped"] == hidden.get(table, 0), table
        assert report["tables"][table]["checksum_legacy"]
    assert not {entry["table"] for entry in report["ledger"]} & set(SCHEMA)

    price = WhatsAppKeywordResponse.objects.get(pk=3)
    assert (price.keywords, price.priority, price.match_type) == ("price, cost", 5, "contains")
    old = WhatsAppKeywordResponse.objects.get(pk=4)
    # An unknown match type falls back to the legacy's default, and says so.
    assert (old.match_type, old.deleted_at) == ("contains", T0.replace(tzinfo=UTC))
    assert [
        (r["legacy_id"], r["column"]) for r in report["rows"] if r["table"] == SCHEMA_KEYS[0]
    ] == [(4, "match_type")]
    assert WhatsAppQuickReply.objects.get(pk=11).parent_id == 10
    assert WhatsAppQuickReply.objects.get(pk=12).parent_id == 14

    conversation = WhatsAppConversation.objects.get(pk=20)
    assert (conversation.phone_number, conversation.user_id, conversation.status) == (
        "919876543210",
        2,
        "active",
    )
    # What the inbox lists, computed from the messages imported.
    assert conversation.message_count == 3
    assert (conversation.last_message_text, conversation.last_message_direction) == (
        "From Rs 5,000",
        "outbound",
    )
    assert conversation.last_inbound_at == T0.replace(tzinfo=UTC)
    assert WhatsAppConversation.objects.get(pk=21).message_count == 0

    first, twice, answer = WhatsAppMessage.objects.order_by("id")
    assert (first.inbound_id, twice.inbound_id) == ("wamid.A", None)
    assert (answer.is_auto_reply, answer.keyword_id, answer.provider_message_id) == (
        True,
        3,
        "rm-1",
    )

    # Customers' notifications (new ids beside notify's own), the one they cleared left out.
    detail = NotificationDetail.objects.select_related("notification").get()
    assert (detail.event_key, detail.kind, detail.priority, detail.link) == (
        "legacy-client-notification:50",
        "payment_success",
        "normal",
        "/book/100",
    )
    paid = detail.notification
    assert (paid.user_id, paid.title, paid.booking_id, paid.is_read) == (2, "Paid", 100, True)
    assert paid.created_at == T0.replace(tzinfo=UTC)
    assert detail.read_at == T0.replace(tzinfo=UTC)
    # One notification for the one client notification (the legacy `notifications` table's
    # own rows are imported beside, with their ids: tests/legacy/test_import_history.py).
    assert Notification.objects.filter(detail__isnull=False).count() == 1
    assert paid.pk > max(
        Notification.objects.filter(detail__isnull=True).values_list("pk", flat=True)
    )

    # Messages in their thread, the customer's side whoever wrote first.
    thread = MessageThread.objects.get()
    assert (thread.key, thread.customer_id, thread.subject, thread.booking_id) == (
        "client_2_0a1b2c3d",
        2,
        "Stage lights",
        100,
    )
    assert (thread.last_message, thread.created_at) == ("Yes, blue ones.", T0.replace(tzinfo=UTC))
    assert thread.last_message_at == (T0 + timedelta(hours=1)).replace(tzinfo=UTC)
    question, answer_ = ThreadMessage.objects.order_by("id")
    assert (question.pk, question.from_staff, question.read_at) == (
        60,
        False,
        T0.replace(tzinfo=UTC),
    )
    assert (answer_.pk, answer_.from_staff, answer_.sender_id, answer_.read_at) == (
        61,
        True,
        1,
        None,
    )

    note = AudioNote.objects.get(pk=40)
    assert (note.booking_id, note.user_id, note.duration_seconds) == (100, 2, 9)
    assert (note.is_played_by_admin, note.admin_notes) == (True, "Blue lights")
    assert note.played_at == (T0 + timedelta(hours=1)).replace(tzinfo=UTC)
    # The file is an upload of its owner's, typed from its content, not the legacy's columns.
    assert (note.upload.owner_id, note.upload.content_type, note.upload.size) == (
        2,
        "audio/webm",
        len(WEBM),
    )
    with note.upload.file.open("rb") as stored:
        assert stored.read() == WEBM


SCHEMA_KEYS = list(SCHEMA)


def test_a_voice_note_whose_file_is_missing_is_refused(messaging_legacy, tmp_path):
    data = legacy_db.rows()
    data.update(_rows())
    data["client_audio_notes"][0]["audio_file_path"] = "audio/2025/03/missing.webm"
    legacy_db.build(data)
    try:
        report = _import(legacy_db.SOURCE_URL, messaging_legacy, tmp_path, "--on-invalid", "skip")
    finally:
        legacy_db.drop()
    assert report["committed"] is True, report["failures"]
    assert report["checks"]["counts"]["client_audio_notes"]["skipped"] == 1
    assert not AudioNote.objects.exists()
