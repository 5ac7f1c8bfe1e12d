"""The contest screens' calls (app/contest/[slug].tsx, app/admin/contests/*), with the legacy's
paths and shapes (backend/app/routers/contests.py)."""

from typing import Any

from django.core.exceptions import TooManyFilesSent
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from contests import exports, selectors, services
from contests.api import serializers
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.permissions import IsStaff
from lebrq.api.views import PublicAPIView
from uploads.choices import UploadKind
from uploads.parsers import StrictMultiPartParser
from uploads.services import too_many_files
from uploads.serving import upload_file_response
from uploads.uploadhandlers import SizeLimitedUploadHandler

TAGS = ["contests"]


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["A whole number."]}) from None
    if not low <= value <= high:
        raise ValidationError({name: [f"Between {low} and {high}."]})
    return value


def _bool_param(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() in ("true", "1"):
        return True
    if raw.lower() in ("false", "0"):
        return False
    raise ValidationError({name: ["true or false."]})


# --- Public -------------------------------------------------------------------------------------


class PublicContestView(PublicAPIView):
    """GET /contests/{slug}: a published contest running today; 404, or 409 when its dates
    do not include today (the page only checks `res.ok`)."""

    @extend_schema(responses=serializers.ContestSerializer, tags=TAGS)
    def get(self, request: Request, slug: str) -> Response:
        return Response(serializers.ContestSerializer(selectors.public_contest(slug)).data)


class EntrySubmitView(PublicAPIView):
    """POST /contests/{slug}/entries (app/contest/[slug].tsx:356)."""

    @extend_schema(
        request=serializers.EntryCreateSerializer,
        responses={201: serializers.EntryCreatedSerializer},
        tags=TAGS,
    )
    def post(self, request: Request, slug: str) -> Response:
        body = serializers.EntryCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.entry_submit(
            slug=slug, request=body.entry_request(request.META.get("REMOTE_ADDR"))
        )
        return Response(
            {
                "id": entry.pk,
                "reference_id": entry.reference_id,
                "message": "Entry submitted successfully",
            },
            status=201,
        )


class ProofUploadView(PublicAPIView):
    """POST /contests/{slug}/upload-proof: one picture or PDF (multipart `file`), stored as a
    private upload; the answer's `url` names it in the entry."""

    parser_classes = [StrictMultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Before anything reads the body: the handler stops an oversized file early.
        request.upload_handlers = [SizeLimitedUploadHandler(request, UploadKind.FILE)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": serializers.ProofUploadRequestSerializer},
        responses={
            201: serializers.ProofUploadedSerializer,
            400: OpenApiResponse(description="No file, empty or corrupt."),
            404: OpenApiResponse(description="No such published contest."),
            409: OpenApiResponse(description="The contest is not running today."),
            413: OpenApiResponse(description="Larger than UPLOAD_MAX_FILE_SIZE_MB."),
            415: OpenApiResponse(description="Not an image or a PDF."),
            429: OpenApiResponse(description="The hourly budget of anonymous uploads is spent."),
        },
        tags=TAGS,
    )
    def post(self, request: Request, slug: str) -> Response:
        try:
            files = request.FILES.getlist("file")
        except TooManyFilesSent as exc:
            raise too_many_files() from exc
        if len(files) > 1:
            raise ValidationError({"file": ["One file per upload."]})
        proof = services.proof_store(slug=slug, uploaded_file=files[0] if files else None)
        return Response(
            {
                "url": serializers.proof_url(request, proof.key, signed=False),
                "filename": proof.file_name,
                "file_type": proof.file_type,
                "file_size": proof.file_size,
            },
            status=201,
        )


class ProofFileView(APIView):
    """GET /contests/proofs/{key}: a proof's bytes, for staff (Bearer) or through the signed
    link the staff lists give (?t=...), which an <Image> can load without a token."""

    permission_classes: list[Any] = []
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such proof, or no valid link."),
        },
        tags=TAGS,
    )
    def get(self, request: Request, key: str) -> HttpResponseBase:
        proof = selectors.proof_for_reader(
            key=key, token=request.query_params.get("t"), is_staff=request.user.is_staff
        )
        assert proof.upload is not None  # proof_for_reader returns stored proofs only
        return upload_file_response(request, proof.upload)


class EventDateAddView(PublicAPIView):
    """POST /contests/user-event-dates (app/contest/[slug].tsx:376)."""

    @extend_schema(
        request=serializers.EventDateCreateSerializer,
        responses={201: serializers.EventDateSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = serializers.EventDateCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event_date = services.event_date_add(request=body.event_date_request())
        return Response(serializers.EventDateSerializer(event_date).data, status=201)


# --- Staff --------------------------------------------------------------------------------------


class StaffContestsView(APIView):
    """GET (app/admin/contests/index.tsx:83) and POST (new.tsx:224) /contests/admin/contests."""

    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.ContestSerializer(many=True), tags=TAGS)
    def get(self, request: Request) -> Response:
        contests = selectors.contests_for_staff(
            is_published=_bool_param(request, "is_published"),
            skip=_int_param(request, "skip", 0, 0, 10**9),
            limit=_int_param(request, "limit", selectors.MAX_PAGE, 1, selectors.MAX_PAGE),
        )
        return Response(serializers.ContestSerializer(contests, many=True).data)

    @extend_schema(
        request=serializers.ContestCreateSerializer,
        responses={201: serializers.ContestSerializer},
        tags=TAGS,
    )
    def post(self, request: Request) -> Response:
        body = serializers.ContestCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        contest = services.contest_create(
            data=body.contest_data(), actor=authenticated_user(request)
        )
        return Response(serializers.ContestSerializer(contest).data, status=201)


class StaffContestView(APIView):
    """GET ([id].tsx:89) and DELETE (index.tsx:259) /contests/admin/contests/{id}."""

    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.ContestSerializer, tags=TAGS)
    def get(self, request: Request, contest_id: int) -> Response:
        return Response(serializers.ContestSerializer(selectors.contest_get(contest_id)).data)

    @extend_schema(
        responses={
            200: serializers.ContestMessageSerializer,
            409: OpenApiResponse(description="The contest has entries."),
        },
        tags=TAGS,
    )
    def delete(self, request: Request, contest_id: int) -> Response:
        services.contest_delete(contest_id=contest_id)
        return Response({"message": "Contest deleted successfully"})


class StaffEntriesView(APIView):
    """GET /contests/admin/contests/{id}/entries ([id].tsx:113): a bare array, at most 100."""

    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.EntrySerializer(many=True), tags=TAGS)
    def get(self, request: Request, contest_id: int) -> Response:
        selectors.contest_get(contest_id)
        params = request.query_params
        entries = selectors.entries_for_staff(
            contest_id=contest_id,
            filters=selectors.EntryFilters(
                status=params.get("status") or None,
                event_type=params.get("event_type") or None,
                phone=params.get("phone") or None,
                email=params.get("email") or None,
            ),
            skip=_int_param(request, "skip", 0, 0, 10**9),
            limit=_int_param(request, "limit", selectors.MAX_PAGE, 1, selectors.MAX_PAGE),
        )
        return Response(
            serializers.EntrySerializer(entries, many=True, context={"request": request}).data
        )


class EntryStatusView(APIView):
    """POST /contests/admin/contests/{id}/entries/{entry_id}/status ([id].tsx:135)."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.StatusSerializer,
        responses=serializers.ContestMessageSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, contest_id: int, entry_id: int) -> Response:
        body = serializers.StatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.entry_status_set(
            contest_id=contest_id,
            entry_id=entry_id,
            status=body.validated_data["status"],
            admin_note=body.validated_data.get("admin_note"),
        )
        return Response({"message": f"Entry status updated to {entry.status}"})


class EntriesBulkStatusView(APIView):
    """POST /contests/admin/contests/{id}/entries/bulk-update ([id].tsx:158): one UPDATE."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BulkStatusSerializer,
        responses=serializers.ContestMessageSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, contest_id: int) -> Response:
        body = serializers.BulkStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        updated = services.entries_bulk_status(
            contest_id=contest_id,
            entry_ids=data["entry_ids"],
            status=data["status"],
            admin_note=data.get("admin_note"),
        )
        return Response({"message": f"Updated {updated} entries to {data['status']}"})


class EntriesExportView(APIView):
    """GET /contests/admin/contests/{id}/entries/export ([id].tsx:336): CSV streamed a chunk
    of entries at a time (contests/exports.py), never built whole."""

    permission_classes = [IsStaff]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY}, tags=TAGS)
    def get(self, request: Request, contest_id: int) -> StreamingHttpResponse:
        selectors.contest_get(contest_id)
        status = request.query_params.get("status") or None

        def link(key: str) -> str:
            return serializers.proof_url(request, key, signed=True)

        django_request = request._request
        stream = (
            exports.csv_stream_async(contest_id=contest_id, status=status, link=link)
            if isinstance(django_request, ASGIRequest)
            else exports.csv_stream(contest_id=contest_id, status=status, link=link)
        )
        response = StreamingHttpResponse(stream, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{exports.filename(contest_id)}"'
        response["Cache-Control"] = "no-store"
        return response


class EntryNotifyView(APIView):
    """POST /contests/admin/contests/{id}/entries/{entry_id}/notify ([id].tsx:591)."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.NotifySerializer,
        responses=serializers.NotifyResultSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, contest_id: int, entry_id: int) -> Response:
        body = serializers.NotifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        result = services.entry_notify(
            contest_id=contest_id,
            entry_id=entry_id,
            channels=data["channels"],
            template=data["message_template"],
            subject=data.get("subject"),
            variables=data.get("variables"),
            actor=authenticated_user(request),
        )
        return Response(
            {
                "message": "Notifications queued successfully",
                "sent": result.sent,
                "errors": result.errors,
            }
        )


class InvitableUsersView(APIView):
    """GET /contests/admin/contests/{id}/users (index.tsx:126)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.InvitableUsersSerializer, tags=TAGS)
    def get(self, request: Request, contest_id: int) -> Response:
        return Response(
            serializers.InvitableUsersSerializer(selectors.invitable_users(contest_id)).data
        )


class NotifyAllView(APIView):
    """POST /contests/admin/contests/{id}/notify-all (index.tsx:178): queued at once, sent by
    the task worker in batches."""

    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.NotifyAllSerializer,
        responses=serializers.NotifyAllResultSerializer,
        tags=TAGS,
    )
    def post(self, request: Request, contest_id: int) -> Response:
        body = serializers.NotifyAllSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        started = services.contest_invite_all(
            contest_id=contest_id,
            channels=body.channels_chosen(),
            user_ids=body.validated_data.get("user_ids"),
        )
        count: int | str = len(started.user_ids) if started.user_ids else "all eligible"
        return Response(
            {
                "success": True,
                "message": f"Notification process started for {count} users. "
                "Notifications are being sent in the background.",
                "total_users": count,
                "status": "processing",
                "note": "Sent by SMS for WhatsApp and SMS; each customer is told once per contest.",
            }
        )
