"""Customers' voice notes for their bookings: stored as uploads (the uploads app's model,
storage and random names; spooled to a temporary file by its upload handler, never held in
memory), their type recognised from their first bytes, served back with HTTP ranges."""

import hashlib
import os
from dataclasses import dataclass

from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from bookings.models import Booking
from messaging.choices import AudioNoteStatus
from messaging.exceptions import AudioNoteNotFound, BookingNotFound
from messaging.models import AudioNote
from uploads.choices import UploadKind
from uploads.exceptions import UnsupportedFileType, UploadRejected
from uploads.models import Upload
from uploads.services import clean_original_name, file_too_large, max_upload_bytes


@dataclass(frozen=True)
class AudioType:
    content_type: str
    extension: str


WEBM = AudioType("audio/webm", "webm")
OGG = AudioType("audio/ogg", "ogg")
MP4 = AudioType("audio/mp4", "m4a")
WAV = AudioType("audio/wav", "wav")
MP3 = AudioType("audio/mpeg", "mp3")

_SNIFF_LENGTH = 64
# MP4 brands of audio recordings: iOS (expo-av "M4A "), Safari's MediaRecorder, Android.
_MP4_BRANDS = frozenset(
    {b"M4A ", b"M4B ", b"isom", b"iso2", b"iso5", b"iso6", b"mp41", b"mp42", b"3gp4", b"3gp5"}
)


def sniff_audio(head: bytes) -> AudioType | None:
    """The recording format whose signature `head` carries: what browsers' MediaRecorder and
    the phone apps record (WebM/Opus, Ogg, MP4/AAC), plus WAV and MP3 files."""
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head:
        return WEBM
    if head.startswith(b"OggS"):
        return OGG
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return MP4
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return WAV
    # An ID3 tag, or an MPEG-1/2 layer III frame header.
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return MP3
    return None


def _size(uploaded_file: UploadedFile[bytes]) -> int:
    if uploaded_file.size is not None:
        return uploaded_file.size
    uploaded_file.seek(0, os.SEEK_END)
    size: int = uploaded_file.tell()
    uploaded_file.seek(0)
    return size


def _booking_of(user: User, booking_id: int) -> Booking:
    bookings = Booking.objects.all() if user.is_staff else Booking.objects.filter(user=user)
    booking = bookings.filter(pk=booking_id).first()
    if booking is None:
        # Another customer's booking is "not found" like a missing one.
        raise BookingNotFound()
    return booking


def audio_upload_store(*, uploaded_file: UploadedFile[bytes], owner: User) -> Upload:
    """A recording as a private upload of its owner: checked for size and type (by content),
    moved into storage under a random name. Also used by the legacy import."""
    label = clean_original_name(uploaded_file.name or "") or "The recording"
    size = _size(uploaded_file)
    if size == 0:
        raise UploadRejected(f"{label}: the file is empty.", code="empty_file")
    if size > max_upload_bytes(UploadKind.FILE):
        raise file_too_large(label, UploadKind.FILE)
    uploaded_file.seek(0)
    audio_type = sniff_audio(uploaded_file.read(_SNIFF_LENGTH))
    uploaded_file.seek(0)
    if audio_type is None:
        raise UnsupportedFileType(
            f"{label}: not a recording we can play (accepted: WebM, Ogg, M4A, WAV, MP3).",
            code="unsupported_audio_type",
        )
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    upload = Upload(
        owner=owner,
        kind=UploadKind.FILE,
        original_name=clean_original_name(uploaded_file.name or ""),
        content_type=audio_type.content_type,
        size=size,
        sha256=digest.hexdigest(),
    )
    try:
        # FileSystemStorage moves a spooled temporary file into place.
        upload.file.save(f"voice-note.{audio_type.extension}", uploaded_file, save=False)
        upload.save()
    except BaseException:
        upload.delete_files()
        raise
    return upload


def audio_note_create(
    *,
    user: User,
    booking_id: int,
    duration_seconds: int | None,
    uploaded_file: UploadedFile[bytes],
) -> AudioNote:
    """POST /client/audio-notes: a voice note for one of the caller's bookings (staff: any)."""
    booking = _booking_of(user, booking_id)
    upload = audio_upload_store(uploaded_file=uploaded_file, owner=user)
    try:
        with transaction.atomic():
            note = AudioNote.objects.create(
                booking=booking, user=user, upload=upload, duration_seconds=duration_seconds
            )
    except BaseException:
        upload.delete()
        upload.delete_files()
        raise
    return note


def audio_note_mark_played(*, note_id: int) -> AudioNote:
    """Staff played it: the first time is kept as played_at."""
    with transaction.atomic():
        note = AudioNote.objects.select_for_update().filter(pk=note_id).first()
        if note is None:
            raise AudioNoteNotFound()
        if not note.is_played_by_admin:
            note.is_played_by_admin = True
            note.played_at = timezone.now()
            note.status = AudioNoteStatus.REVIEWED
            note.save(update_fields=["is_played_by_admin", "played_at", "status"])
    return note


def audio_note_set_admin_notes(*, note_id: int, text: str) -> AudioNote:
    updated = AudioNote.objects.filter(pk=note_id).update(admin_notes=text.strip())
    if not updated:
        raise AudioNoteNotFound()
    return AudioNote.objects.get(pk=note_id)


def audio_note_delete(note: AudioNote) -> None:
    """The note, then its upload and file once that is committed."""
    upload = note.upload
    with transaction.atomic():
        note.delete()
        upload.delete()
        transaction.on_commit(upload.delete_files)


# The player (an <audio> element, expo-av) sends no token: a note's link carries a signature
# of its id instead, valid this long after the list that gave it out.
AUDIO_LINK_MAX_AGE_SECONDS = 12 * 3600
_LINK_SALT = "messaging.audio-note-link"


def audio_note_link_signature(note_id: int) -> str:
    return signing.TimestampSigner(salt=_LINK_SALT).sign(str(note_id)).split(":", 1)[1]


def audio_note_by_link(*, note_id: int, signature: str) -> AudioNote:
    """The note a signed link names; a wrong, foreign or expired signature is "not found"."""
    try:
        signing.TimestampSigner(salt=_LINK_SALT).unsign(
            f"{note_id}:{signature}", max_age=AUDIO_LINK_MAX_AGE_SECONDS
        )
    except signing.BadSignature:
        raise AudioNoteNotFound() from None
    note = AudioNote.objects.select_related("upload").filter(pk=note_id).first()
    if note is None:
        raise AudioNoteNotFound()
    return note
