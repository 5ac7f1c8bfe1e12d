"""Proof uploads (app/contest/[slug].tsx:290), their claim by an entry (:350) and the links
staff open them with ([id].tsx:492)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contests import services
from contests.models import ContestEntry, ContestEntryFile
from tests.contests.conftest import make_contest, make_entry
from tests.samples import HTML_BYTES, PDF_BYTES, WEBM_BYTES, image_bytes
from uploads.models import Upload

pytestmark = pytest.mark.django_db


def status_of(response) -> int:
    """The status of a GET, its streamed file read to the end (which closes the file; the
    test client's own wrapper closes it without closing the test's database connection)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response.status_code


def upload(client, name, content, content_type, slug="birthday-bash"):
    return client.post(
        f"/api/contests/{slug}/upload-proof",
        {"file": SimpleUploadedFile(name, content, content_type)},
        format="multipart",
    )


def test_a_picture_is_stored_privately_and_claimed_by_the_entry(api_client, staff_client, contest):
    stored = upload(api_client, "invite.png", image_bytes("PNG"), "image/png")

    assert stored.status_code == 201, stored.content
    proof = ContestEntryFile.objects.get()
    assert proof.upload is not None
    assert stored.json() == {
        "url": f"http://testserver/api/contests/proofs/{proof.key}",
        "filename": "invite.png",
        "file_type": "image/png",
        "file_size": proof.upload.size,
    }
    assert proof.upload.is_public is False
    assert proof.upload.owner is None
    # Nobody reads it by its URL alone, nor through the uploads route.
    assert status_of(api_client.get(stored.json()["url"])) == 404
    assert api_client.get(f"/api/uploads/{proof.upload.pk}").status_code == 404

    # The page prefixes the path with its host and sends it back with the entry.
    body = stored.json()
    entry = api_client.post(
        "/api/contests/birthday-bash/entries",
        {
            "participant_name": "Meera",
            "email": "meera@example.com",
            "phone": None,
            "event_type": "birthday",
            "event_date": "2026-12-24",
            "relation": "self",
            "message": None,
            "consent": True,
            "file_urls": [body["url"]],
            "file_names": [body["filename"]],
            "file_types": [body["file_type"]],
            "file_sizes": [body["file_size"]],
        },
        format="json",
    )
    assert entry.status_code == 201, entry.content
    proof.refresh_from_db()
    assert proof.entry_id == entry.json()["id"]

    [row] = staff_client.get(f"/api/contests/admin/contests/{contest.pk}/entries").json()
    link = row["files"][0]["file_url"]
    opened = api_client.get(link)  # as <Image source={{uri}}>: no token
    assert opened.status_code == 200
    assert opened["Content-Type"] == "image/png"
    assert b"".join(opened.streaming_content).startswith(b"\x89PNG")
    assert status_of(staff_client.get(body["url"])) == 200


def test_a_pdf_is_taken(api_client, contest):
    response = upload(api_client, "invitation.pdf", PDF_BYTES, "application/pdf")

    assert response.status_code == 201, response.content
    assert response.json()["file_type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "content_type", "status"),
    [
        ("clip.webm", WEBM_BYTES, "video/webm", 415),
        ("page.png", HTML_BYTES, "image/png", 415),
        ("empty.png", b"", "image/png", 400),
        ("notes.txt", b"just words", "text/plain", 415),
    ],
)
def test_other_files_are_refused_and_nothing_is_kept(
    api_client, contest, name, content, content_type, status
):
    response = upload(api_client, name, content, content_type)

    assert response.status_code == status, response.content
    assert not ContestEntryFile.objects.exists()
    assert not Upload.objects.exists()


def test_a_file_over_the_limit_is_413(api_client, contest, settings):
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1

    response = upload(api_client, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024), "application/pdf")

    assert response.status_code == 413
    assert not Upload.objects.exists()


def test_no_file_and_closed_contests(api_client, contest):
    make_contest(slug="later", start_date=timezone.localdate() + timedelta(days=2))

    assert (
        api_client.post("/api/contests/birthday-bash/upload-proof", {}, format="multipart")
    ).status_code == 400
    assert upload(api_client, "a.pdf", PDF_BYTES, "application/pdf", "later").status_code == 409
    assert upload(api_client, "a.pdf", PDF_BYTES, "application/pdf", "nothing").status_code == 404
    assert not Upload.objects.exists()


def test_anonymous_uploads_share_the_hourly_budget(api_client, contest, settings):
    settings.ANONYMOUS_UPLOADS_PER_HOUR = 1

    first = upload(api_client, "a.pdf", PDF_BYTES, "application/pdf")
    second = upload(api_client, "b.pdf", PDF_BYTES, "application/pdf")

    assert first.status_code == 201
    assert second.status_code == 429
    assert second.has_header("Retry-After")


def test_a_proof_is_claimed_once_and_only_by_its_contest(api_client, contest):
    other = make_contest(slug="other")
    url = upload(api_client, "a.pdf", PDF_BYTES, "application/pdf").json()["url"]
    first = make_entry(contest)
    ContestEntryFile.objects.update(entry=first)

    again = api_client.post(
        "/api/contests/birthday-bash/entries",
        {
            "participant_name": "B",
            "phone": "9000000009",
            "event_type": "birthday",
            "event_date": "2026-12-24",
            "consent": True,
            "file_urls": [url],
        },
        format="json",
    )
    ContestEntryFile.objects.update(entry=None)
    elsewhere = api_client.post(
        f"/api/contests/{other.slug}/entries",
        {
            "participant_name": "B",
            "phone": "9000000009",
            "event_type": "birthday",
            "event_date": "2026-12-24",
            "consent": True,
            "file_urls": [url],
        },
        format="json",
    )

    assert (again.status_code, again.json()["code"]) == (400, "proof_unknown")
    assert (elsewhere.status_code, elsewhere.json()["code"]) == (400, "proof_unknown")
    assert list(ContestEntry.objects.all()) == [first]


def test_signed_links_expire_and_are_bound_to_their_file(
    api_client, staff_client, contest, settings
):
    a = upload(api_client, "a.pdf", PDF_BYTES, "application/pdf").json()["url"]
    b = upload(api_client, "b.pdf", PDF_BYTES, "application/pdf").json()["url"]
    entry = make_entry(contest)
    ContestEntryFile.objects.update(entry=entry)
    links = {
        row["file_name"]: row["file_url"]
        for row in staff_client.get(f"/api/contests/admin/contests/{contest.pk}/entries").json()[0][
            "files"
        ]
    }
    token_of_a = links["a.pdf"].split("?t=")[1]

    assert status_of(api_client.get(links["a.pdf"])) == 200
    assert status_of(api_client.get(f"{b}?t={token_of_a}")) == 404
    settings.CONTEST_PROOF_LINK_MAX_AGE_SECONDS = -1
    assert status_of(api_client.get(links["a.pdf"])) == 404
    assert a in links["a.pdf"]


def test_unclaimed_proofs_are_swept_with_their_files(
    api_client, contest, django_capture_on_commit_callbacks
):
    upload(api_client, "old.pdf", PDF_BYTES, "application/pdf")
    upload(api_client, "new.pdf", PDF_BYTES, "application/pdf")
    upload(api_client, "kept.pdf", PDF_BYTES, "application/pdf")
    old = ContestEntryFile.objects.get(file_name="old.pdf")
    assert old.upload is not None
    ContestEntryFile.objects.filter(file_name__in=["old.pdf", "kept.pdf"]).update(
        created_at=timezone.now() - timedelta(hours=30)
    )
    ContestEntryFile.objects.filter(file_name="kept.pdf").update(entry=make_entry(contest))
    path = Path(old.upload.file.path)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        swept = services.proofs_sweep(older_than_hours=24)

    assert swept == 1
    assert sorted(ContestEntryFile.objects.values_list("file_name", flat=True)) == [
        "kept.pdf",
        "new.pdf",
    ]
    assert Upload.objects.count() == 2
    assert not path.exists()
