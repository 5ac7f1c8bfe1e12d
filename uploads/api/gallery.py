"""The public gallery list (uploads are served by /api/uploads/<id>)."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lebrq.api.serializers import LegacyModelSerializer
from lebrq.api.views import PublicAPIView
from lebrq.converters import ROW_ID_REGEX
from uploads.models import GalleryImage


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


@extend_schema(tags=["catalog"])
class GalleryViewSet(PublicAPIView, viewsets.ReadOnlyModelViewSet[GalleryImage]):
    serializer_class = GalleryImageSerializer
    lookup_value_regex = ROW_ID_REGEX

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
