"""Voice notes (client_audio.py): the customer's recorder and list, the staff's booking
screen; the recording itself through a signed link, with HTTP ranges."""

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.permissions import IsStaff
from lebrq.api.throttling import UploadThrottle
from lebrq.api.views import PublicAPIView
from messaging import audio, selectors
from messaging.api.views import CUSTOMER, _valid
from messaging.models import AudioNote
from uploads.parsers import StrictMultiPartParser
from uploads.serving import upload_file_response
from uploads.uploadhandlers import SizeLimitedUploadHandler

ID_MAX = 2**62


def audio_link(request: Request, note: AudioNote) -> str:
    """An absolute link the player can fetch without a token (the screens put a relative one
    after their static host, an absolute one as it is)."""
    path = reverse("audio-note-file", args=[note.pk])
    return request.build_absolute_uri(f"{path}?sig={audio.audio_note_link_signature(note.pk)}")


class AudioNoteSerializer(serializers.Serializer[Any]):
    """The customer's view of a note (GET /client/audio-notes)."""

    id = serializers.IntegerField()
    booking_id = serializers.IntegerField()
    audio_url = serializers.SerializerMethodField()
    duration_seconds = serializers.IntegerField(allow_null=True)
    file_size_bytes = serializers.IntegerField(source="upload.size")
    mime_type = serializers.CharField(source="upload.content_type")
    status = serializers.CharField()
    created_at = NaiveUtcDateTimeField()
    is_played_by_admin = serializers.BooleanField()

    def get_audio_url(self, note: AudioNote) -> str:
        return audio_link(self.context["request"], note)


class CreatedAudioNoteSerializer(AudioNoteSerializer):
    user_id = serializers.IntegerField()
    is_played_by_admin = None  # type: ignore[assignment]


class StaffAudioNoteSerializer(AudioNoteSerializer):
    user_id = serializers.IntegerField()
    played_at = NaiveUtcDateTimeField(allow_null=True)
    admin_notes = serializers.CharField()
    transcription = serializers.CharField()


class AudioUploadSerializer(serializers.Serializer[Any]):
    """The recorder's form: booking_id, duration_seconds (optional), audio_file."""

    booking_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    # The recorder's own count; a day is more than any voice note.
    duration_seconds = serializers.IntegerField(
        min_value=0, max_value=86_400, required=False, allow_null=True
    )
    audio_file = serializers.FileField(allow_empty_file=True)


class AudioListQuerySerializer(serializers.Serializer[Any]):
    booking_id = serializers.IntegerField(min_value=1, max_value=ID_MAX)


class AdminNoteSerializer(serializers.Serializer[Any]):
    admin_note = serializers.CharField(min_length=1, max_length=10_000)


@extend_schema(tags=["audio-notes"], responses=OpenApiTypes.OBJECT)
class CustomerAudioNotesView(APIView):
    """GET /client/audio-notes?booking_id= (a bare array) and POST (components/AudioRecorder)."""

    permission_classes = CUSTOMER
    parser_classes = [StrictMultiPartParser]
    # Recordings count with the caller's other uploads (POST only).
    throttle_classes = [UploadThrottle]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: the recording is spooled to a temporary file and
        # given up on as soon as it passes the upload limit.
        request.upload_handlers = [SizeLimitedUploadHandler(request)]
        return super().initialize_request(request, *args, **kwargs)

    def get(self, request: Request) -> Response:
        query = _valid(AudioListQuerySerializer(data=request.query_params))
        user = authenticated_user(request)
        notes = selectors.booking_audio_notes(
            booking_id=query.validated_data["booking_id"],
            # Staff see everyone's, as the legacy's admins did.
            user_id=None if user.is_staff else user.pk,
        )
        return Response(AudioNoteSerializer(notes, many=True, context={"request": request}).data)

    @extend_schema(request={"multipart/form-data": AudioUploadSerializer})
    def post(self, request: Request) -> Response:
        body = _valid(AudioUploadSerializer(data=request.data))
        note = audio.audio_note_create(
            user=authenticated_user(request),
            booking_id=body.validated_data["booking_id"],
            duration_seconds=body.validated_data.get("duration_seconds"),
            uploaded_file=body.validated_data["audio_file"],
        )
        return Response(
            CreatedAudioNoteSerializer(note, context={"request": request}).data, status=201
        )


@extend_schema(tags=["audio-notes"], responses=OpenApiTypes.OBJECT)
class StaffBookingAudioNotesView(APIView):
    """GET /admin/audio-notes/bookings/{booking_id} (app/admin/bookings/[id].tsx)."""

    permission_classes = [IsStaff]

    def get(self, request: Request, booking_id: int) -> Response:
        notes = selectors.booking_audio_notes(booking_id=booking_id)
        return Response(
            StaffAudioNoteSerializer(notes, many=True, context={"request": request}).data
        )


@extend_schema(tags=["audio-notes"], request=None, responses=OpenApiTypes.OBJECT)
class AudioNoteMarkPlayedView(APIView):
    """POST /admin/audio-notes/{id}/mark-played: {id, is_played_by_admin, played_at}."""

    permission_classes = [IsStaff]

    def post(self, request: Request, note_id: int) -> Response:
        note = audio.audio_note_mark_played(note_id=note_id)
        return Response(
            {
                "id": note.pk,
                "is_played_by_admin": note.is_played_by_admin,
                "played_at": NaiveUtcDateTimeField().to_representation(note.played_at)
                if note.played_at
                else None,
            }
        )


@extend_schema(tags=["audio-notes"], request=AdminNoteSerializer, responses=OpenApiTypes.OBJECT)
class AudioNoteAdminNotesView(APIView):
    """POST /admin/audio-notes/{id}/notes, a form with admin_note: {id, admin_notes}."""

    permission_classes = [IsStaff]

    def post(self, request: Request, note_id: int) -> Response:
        body = _valid(AdminNoteSerializer(data=request.data))
        note = audio.audio_note_set_admin_notes(
            note_id=note_id, text=body.validated_data["admin_note"]
        )
        return Response({"id": note.pk, "admin_notes": note.admin_notes})


class AudioNoteFileView(PublicAPIView):
    """GET /audio-notes/{id}/audio?sig=: the recording, with Range and conditional requests.
    The signature (given out by the lists above) is the permission: players send no token."""

    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        tags=["audio-notes"],
        parameters=[OpenApiParameter("sig", str, required=True)],
        responses={(200, "audio/*"): OpenApiTypes.BINARY, (206, "audio/*"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request, note_id: int) -> HttpResponseBase:
        signature = request.query_params.get("sig", "")
        if not signature or len(signature) > 200:
            raise ValidationError({"sig": ["The link's signature is missing."]})
        note = audio.audio_note_by_link(note_id=note_id, signature=signature)
        return upload_file_response(request, note.upload)
