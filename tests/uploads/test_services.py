import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import DatabaseError
from django.test import RequestFactory

from tests.samples import PDF_BYTES, image_bytes
from uploads.choices import UploadKind
from uploads.exceptions import UploadRejected, UploadTooLarge
from uploads.models import Upload
from uploads.services import clean_original_name, upload_store, uploads_store
from uploads.uploadhandlers import SizeLimitedUploadHandler


@pytest.mark.parametrize(
    ("client_name", "kept"),
    [
        ("photo.png", "photo.png"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\asha\\Desktop\\menu.pdf", "menu.pdf"),
        ("nul\x00byte\x07.png", "nulbyte.png"),
        ("\u202egnp.exe", "gnp.exe"),
        ("  spaced out.pdf  ", "spaced out.pdf"),
        ("..", ""),
        ("dir/", ""),
        ("ü" * 300 + ".png", "ü" * 255),
        ("reçu été.pdf", "reçu été.pdf"),
    ],
)
def test_the_original_name_keeps_only_a_printable_base_name(client_name, kept):
    assert clean_original_name(client_name) == kept


@pytest.mark.django_db
def test_upload_store_checks_the_size_itself(customer, settings):
    """Callers other than the API (the admin) have no size-limited upload handler."""
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + bytes(1024 * 1024))

    with pytest.raises(UploadTooLarge, match=r"^big\.pdf: the file is larger than 1 MB\.$"):
        upload_store(uploaded_file=big, owner=customer, kind=UploadKind.FILE)

    assert Upload.objects.count() == 0


@pytest.mark.django_db
def test_an_upload_of_unknown_size_is_measured(customer, settings):
    """An UploadedFile need not know its size (None): it is neither empty nor under the limit
    until measured."""
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    pdf = UploadedFile(io.BytesIO(PDF_BYTES), name="a.pdf", size=None)
    upload = upload_store(uploaded_file=pdf, owner=customer, kind=UploadKind.FILE)
    assert upload.size == len(PDF_BYTES)

    empty = UploadedFile(io.BytesIO(b""), name="empty.pdf", size=None)
    with pytest.raises(UploadRejected, match=r"^empty\.pdf: the file is empty\.$"):
        upload_store(uploaded_file=empty, owner=customer, kind=UploadKind.FILE)

    big = UploadedFile(io.BytesIO(PDF_BYTES + bytes(1024 * 1024)), name="big.pdf", size=None)
    with pytest.raises(UploadTooLarge, match=r"^big\.pdf: the file is larger than 1 MB\.$"):
        upload_store(uploaded_file=big, owner=customer, kind=UploadKind.FILE)
    assert Upload.objects.count() == 1


@pytest.mark.django_db
def test_a_database_error_leaves_no_stored_file(customer, settings, monkeypatch):
    def failing_save(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Upload, "save", failing_save)
    png = SimpleUploadedFile("a.png", image_bytes("PNG"))

    with pytest.raises(DatabaseError):
        uploads_store(uploaded_files=[png], owner=customer, kind=UploadKind.IMAGE)

    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_uploads_store_wants_at_least_one_file(customer):
    with pytest.raises(UploadRejected) as refused:
        uploads_store(uploaded_files=[], owner=customer, kind=UploadKind.FILE)

    assert refused.value.code == "no_file"


@pytest.mark.django_db
def test_public_uploads_are_marked_public(customer):
    png = SimpleUploadedFile("a.png", image_bytes("PNG"))

    upload = upload_store(uploaded_file=png, owner=customer, kind=UploadKind.IMAGE, is_public=True)

    assert upload.is_public is True


def test_the_upload_handler_stops_and_deletes_a_file_past_the_limit(settings, tmp_path):
    settings.UPLOAD_MAX_FILE_SIZE_MB = 1
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    handler = SizeLimitedUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "big.pdf", "application/pdf", None)
    chunk = bytes(512 * 1024)

    handler.receive_data_chunk(chunk, 0)
    handler.receive_data_chunk(chunk, len(chunk))
    with pytest.raises(UploadTooLarge):
        handler.receive_data_chunk(b"x", 2 * len(chunk))

    assert os.listdir(tmp_path) == []
