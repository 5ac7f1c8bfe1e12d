"""POST /uploads/poster, /uploads/program-images and /uploads/video: the staff screens' (and
the booking screens') picture and video uploads, stored as uploads like every other file.

The legacy answered `/static/<name>` paths; these answer absolute URLs of /api/uploads/<id>,
which every call site uses as they are (they prefix only paths starting with /static).
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.choices import Role
from accounts.models import User
from uploads.api.serializers import UploadRequestSerializer, UploadSerializer
from uploads.api.views import UploadCreateView, uploaded_files
from uploads.choices import UploadKind
from uploads.models import Upload
from uploads.services import public_pictures_store, uploads_store

_ERRORS = {
    400: OpenApiResponse(description="No file, empty, corrupt, too many pixels or files."),
    413: OpenApiResponse(description="A file over its size limit."),
    415: OpenApiResponse(description="A type that is not accepted (SVG, HTML, unknown...)."),
}


def _absolute(request: Request, upload: Upload) -> str:
    return request.build_absolute_uri(upload.get_absolute_url())


class StoredFilesSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="Absolute URL of the (first) file.")
    path = serializers.CharField(help_text="Storage name of the first file.")
    files = UploadSerializer(many=True)


def _stored(request: Request, uploads: list[Upload], status: int = 201) -> Response:
    return Response(
        {
            "url": _absolute(request, uploads[0]),
            "path": uploads[0].file.name,
            "files": UploadSerializer(uploads, many=True).data,
        },
        status=status,
    )


def _owner(request: Request) -> User | None:
    return request.user if isinstance(request.user, User) else None


class PosterUploadView(UploadCreateView):
    """A poster, banner or item picture (field `file`); public, re-encoded.

    Most call sites send no token (app/admin/programs/[id].tsx:109, app/venue/grant-hall.tsx,
    the banner and stage screens), as the legacy allowed: without a login the picture counts
    against ANONYMOUS_UPLOADS_PER_HOUR. A token, when sent, makes the caller its owner.
    """

    kind = UploadKind.IMAGE
    public = True
    permission_classes = [AllowAny]

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            201: StoredFilesSerializer,
            **_ERRORS,
            429: OpenApiResponse(description="The hourly budget of anonymous uploads is spent."),
        },
        tags=["uploads"],
    )
    def post(self, request: Request) -> Response:
        uploads = public_pictures_store(
            uploaded_files=uploaded_files(request), owner=_owner(request)
        )
        return _stored(request, uploads)


class ProgramImagesSerializer(serializers.Serializer[Any]):
    files = serializers.ListField(
        child=serializers.CharField(), help_text="Absolute URLs of the stored pictures, in order."
    )
    program_id = serializers.IntegerField(allow_null=True)
    uploads = UploadSerializer(many=True)


class ProgramIdSerializer(serializers.Serializer[Any]):
    program_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class ProgramImagesUploadView(UploadCreateView):
    """Several pictures (field `files`) for a space's or program's banner list; as posters.

    The legacy stored what it could and listed the rest as `warnings`; here one bad file
    refuses the request and stores nothing. `program_id` is echoed back: the legacy's
    program_images table had no reader.
    """

    kind = UploadKind.IMAGE
    public = True
    permission_classes = [AllowAny]

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            201: ProgramImagesSerializer,
            **_ERRORS,
            429: OpenApiResponse(description="The hourly budget of anonymous uploads is spent."),
        },
        tags=["uploads"],
    )
    def post(self, request: Request) -> Response:
        program_id = request.data.get("program_id") if isinstance(request.data, dict) else None
        form = ProgramIdSerializer(data={"program_id": program_id or None})
        form.is_valid(raise_exception=True)
        uploads = public_pictures_store(
            uploaded_files=uploaded_files(request), owner=_owner(request)
        )
        return Response(
            {
                "files": [_absolute(request, upload) for upload in uploads],
                "program_id": form.validated_data["program_id"],
                "uploads": UploadSerializer(uploads, many=True).data,
            },
            status=201,
        )


class IsStaffOrVendor(BasePermission):
    message = "Staff and vendors only."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user.is_authenticated and (user.is_staff or getattr(user, "role", "") == Role.VENDOR)
        )


class VideoUploadView(UploadCreateView):
    """A product video (field `file`): MP4, QuickTime or WebM by content, up to
    VIDEO_UPLOAD_MAX_FILE_SIZE_MB, streamed to disk (the route is in UPLOAD_PATH_REGEX).

    Public, like the legacy's /static files: the racks screens show them to customers. Staff
    and vendors only (the call sites send their token: app/admin/racks/index.tsx:374,
    lib/api.ts uploadVideo); the legacy took any login.
    """

    kind = UploadKind.VIDEO
    public = True
    permission_classes = [IsStaffOrVendor]

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={201: StoredFilesSerializer, **_ERRORS},
        tags=["uploads"],
    )
    def post(self, request: Request) -> Response:
        uploads = uploads_store(
            uploaded_files=uploaded_files(request),
            owner=_owner(request),
            kind=UploadKind.VIDEO,
            is_public=True,
        )
        return _stored(request, uploads)
