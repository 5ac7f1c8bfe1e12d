"""Voice notes (components/AudioRecorder.tsx, app/(tabs)/bookings.tsx, app/admin/bookings/[id].tsx):
whole bodies as the screens read them, the recording checked and stored as an upload, streamed
back with ranges through a signed link, who may do what, bounded queries."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from messaging.models import AudioNote
from tests import factories
from tests.conftest import bearer_client
from uploads.models import Upload

pytestmark = pytest.mark.django_db

STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
# What Chrome's MediaRecorder writes first: an EBML header whose DocType is "webm".
WEBM = (
    b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\x82\x84webm" + bytes(range(256)) * 8
)
# What the phone app records (expo-av): an MP4 "M4A " file.
M4A = b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 512


class Stamp:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(STAMP.fullmatch(other))


class Link:
    def __init__(self, note_id: int) -> None:
        self.pattern = re.compile(rf"http://testserver/api/audio-notes/{note_id}/audio\?sig=\S+")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(self.pattern.fullmatch(other))


def _upload(client, booking_id, content=WEBM, name="voice-note-1.webm", **extra):
    body = {
        "booking_id": str(booking_id),
        "audio_file": SimpleUploadedFile(name, content, content_type="audio/webm"),
        **extra,
    }
    return client.post("/api/client/audio-notes", body, format="multipart")


def test_a_customer_records_a_note_and_lists_it(customer, customer_client):
    booking = factories.BookingFactory(user=customer)

    response = _upload(customer_client, booking.pk, duration_seconds="12")

    assert response.status_code == 201, response.content
    note = AudioNote.objects.get()
    assert response.json() == {
        "id": note.pk,
        "booking_id": booking.pk,
        "user_id": customer.pk,
        "audio_url": Link(note.pk),
        "duration_seconds": 12,
        "file_size_bytes": len(WEBM),
        "mime_type": "audio/webm",
        "status": "pending",
        "created_at": Stamp(),
    }
    # Stored through the uploads app: a private upload of the customer's, random name.
    assert (note.upload.owner, note.upload.is_public, note.upload.size) == (
        customer,
        False,
        len(WEBM),
    )
    stored_name = str(note.upload.file.name)
    assert stored_name.endswith(".webm")
    assert "voice-note-1" not in stored_name

    listed = customer_client.get(f"/api/client/audio-notes?booking_id={booking.pk}")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": note.pk,
            "booking_id": booking.pk,
            "audio_url": Link(note.pk),
            "duration_seconds": 12,
            "file_size_bytes": len(WEBM),
            "mime_type": "audio/webm",
            "status": "pending",
            "created_at": Stamp(),
            "is_played_by_admin": False,
        }
    ]


def test_the_phone_apps_m4a_is_accepted_without_duration(customer, customer_client):
    booking = factories.BookingFactory(user=customer)
    response = _upload(customer_client, booking.pk, content=M4A, name="voice-note-2.m4a")
    assert response.status_code == 201, response.content
    assert (response.json()["mime_type"], response.json()["duration_seconds"]) == (
        "audio/mp4",
        None,
    )


def test_the_recording_streams_back_with_ranges_through_its_signed_link(
    customer, customer_client, api_client
):
    booking = factories.BookingFactory(user=customer)
    url = _upload(customer_client, booking.pk).json()["audio_url"]

    whole = api_client.get(url)
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == WEBM
    part = api_client.get(url, HTTP_RANGE="bytes=4-23")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 4-23/{len(WEBM)}"
    assert b"".join(part.streaming_content) == WEBM[4:24]

    note_id = AudioNote.objects.get().pk
    assert api_client.get(f"/api/audio-notes/{note_id}/audio?sig=forged").status_code == 404
    assert api_client.get(f"/api/audio-notes/{note_id}/audio").status_code == 400


def test_a_link_expires(customer, customer_client, api_client, monkeypatch):
    from messaging import audio

    booking = factories.BookingFactory(user=customer)
    url = _upload(customer_client, booking.pk).json()["audio_url"]
    monkeypatch.setattr(audio, "AUDIO_LINK_MAX_AGE_SECONDS", -1)
    assert api_client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"", 400, "empty_file"),
        (b"<html><script>alert(1)</script></html>", 415, "unsupported_audio_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, 415, "unsupported_audio_type"),
    ],
)
def test_what_is_not_a_recording_is_refused_and_nothing_is_stored(
    content, status, code, customer, customer_client
):
    booking = factories.BookingFactory(user=customer)
    response = _upload(customer_client, booking.pk, content=content)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert not AudioNote.objects.exists()
    assert not Upload.objects.exists()


def test_a_recording_over_the_limit_is_a_413(customer, customer_client, settings):
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    booking = factories.BookingFactory(user=customer)
    response = _upload(customer_client, booking.pk, content=WEBM + b"\x00" * 1024 * 1024)
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert not Upload.objects.exists()


def test_another_customers_booking_is_not_found(customer, other_client):
    booking = factories.BookingFactory(user=customer)
    response = _upload(other_client, booking.pk)
    assert response.status_code == 404
    assert response.json()["detail"] == "Booking not found"
    assert not Upload.objects.exists()
    # Nor are their notes listed to someone else.
    AudioNote.objects.create(
        booking=booking,
        user=customer,
        upload=Upload.objects.create(
            owner=customer, kind="file", content_type="audio/webm", size=1
        ),
    )
    assert other_client.get(f"/api/client/audio-notes?booking_id={booking.pk}").json() == []


def test_staff_list_play_and_note_a_bookings_voice_notes(customer, customer_client, staff_client):
    booking = factories.BookingFactory(user=customer)
    note_id = _upload(customer_client, booking.pk, duration_seconds="5").json()["id"]

    listed = staff_client.get(f"/api/admin/audio-notes/bookings/{booking.pk}")
    assert listed.status_code == 200
    assert listed.json() == [
        {
            "id": note_id,
            "booking_id": booking.pk,
            "user_id": customer.pk,
            "audio_url": Link(note_id),
            "duration_seconds": 5,
            "file_size_bytes": len(WEBM),
            "mime_type": "audio/webm",
            "status": "pending",
            "created_at": Stamp(),
            "played_at": None,
            "is_played_by_admin": False,
            "admin_notes": "",
            "transcription": "",
        }
    ]

    played = staff_client.post(f"/api/admin/audio-notes/{note_id}/mark-played")
    assert played.status_code == 200
    assert played.json() == {"id": note_id, "is_played_by_admin": True, "played_at": Stamp()}
    first = played.json()["played_at"]
    # Played again: the first time stands.
    assert (
        staff_client.post(f"/api/admin/audio-notes/{note_id}/mark-played").json()["played_at"]
        == first
    )

    noted = staff_client.post(
        f"/api/admin/audio-notes/{note_id}/notes",
        {"admin_note": "  Wants the stage lit blue  "},
        format="multipart",
    )
    assert noted.status_code == 200
    assert noted.json() == {"id": note_id, "admin_notes": "Wants the stage lit blue"}
    note = AudioNote.objects.get()
    assert (note.status, note.admin_notes) == ("reviewed", "Wants the stage lit blue")
    assert customer_client.get(f"/api/client/audio-notes?booking_id={booking.pk}").json()[0][
        "is_played_by_admin"
    ]


def test_an_empty_staff_note_is_refused(customer, customer_client, staff_client):
    booking = factories.BookingFactory(user=customer)
    note_id = _upload(customer_client, booking.pk).json()["id"]
    response = staff_client.post(
        f"/api/admin/audio-notes/{note_id}/notes", {"admin_note": ""}, format="multipart"
    )
    assert response.status_code == 400
    assert staff_client.post("/api/admin/audio-notes/999999/mark-played").status_code == 404


def test_authorization_matrix(api_client, customer, customer_client, staff_client):
    booking = factories.BookingFactory(user=customer)
    note_id = _upload(customer_client, booking.pk).json()["id"]
    vendor_client = bearer_client(factories.UserFactory(role="vendor"))
    calls = {
        ("get", f"/api/client/audio-notes?booking_id={booking.pk}"): {
            "anonymous": 401, "customer": 200, "vendor": 403, "staff": 200,
        },
        ("post", "/api/client/audio-notes"): {
            "anonymous": 401, "customer": 400, "vendor": 403, "staff": 400,
        },
        ("get", f"/api/admin/audio-notes/bookings/{booking.pk}"): {
            "anonymous": 401, "customer": 403, "vendor": 403, "staff": 200,
        },
        ("post", f"/api/admin/audio-notes/{note_id}/mark-played"): {
            "anonymous": 401, "customer": 403, "vendor": 403, "staff": 200,
        },
        ("post", f"/api/admin/audio-notes/{note_id}/notes"): {
            "anonymous": 401, "customer": 403, "vendor": 403, "staff": 400,
        },
    }  # fmt: skip
    clients = {
        "anonymous": api_client,
        "customer": customer_client,
        "vendor": vendor_client,
        "staff": staff_client,
    }
    clients_for_link = clients
    # The recording itself: its signed link is the permission, whoever follows it.
    link = customer_client.get(f"/api/client/audio-notes?booking_id={booking.pk}").json()[0][
        "audio_url"
    ]
    for role in ("anonymous", "customer", "vendor", "staff"):
        played = clients_for_link[role].get(link)
        assert played.status_code == 200, role
        assert b"".join(played.streaming_content) == WEBM
    for (method, path), expected in calls.items():
        for role, status in expected.items():
            response = getattr(clients[role], method)(path, {}, format="multipart")
            assert response.status_code == status, (method, path, role, response.content)
            if status >= 400:
                assert {"detail", "message", "code"} <= response.json().keys()


@pytest.mark.parametrize("notes", [1, 6])
def test_note_lists_cost_fixed_queries(
    notes, customer, customer_client, staff_client, django_assert_num_queries
):
    booking = factories.BookingFactory(user=customer)
    for n in range(notes):
        upload = Upload.objects.create(
            owner=customer, kind="file", content_type="audio/webm", size=10 + n, file=f"x{n}.webm"
        )
        AudioNote.objects.create(booking=booking, user=customer, upload=upload)
    # Authentication (the user row) + the notes with their uploads.
    with django_assert_num_queries(2):
        assert (
            len(customer_client.get(f"/api/client/audio-notes?booking_id={booking.pk}").json())
            == notes
        )
    with django_assert_num_queries(2):
        assert (
            len(staff_client.get(f"/api/admin/audio-notes/bookings/{booking.pk}").json()) == notes
        )


def test_lists_are_bounded(customer, customer_client, monkeypatch):
    from messaging import selectors

    monkeypatch.setattr(selectors, "AUDIO_NOTES_MAX", 2)
    booking = factories.BookingFactory(user=customer)
    for _ in range(3):
        upload = Upload.objects.create(
            owner=customer, kind="file", content_type="audio/ogg", size=1
        )
        AudioNote.objects.create(booking=booking, user=customer, upload=upload)
    assert len(customer_client.get(f"/api/client/audio-notes?booking_id={booking.pk}").json()) == 2
