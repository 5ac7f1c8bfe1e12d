from typing import Any

from django.core.exceptions import TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.datastructures import MultiValueDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.throttling import UploadThrottle
from uploads.api.serializers import (
    UploadRequestSerializer,
    UploadResultSerializer,
    UploadSerializer,
)
from uploads.choices import UploadKind
from uploads.parsers import PictureJsonParser, StrictMultiPartParser
from uploads.selectors import upload_get_visible
from uploads.services import (
    profile_image_set,
    too_many_files,
    upload_delete_by,
    uploads_store,
)
from uploads.serving import upload_file_response, upload_thumbnail_response
from uploads.uploadhandlers import SizeLimitedUploadHandler


class UploadCreateView(APIView):
    """Multipart upload of one or more files in the field `file` (or legacy `files`)."""

    kind: UploadKind
    # Whether anyone may fetch what this endpoint stores (see ImageUploadView).
    public: bool = False
    parser_classes = [StrictMultiPartParser]
    throttle_classes = [UploadThrottle]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: the handler stops an oversized file early.
        request.upload_handlers = [SizeLimitedUploadHandler(request, self.kind)]
        return super().initialize_request(request, *args, **kwargs)

    def post(self, request: Request) -> Response:
        uploads = uploads_store(
            uploaded_files=uploaded_files(request),
            owner=authenticated_user(request),
            kind=self.kind,
            is_public=self.public,
        )
        files = UploadSerializer(uploads, many=True).data
        result = {"url": files[0]["url"], "path": uploads[0].file.name, "files": files}
        return Response(result, status=201)


def uploaded_files(request: Request) -> list[UploadedFile[bytes]]:
    try:
        files: MultiValueDict[str, UploadedFile[bytes]] = request.FILES
    except TooManyFilesSent as exc:
        # Django's parser stops at DATA_UPLOAD_MAX_NUMBER_FILES with a generic message.
        raise too_many_files() from exc
    return files.getlist("file") + files.getlist("files")


_UPLOAD_ERRORS = {
    400: OpenApiResponse(description="No file, empty, corrupt, too many pixels or files."),
    401: OpenApiResponse(description="Not logged in."),
    413: OpenApiResponse(description="A file is larger than UPLOAD_MAX_FILE_SIZE_MB."),
    415: OpenApiResponse(description="A type that is not accepted (SVG, HTML, unknown...)."),
}


class ImageUploadView(UploadCreateView):
    """Pictures for public pages: banners, posters, offers, items, profiles.

    The frontend shows them to visitors who are not logged in (the legacy served every upload
    from a public folder), so they are public, with a day's cache; PDFs and videos sent to
    /uploads/files stay private to their owner and staff.
    """

    kind = UploadKind.IMAGE
    public = True

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={201: UploadResultSerializer, **_UPLOAD_ERRORS},
        description="JPEG, PNG, WebP or GIF images, re-encoded without their metadata.",
        tags=["uploads"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class FileUploadView(UploadCreateView):
    kind = UploadKind.FILE

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={201: UploadResultSerializer, **_UPLOAD_ERRORS},
        description="Images (as /uploads/image), PDF, MP4, QuickTime or WebM files.",
        tags=["uploads"],
    )
    def post(self, request: Request) -> Response:
        return super().post(request)


class UploadFileView(APIView):
    """The bytes of an upload, with Range and conditional requests (lebrq.file_responses)."""

    permission_classes = [AllowAny]
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiTypes.BINARY,
            (206, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="One byte range."),
            304: OpenApiResponse(description="Not modified."),
            404: OpenApiResponse(description="No such file, or not yours and not public."),
            416: OpenApiResponse(description="Range not satisfiable."),
        },
        description=(
            "Public files are served to anyone; private ones to their owner and staff only. "
            "Images are inline, other files attachments."
        ),
        tags=["uploads"],
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        upload = upload_get_visible(upload_id=pk, user=request.user)
        return upload_file_response(request, upload)

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description="Deleted, with its file and preview."),
            401: OpenApiResponse(description="Not logged in."),
            404: OpenApiResponse(description="No such upload, or not yours."),
            409: OpenApiResponse(description="Still used (gallery, contest entry...)."),
        },
        description="Owners delete their own uploads (staff any), freeing their storage quota.",
        tags=["uploads"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        if not request.user.is_authenticated:
            raise NotAuthenticated
        upload_delete_by(upload_id=pk, actor=authenticated_user(request))
        return Response(status=204)


class UploadThumbnailView(APIView):
    """A small JPEG preview of an image upload; same visibility as the file."""

    permission_classes = [AllowAny]
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            304: OpenApiResponse(description="Not modified."),
            404: OpenApiResponse(description="No such image, no preview, or not visible."),
        },
        tags=["uploads"],
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        upload = upload_get_visible(upload_id=pk, user=request.user)
        if not upload.thumbnail:
            raise NotFound("This upload has no preview.")
        return upload_thumbnail_response(request, upload)


class ProfileImageRequestSerializer(serializers.Serializer[Any]):
    profile_image = serializers.CharField(
        help_text="A data:image/...;base64 picture (stored as an upload) or an http(s) URL."
    )


class ProfileImageResultSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()
    profile_image = serializers.CharField()


class ProfileImageView(APIView):
    """PUT /auth/profile/image: the profile screens send the picked picture as base64."""

    parser_classes = [PictureJsonParser]
    throttle_classes = [UploadThrottle]

    @extend_schema(
        request=ProfileImageRequestSerializer,
        responses={200: ProfileImageResultSerializer, **_UPLOAD_ERRORS},
        tags=["auth"],
    )
    def put(self, request: Request) -> Response:
        serializer = ProfileImageRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        url = profile_image_set(
            user=authenticated_user(request), value=serializer.validated_data["profile_image"]
        )
        return Response({"message": "Profile image updated successfully", "profile_image": url})
