"""The public gallery list (uploads are served by /api/uploads/<id>), and the staff gallery
screen's upload, edit and delete (app/admin/gallery.tsx)."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.auth import authenticated_user
from accounts.authentication import JWTAuthentication
from lebrq.api.permissions import IsStaff
from lebrq.api.serializers import LegacyModelSerializer
from lebrq.api.views import PublicAPIView
from lebrq.converters import ROW_ID_REGEX
from uploads.api.serializers import UploadRequestSerializer
from uploads.api.views import uploaded_files
from uploads.choices import UploadKind
from uploads.exceptions import UploadRejected
from uploads.models import GalleryImage
from uploads.parsers import StrictMultiPartParser
from uploads.services import gallery_entry_create, gallery_entry_delete, gallery_entry_update
from uploads.uploadhandlers import SizeLimitedUploadHandler


class GalleryImageSerializer(LegacyModelSerializer[GalleryImage]):
    filename = serializers.CharField(source="upload.original_name")
    content_type = serializers.CharField(source="upload.content_type")
    width = serializers.IntegerField(source="upload.width")
    height = serializers.IntegerField(source="upload.height")
    url = serializers.SerializerMethodField(help_text="Absolute URL of the file.")
    thumbnail_url = serializers.SerializerMethodField(help_text="Absolute URL of a preview.")

    class Meta:
        model = GalleryImage
        fields = [
            "id",
            "title",
            "description",
            "media_type",
            "filename",
            "content_type",
            "width",
            "height",
            "url",
            "thumbnail_url",
            "created_at",
        ]

    def get_url(self, entry: GalleryImage) -> str:
        return self._absolute(entry.upload.get_absolute_url())

    def get_thumbnail_url(self, entry: GalleryImage) -> str | None:
        path = entry.upload.get_thumbnail_url()
        return self._absolute(path) if path else None

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# GET /gallery/public answers a bare array, as the legacy did, of at most this many entries,
# newest first (the home page shows six, the gallery page all; the legacy sent every row).
PUBLIC_GALLERY_MAX_ROWS = 1000


class GalleryEditSerializer(serializers.Serializer[Any]):
    """PATCH /gallery/{id}: a null or missing field is left as it is (the legacy's rule)."""

    title = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=255, trim_whitespace=True
    )
    description = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=5000
    )


class GalleryUploadResultSerializer(GalleryImageSerializer):
    """The schema of the upload's answer: the entry and a message (the legacy's keys)."""

    message = serializers.CharField()

    class Meta(GalleryImageSerializer.Meta):
        fields = ["message", *GalleryImageSerializer.Meta.fields]


@extend_schema(tags=["catalog"])
class GalleryViewSet(PublicAPIView, viewsets.ReadOnlyModelViewSet[GalleryImage]):
    """Reads are public (no token read); upload, edit and delete are staff's, with a token.

    The request method decides before authentication runs, as DRF builds the authenticators
    before it knows the action.
    """

    serializer_class = GalleryImageSerializer
    lookup_value_regex = ROW_ID_REGEX
    _writes = False

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        self._writes = request.method not in SAFE_METHODS
        if self._writes:
            # Videos up to VIDEO_UPLOAD_MAX_FILE_SIZE_MB, stopped as soon as one passes it.
            request.upload_handlers = [SizeLimitedUploadHandler(request, UploadKind.VIDEO)]
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self) -> list[BaseAuthentication]:
        if self._writes:
            return [JWTAuthentication()]
        return []

    def get_permissions(self) -> list[BasePermission]:
        return [IsStaff()] if self._writes else [AllowAny()]

    def _entry(self, pk: str) -> GalleryImage:
        return get_object_or_404(GalleryImage.objects.select_related("upload"), pk=pk)

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            201: GalleryUploadResultSerializer,
            400: OpenApiResponse(description="No file, empty, corrupt, too many pixels."),
            413: OpenApiResponse(description="Over UPLOAD_MAX_FILE_SIZE_MB (videos: VIDEO_...)."),
            415: OpenApiResponse(description="Not a JPEG, PNG, WebP, GIF, MP4, MOV or WebM."),
        },
        summary="Add a picture or video to the gallery (staff)",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="upload",
        parser_classes=[StrictMultiPartParser],
        pagination_class=None,
    )
    def upload(self, request: Request) -> Response:
        files = uploaded_files(request)
        if len(files) != 1:
            raise UploadRejected(
                "Send one file in the multipart field 'file'.",
                code="no_file" if not files else "too_many_files",
            )
        entry = gallery_entry_create(uploaded_file=files[0], owner=authenticated_user(request))
        image = GalleryImageSerializer(entry, context={"request": request}).data
        message = f"{entry.get_media_type_display()} uploaded successfully"
        return Response({"message": message, **image}, status=201)

    @extend_schema(
        request=GalleryEditSerializer,
        responses={200: OpenApiResponse(description="{ok: true, image: <the entry>}")},
        summary="Edit a gallery entry's title or description (staff)",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        form = GalleryEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        entry = gallery_entry_update(
            entry=self._entry(pk),
            title=form.validated_data.get("title"),
            description=form.validated_data.get("description"),
        )
        image = GalleryImageSerializer(entry, context={"request": request}).data
        return Response({"ok": True, "image": image})

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(description="{success, message, id}")},
        summary="Delete a gallery entry and its file (staff)",
    )
    def destroy(self, request: Request, pk: str) -> Response:
        entry = self._entry(pk)
        entry_id = entry.pk
        gallery_entry_delete(entry=entry)
        return Response({"success": True, "message": "Image deleted successfully", "id": entry_id})

    def get_queryset(self) -> QuerySet[GalleryImage]:
        return (
            GalleryImage.objects.filter(upload__is_public=True)
            .select_related("upload")
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        responses=GalleryImageSerializer(many=True),
        summary=f"The public gallery as a bare array, newest first (at most "
        f"{PUBLIC_GALLERY_MAX_ROWS})",
    )
    @action(detail=False, url_path="public", pagination_class=None)
    def public(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        entries = self.get_queryset()[:PUBLIC_GALLERY_MAX_ROWS]
        return Response(self.get_serializer(entries, many=True).data)
