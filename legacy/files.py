"""Legacy files (the legacy's backend/app/uploads directory, given as --files) into our
uploads: each stored through uploads.services.upload_store (sniffed by content, images
re-encoded without metadata, previews, hash, size, dimensions), and the legacy URLs in rows
rewritten to the upload's URL."""

import base64
import binascii
from pathlib import Path, PurePosixPath

from django.core.files.uploadedfile import TemporaryUploadedFile, UploadedFile

from accounts.models import User
from uploads.choices import UploadKind
from uploads.filetypes import SNIFF_LENGTH, VIDEO_TYPES, sniff
from uploads.models import Upload
from uploads.services import DATA_URI, upload_store

# Base64 characters decoded at a time (a multiple of 4): the picture is never held twice.
BASE64_PIECE = 64 * 1024


class FileNotFound(Exception):
    pass


class LegacyFiles:
    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root else None
        self.by_path: dict[str, Upload] = {}
        self.stored: list[Upload] = []
        self.bytes = 0

    def resolve(self, reference: str) -> Path:
        """A legacy path or URL to the file under --files, as the legacy's /static route
        looked: <path>, item-media/<path>, gallery/<path>, gallery/<name>."""
        if self.root is None:
            raise FileNotFound("no --files directory given")
        rel = reference.strip()
        for prefix in ("/static/", "static/", "/api/uploads/", "/uploads/", "uploads/"):
            if rel.startswith(prefix):
                rel = rel[len(prefix) :]
                break
        rel = rel.lstrip("/")
        posix = PurePosixPath(rel)
        if not rel or ".." in posix.parts:
            raise FileNotFound(f"{reference!r} is not a path under the uploads directory")
        gallery = PurePosixPath("gallery")
        for candidate in (posix, "item-media" / posix, gallery / posix, gallery / posix.name):
            path = (self.root / candidate).resolve()
            if path.is_file() and path.is_relative_to(self.root):
                return path
        raise FileNotFound(f"{reference} not found under {self.root}")

    def store_path(
        self,
        reference: str,
        *,
        owner: User | None,
        public: bool = True,
        documents: bool = False,
    ) -> Upload:
        """The upload for a legacy file (one upload per file, however many rows name it).
        With `documents`, a PDF is accepted too (contest proofs)."""
        path = self.resolve(reference)
        key = str(path)
        if key in self.by_path:
            return self.by_path[key]
        with path.open("rb") as handle:
            head = handle.read(SNIFF_LENGTH)
            handle.seek(0)
            kind = UploadKind.VIDEO if sniff(head) in VIDEO_TYPES else UploadKind.IMAGE
            if documents and head.startswith(b"%PDF-"):
                kind = UploadKind.FILE
            size = path.stat().st_size
            uploaded: UploadedFile[bytes] = UploadedFile(handle, path.name, None, size)
            upload = self._store(uploaded, owner, kind, public)
        self.by_path[key] = upload
        return upload

    def store_data_uri(self, value: str, *, owner: User | None) -> Upload:
        """A base64 data URI (the legacy's users.profile_image) decoded into an image upload."""
        match = DATA_URI.match(value)
        if not match:
            raise ValueError("not a base64 data URI")
        picture = TemporaryUploadedFile("profile-picture", "application/octet-stream", 0, None)
        try:
            for offset in range(match.end(), len(value), BASE64_PIECE):
                try:
                    piece = base64.b64decode(value[offset : offset + BASE64_PIECE], validate=True)
                except binascii.Error:
                    raise ValueError("the picture is not valid base64") from None
                picture.write(piece)
            picture.size = picture.tell()
            picture.seek(0)
            return self._store(picture, owner, UploadKind.IMAGE, True)
        finally:
            picture.close()

    def _store(
        self, uploaded: UploadedFile[bytes], owner: User | None, kind: UploadKind, public: bool
    ) -> Upload:
        upload = upload_store(
            uploaded_file=uploaded,
            owner=owner,  # None: a file staff once put up
            kind=kind,
            is_public=public,
        )
        self.stored.append(upload)
        self.bytes += upload.size
        return upload

    def rewrite_url(self, url: str) -> str:
        """A legacy /static/... URL of a file we copied, as our upload's URL; an absolute
        URL elsewhere is kept. Raises FileNotFound for a local file that is not there."""
        value = url.strip()
        if not value or value.startswith(("http://", "https://", "data:")):
            return value
        if value.startswith("/api/uploads/") and value.removeprefix("/api/uploads/").isdigit():
            return value
        return self.store_path(value, owner=None).get_absolute_url()

    def discard(self) -> None:
        """Delete the files stored by a run that did not commit."""
        for upload in self.stored:
            upload.delete_files()


def media_type_of(upload: Upload) -> str:
    return "video" if upload.kind == UploadKind.VIDEO else "image"
