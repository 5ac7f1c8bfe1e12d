from typing import Any

from rest_framework import serializers

from lebrq.api.serializers import LegacyModelSerializer
from uploads.models import Upload


class UploadSerializer(LegacyModelSerializer[Upload]):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    thumbnail_url = serializers.CharField(
        source="get_thumbnail_url", read_only=True, allow_null=True
    )

    class Meta:
        model = Upload
        fields = [
            "id",
            "url",
            "thumbnail_url",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "kind",
            "width",
            "height",
            "created_at",
        ]
        read_only_fields = fields


class UploadResultSerializer(serializers.Serializer[Any]):
    """The stored files; `url` and `path` (first file) keep legacy single-file callers working."""

    url = serializers.CharField()
    path = serializers.CharField(help_text="Storage name of the first file.")
    files = UploadSerializer(many=True)


class UploadRequestSerializer(serializers.Serializer[Any]):
    """Documents the multipart body for the OpenAPI schema; parsing is the view's."""

    file = serializers.ListField(
        child=serializers.FileField(), help_text="One or more files (legacy name: `files`)."
    )
