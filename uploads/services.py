"""Storing uploaded files: validation, content sniffing, image re-encoding, the model row.

Used by the upload API and (later) the admin. Every refusal is an uploads.exceptions
exception carrying its HTTP status (400, 413 or 415) and a message that names the file.
"""

import base64
import binascii
import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import ProtectedError, Sum
from django.utils import timezone

from accounts.models import User
from lebrq.errors import Conflict, NotFound
from uploads.choices import MediaType, UploadKind
from uploads.exceptions import (
    AnonymousUploadsExhausted,
    UnsupportedFileType,
    UploadRejected,
    UploadTooLarge,
)
from uploads.filetypes import (
    ALL_TYPES,
    IMAGE_TYPES,
    SNIFF_LENGTH,
    VIDEO_TYPES,
    contains_markup,
    looks_like_markup,
    sniff,
)
from uploads.images import reencode_image
from uploads.models import GalleryImage, Upload

ACCEPTED_TYPES = {
    UploadKind.IMAGE: IMAGE_TYPES,
    UploadKind.FILE: ALL_TYPES,
    UploadKind.VIDEO: VIDEO_TYPES,
}


def max_upload_bytes(kind: UploadKind | None = None) -> int:
    """The largest file of this kind: videos (UploadKind.VIDEO, the video routes) up to
    VIDEO_UPLOAD_MAX_FILE_SIZE_MB, anything else up to UPLOAD_MAX_FILE_SIZE_MB."""
    return _limit_mb(kind) * 1024 * 1024


def _limit_mb(kind: UploadKind | None) -> int:
    limit: int = (
        settings.VIDEO_UPLOAD_MAX_FILE_SIZE_MB
        if kind == UploadKind.VIDEO
        else settings.UPLOAD_MAX_FILE_SIZE_MB
    )
    return limit


def file_too_large(name: str, kind: UploadKind | None = None) -> UploadTooLarge:
    return UploadTooLarge(
        f"{name}: the file is larger than {_limit_mb(kind)} MB.", code="file_too_large"
    )


def clean_original_name(name: str) -> str:
    """The client's file name, for display only: base name, no control characters, ≤255.

    Format characters (Unicode category Cf) go too: a right-to-left override can make
    "gpj.exe" read as "exe.jpg".
    """
    base = re.split(r"[\\/]", name)[-1]
    printable = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return "" if printable in {".", ".."} else printable[:255]


def uploads_store(
    *,
    uploaded_files: Sequence[UploadedFile[bytes]],
    owner: User | None,
    kind: UploadKind,
    is_public: bool = False,
) -> list[Upload]:
    """Store several files, all or none: one refusal stores nothing and leaves no file."""
    if not uploaded_files:
        raise UploadRejected("No file was sent: use the multipart field 'file'.", code="no_file")
    if len(uploaded_files) > settings.UPLOAD_MAX_FILES:
        raise too_many_files()
    stored: list[Upload] = []
    try:
        with transaction.atomic():
            for uploaded_file in uploaded_files:
                stored.append(
                    upload_store(
                        uploaded_file=uploaded_file, owner=owner, kind=kind, is_public=is_public
                    )
                )
    except BaseException:
        for upload in stored:
            upload.delete_files()
        raise
    return stored


def too_many_files() -> UploadRejected:
    return UploadRejected(
        f"Too many files: send at most {settings.UPLOAD_MAX_FILES} in one upload.",
        code="too_many_files",
    )


def upload_store(
    *,
    uploaded_file: UploadedFile[bytes],
    owner: User | None,
    kind: UploadKind,
    is_public: bool = False,
    max_side: int | None = None,
) -> Upload:
    """Validate one uploaded file and store it under a random name, with its Upload row.

    The type comes from the content (see uploads.filetypes), never from the name or the
    client's Content-Type. Images are decoded and re-encoded (uploads.images); `size` and
    `sha256` describe the stored bytes, which is what a download returns. The file is read
    in chunks throughout and never held in memory.
    """
    original_name = clean_original_name(uploaded_file.name or "")
    label = original_name or "The file"
    size = _uploaded_size(uploaded_file)
    if size == 0:
        raise UploadRejected(f"{label}: the file is empty.", code="empty_file")
    if size > max_upload_bytes(kind):
        raise file_too_large(label, kind)
    _check_quota(owner, size, label)

    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_LENGTH)
    uploaded_file.seek(0)
    if looks_like_markup(head):
        raise UnsupportedFileType(
            f"{label}: HTML, SVG and XML files are not accepted.", code="markup_refused"
        )
    file_type = sniff(head)
    accepted = ACCEPTED_TYPES[kind]
    if file_type not in accepted:
        names = ", ".join(sorted(t.extension.upper() for t in accepted))
        raise UnsupportedFileType(
            f"{label}: this type of file is not accepted (accepted: {names}).",
            code="unsupported_file_type",
        )

    if file_type.is_image and contains_markup(uploaded_file.chunks()):
        # Re-encoding would drop it too; refusing says plainly what was wrong.
        raise UnsupportedFileType(
            f"{label}: the image carries HTML or script; send the plain picture.",
            code="markup_refused",
        )
    uploaded_file.seek(0)

    upload = Upload(
        owner=owner,
        kind=kind,
        original_name=original_name,
        content_type=file_type.content_type,
        is_public=is_public,
    )
    temp_dir = settings.FILE_UPLOAD_TEMP_DIR
    with (
        tempfile.NamedTemporaryFile(dir=temp_dir) as reencoded,
        tempfile.NamedTemporaryFile(dir=temp_dir) as preview,
    ):
        content: File[bytes] = uploaded_file
        upload.size = size
        if file_type.is_image:
            upload.width, upload.height = reencode_image(
                uploaded_file,
                reencoded,
                file_type,
                label=label,
                thumbnail=preview,
                max_side=max_side,
            )
            reencoded.flush()
            content = File(reencoded)
            upload.size = content.size
        upload.sha256 = _sha256(content)
        try:
            # FileSystemStorage moves a spooled upload into place instead of copying it; a
            # bucket gets it as a multipart upload of bounded parts (lebrq.bucket_storage).
            upload.file.save(f"upload.{file_type.extension}", content, save=False)
            if file_type.is_image:
                preview.flush()
                upload.thumbnail.save("thumbnail.jpg", File(preview), save=False)
            upload.save()
        except BaseException:
            upload.delete_files()
            raise
    return upload


def stored_bytes_of(owner: User) -> int:
    total: int | None = Upload.objects.filter(owner=owner).aggregate(total=Sum("size"))["total"]
    return total or 0


def _check_quota(owner: User | None, size: int, label: str) -> None:
    """A customer stores at most UPLOAD_QUOTA_PER_USER_MB in all (one wrote 300 MB in 1.5 s
    before there was a limit); staff and login-less uploads (counted per hour) are not held
    to it. Checked before any decoding, on the size as received."""
    if owner is None or owner.is_staff:
        return
    quota = settings.UPLOAD_QUOTA_PER_USER_MB * 1024 * 1024
    if stored_bytes_of(owner) + size > quota:
        raise UploadTooLarge(
            f"{label}: your uploads would pass your {settings.UPLOAD_QUOTA_PER_USER_MB} MB of "
            "storage; delete some first.",
            code="storage_quota_exceeded",
        )


def upload_delete_by(*, upload_id: int, actor: User) -> None:
    """DELETE /uploads/<id>: its owner or staff may delete an upload (someone else's is a 404,
    as for reading it); one still used elsewhere is a 409."""
    upload = Upload.objects.filter(pk=upload_id).first()
    if upload is None or not (actor.is_staff or upload.owner_id == actor.pk):
        raise NotFound("No such upload.")
    try:
        with transaction.atomic():
            upload_delete(upload)
    except ProtectedError:
        raise Conflict(
            "This file is still used (a gallery, a contest entry...); remove it there first.",
            code="upload_in_use",
        ) from None


def _uploaded_size(uploaded_file: UploadedFile[bytes]) -> int:
    """The size in bytes of the file as received.

    Django's upload handlers always set it, but an UploadedFile made another way may not
    (its size is then None, not 0): the file is measured by seeking to its end rather than
    taken as empty or as within the limit.
    """
    if uploaded_file.size is not None:
        return uploaded_file.size
    uploaded_file.seek(0, os.SEEK_END)
    size: int = uploaded_file.tell()
    uploaded_file.seek(0)
    return size


def _sha256(content: File[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in content.chunks():
        digest.update(chunk)
    return digest.hexdigest()


def upload_delete(upload: Upload) -> None:
    """Delete the row, then its files once the deletion is committed (a rollback keeps both)."""
    upload.delete()
    transaction.on_commit(upload.delete_files)


# data:image/jpeg;base64,<data>, as the profile screens send a picked picture.
DATA_URI = re.compile(r"^data:(?P<type>[\w.+-]+/[\w.+-]+)?(?:;[\w-]+=[\w.-]+)*;base64,", re.ASCII)
# Profile pictures may also be one of our uploads or an image elsewhere on the web.
PICTURE_URL = re.compile(r"^(https?://\S+|/api/uploads/[0-9]+)$")


# Base64 characters decoded at a time: a multiple of 4, so every piece but the last decodes
# alone; 48 KiB of bytes each.
BASE64_PIECE = 64 * 1024


@contextmanager
def _decoded_to_temporary_file(text: str, start: int) -> Iterator[TemporaryUploadedFile]:
    """The base64 in text[start:], decoded piece by piece into a temporary file (the JSON
    body already holds the text; the picture's bytes are not held a second time)."""
    picture = TemporaryUploadedFile("profile-picture", "application/octet-stream", 0, None)
    try:
        for offset in range(start, len(text), BASE64_PIECE):
            try:
                piece = base64.b64decode(text[offset : offset + BASE64_PIECE], validate=True)
            except binascii.Error:
                raise UploadRejected(
                    "profile_image: the picture is not valid base64.", code="invalid_base64"
                ) from None
            picture.write(piece)
        picture.size = picture.tell()
        picture.seek(0)
        yield picture
    finally:
        picture.close()


def profile_image_set(*, user: User, value: str) -> str:
    """Set the user's profile picture from a base64 data URI (stored as a public image upload,
    validated like any other) or a URL; returns what `profile_image` now holds.

    The legacy kept the whole data URI in the users row; here it becomes a file.
    """
    value = value.strip()
    match = DATA_URI.match(value)
    if match:
        with _decoded_to_temporary_file(value, match.end()) as picture:
            upload = upload_store(
                uploaded_file=picture,
                owner=user,
                kind=UploadKind.IMAGE,
                is_public=True,
                max_side=settings.PROFILE_IMAGE_MAX_SIDE,
            )
        url = upload.get_absolute_url()
    elif PICTURE_URL.match(value) and len(value) <= 500:
        url = value
    else:
        raise UploadRejected(
            "profile_image: send a data:image/...;base64 picture or an http(s) URL.",
            code="invalid_profile_image",
        )
    user.profile_image = url
    user.save(update_fields=["profile_image"])
    return url


def media_kind_of(uploaded_file: UploadedFile[bytes]) -> UploadKind:
    """IMAGE or VIDEO, from the file's first bytes (the gallery and item media take both);
    anything else is refused as upload_store would refuse it."""
    label = clean_original_name(uploaded_file.name or "") or "The file"
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_LENGTH)
    uploaded_file.seek(0)
    file_type = sniff(head)
    if file_type in IMAGE_TYPES:
        return UploadKind.IMAGE
    if file_type in VIDEO_TYPES:
        return UploadKind.VIDEO
    if looks_like_markup(head):
        raise UnsupportedFileType(
            f"{label}: HTML, SVG and XML files are not accepted.", code="markup_refused"
        )
    names = ", ".join(sorted(t.extension.upper() for t in IMAGE_TYPES | VIDEO_TYPES))
    raise UnsupportedFileType(
        f"{label}: this type of file is not accepted (accepted: {names}).",
        code="unsupported_file_type",
    )


def anonymous_uploads_check(count: int) -> None:
    """Refuse `count` more uploads without a login once ANONYMOUS_UPLOADS_PER_HOUR of them
    were stored in the last hour (all such callers share the budget: it bounds what strangers
    can put on the disk, docs/DESIGN.md, Files). Counted from the uploads table, so every
    worker sees the same figure."""
    budget: int = settings.ANONYMOUS_UPLOADS_PER_HOUR
    since = timezone.now() - timedelta(hours=1)
    recent = Upload.objects.filter(owner__isnull=True, created_at__gte=since)
    if recent.count() + count > budget:
        oldest = recent.order_by("created_at").values_list("created_at", flat=True).first()
        wait = int((oldest + timedelta(hours=1) - timezone.now()).total_seconds()) if oldest else 0
        raise AnonymousUploadsExhausted(retry_after=max(wait, 1))


def gallery_entry_create(*, uploaded_file: UploadedFile[bytes], owner: User) -> GalleryImage:
    """A public gallery picture or video: the upload (validated like any other) and its entry."""
    kind = media_kind_of(uploaded_file)
    with transaction.atomic():
        upload = upload_store(uploaded_file=uploaded_file, owner=owner, kind=kind, is_public=True)
        try:
            return GalleryImage.objects.create(
                upload=upload,
                media_type=MediaType.VIDEO if kind == UploadKind.VIDEO else MediaType.IMAGE,
            )
        except BaseException:
            upload.delete_files()
            raise


def gallery_entry_update(
    *, entry: GalleryImage, title: str | None, description: str | None
) -> GalleryImage:
    """Change the title or description; None leaves a field as it is (the legacy's rule)."""
    fields = []
    if title is not None:
        entry.title = title
        fields.append("title")
    if description is not None:
        entry.description = description
        fields.append("description")
    if fields:
        entry.save(update_fields=[*fields, "updated_at"])
    return entry


def gallery_entry_delete(*, entry: GalleryImage) -> None:
    """The entry and its upload; the files go once the deletion is committed."""
    with transaction.atomic():
        upload = entry.upload
        entry.delete()
        upload_delete(upload)


def public_pictures_store(
    *, uploaded_files: Sequence[UploadedFile[bytes]], owner: User | None
) -> list[Upload]:
    """Pictures for public pages (posters, banners, space images), with or without a login:
    validated and re-encoded like every image, public, and without a login only within the
    hourly budget (anonymous_uploads_check)."""
    if owner is None:
        anonymous_uploads_check(len(uploaded_files))
    return uploads_store(
        uploaded_files=uploaded_files, owner=owner, kind=UploadKind.IMAGE, is_public=True
    )
