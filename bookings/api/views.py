from collections.abc import Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.http.response import HttpResponseBase
from django_filters import FilterSet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import SearchFilter
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.api.auth import authenticated_user
from bookings import filters, invoices, selectors, services
from bookings.api import list_rows, serializers
from bookings.models import Booking, BookingItem, Item, Program, Space, Venue
from lebrq.api.filters import FilterBackend, StableOrderingFilter
from lebrq.api.lists import RowListMixin
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.pagination import SkipLimitPagination
from lebrq.api.permissions import IsStaff
from lebrq.api.replica import ReadsFromReplica
from lebrq.api.throttling import BookingCreateThrottle
from lebrq.api.views import PublicAPIView
from lebrq.converters import ROW_ID_REGEX

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique string (at most 128 printable ASCII characters). A retried request "
    "with the same key returns the booking the first one made (header Idempotent-Replayed).",
)
NOTE_PARAMETER = OpenApiParameter(
    "note", OpenApiTypes.STR, OpenApiParameter.QUERY, description="Legacy form of the body's note."
)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not 0 < len(key) <= 128 or not key.isascii() or not key.isprintable():
        raise ValidationError({"Idempotency-Key": ["Use 1 to 128 printable ASCII characters."]})
    return key


def _note(request: Request) -> str:
    data = request.data if isinstance(request.data, dict) else {}
    payload = {"note": data.get("note", request.query_params.get("note", ""))}
    serializer = serializers.TransitionSerializer(data=payload)
    serializer.is_valid(raise_exception=True)
    note: str = serializer.validated_data["note"]
    return note


class IsOwnerOrStaff(BasePermission):
    message = "This booking belongs to someone else."

    def has_object_permission(self, request: Request, view: Any, obj: Booking) -> bool:
        return obj.user_id == request.user.id or request.user.is_staff


class PublicReadOnlyViewSet[M: Model](
    ReadsFromReplica, PublicAPIView, viewsets.ReadOnlyModelViewSet[M]
):
    """Catalog reads for everyone (lebrq.api.views.PublicAPIView), from the read replica when
    there is one (lebrq.api.replica)."""

    lookup_value_regex = ROW_ID_REGEX


@extend_schema(tags=["catalog"])
class VenueViewSet(PublicReadOnlyViewSet[Venue]):
    """The legacy list is a bare array in id order, paged by skip/limit."""

    serializer_class = serializers.VenueSerializer
    pagination_class = SkipLimitPagination

    def get_queryset(self) -> QuerySet[Venue]:
        return selectors.venue_list()


@extend_schema(tags=["catalog"])
class SpaceViewSet(PublicReadOnlyViewSet[Space]):
    serializer_class = serializers.SpaceSerializer
    filterset_class = filters.SpaceFilter

    def get_queryset(self) -> QuerySet[Space]:
        spaces = selectors.space_list()
        if "venue_pk" in self.kwargs:
            spaces = spaces.filter(venue_id=self.kwargs["venue_pk"])
        return spaces


@extend_schema(tags=["catalog"])
class ItemViewSet(RowListMixin, PublicReadOnlyViewSet[Item]):
    """The list is shaped from rows (list_rows.catalog_items), the detail by the serializer."""

    serializer_class = serializers.ItemSerializer
    filterset_class = filters.ItemFilter

    def get_queryset(self) -> QuerySet[Item]:
        return selectors.catalog_item_list()

    def list_rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        return list_rows.catalog_items(selectors.catalog_item_rows(ids))


@extend_schema(tags=["catalog"])
class ProgramViewSet(PublicReadOnlyViewSet[Program]):
    serializer_class = serializers.ProgramSerializer
    filterset_class = filters.ProgramFilter

    def get_queryset(self) -> QuerySet[Program]:
        return selectors.program_list()


@extend_schema(tags=["catalog"])
class LegacySpaceViewSet(PublicReadOnlyViewSet[Space]):
    """The legacy paths /venues/spaces[/<id>] and /venues/<id>/spaces the frontend calls: bare
    arrays in id order paged by skip/limit; /venues/spaces lists inactive spaces too."""

    serializer_class = serializers.SpaceSerializer
    pagination_class = SkipLimitPagination

    def get_queryset(self) -> QuerySet[Space]:
        return selectors.space_list_by_id(venue_id=self.kwargs.get("venue_pk"))


@extend_schema_view(list=extend_schema(operation_id="venues_spaces_of_venue"))
class VenueSpacesViewSet(LegacySpaceViewSet):
    """/venues/<id>/spaces: the venue's active spaces (its own operation in the schema)."""


@extend_schema_view(
    list=extend_schema(summary="Your bookings, newest first"),
    retrieve=extend_schema(summary="One of your bookings (staff: any booking)"),
)
@extend_schema(tags=["bookings"])
class BookingViewSet(
    RowListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Booking],
):
    """The list is shaped from rows (list_rows.own_bookings), the rest by the serializers."""

    queryset = Booking.objects.none()  # names the model for the schema; see get_queryset
    serializer_class = serializers.BookingSerializer
    permission_classes = [IsAuthenticated, IsOwnerOrStaff]
    throttle_classes = [BookingCreateThrottle]
    lookup_value_regex = ROW_ID_REGEX

    @property
    def filterset_class(self) -> type[FilterSet] | None:
        # Only lists are filtered: a detail lookup must find cancelled bookings too.
        return filters.OwnBookingFilter if self.action == "list" else None

    def get_queryset(self) -> QuerySet[Booking]:
        user = authenticated_user(self.request)
        if self.action == "list":
            return selectors.booking_list_for_user(user)
        # Detail actions look among all bookings so that another user's booking is a 403
        # (IsOwnerOrStaff), not a 404.
        return selectors.booking_list_with_items()

    def list_rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        return list_rows.own_bookings(
            selectors.booking_rows_for_owner(ids), selectors.booking_line_rows(ids)
        )

    @extend_schema(
        summary="Book a space",
        request=serializers.BookingCreateSerializer,
        responses={201: serializers.BookingSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        serializer = serializers.BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking, created = services.booking_create(
            user=authenticated_user(request),
            request=serializer.booking_request(),
            idempotency_key=key,
        )
        body = serializers.BookingSerializer(selectors.booking_get(booking.pk)).data
        response = Response(body, status=status.HTTP_201_CREATED)
        if not created:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(
        summary="Book every free day of a series (the venue's programs, daily classes)",
        request=serializers.SeriesCreateSerializer,
        responses={200: serializers.SeriesResultSerializer},
    )
    @action(detail=False, methods=["post"])
    def series(self, request: Request) -> Response:
        serializer = serializers.SeriesCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.booking_series_create(
            user=authenticated_user(request), request=serializer.series_request()
        )
        body = {
            "ok": True,
            "series_reference": result.series_reference,
            "created_count": len(result.created),
            "skipped_count": len(result.skipped),
            "created": result.created,
            "skipped": [{"date": day, "reason": reason} for day, reason in result.skipped],
            "message": f"Created {len(result.created)} booking(s); skipped {len(result.skipped)}.",
        }
        return Response(serializers.SeriesResultSerializer(body).data)

    @extend_schema(
        summary="Edit a booking: move it, resize it, change its add-ons (repriced now)",
        request=serializers.BookingUpdateSerializer,
        responses={200: serializers.BookingEditResultSerializer},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        booking = self.get_object()
        serializer = serializers.BookingUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edit = services.booking_update(
            booking_id=booking.pk, actor=authenticated_user(request), changes=serializer.changes()
        )
        return Response(serializers.BookingEditResultSerializer(edit).data)

    @extend_schema(
        summary="The booking's invoice as a PDF (rendered once per booking version)",
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (206, "application/pdf"): OpenApiTypes.BINARY,
            503: OpenApiResponse(description="Still rendering; retry after Retry-After."),
        },
    )
    @action(detail=True, content_negotiation_class=IgnoreAcceptHeader)
    def invoice(self, request: Request, pk: str) -> HttpResponseBase:
        return invoices.invoice_response(request, self.get_object())


@extend_schema(tags=["staff"])
class StaffBookingViewSet(
    ReadsFromReplica,
    RowListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Booking],
):
    """The list is shaped from rows (list_rows.staff_bookings), the rest by the serializers."""

    permission_classes = [IsStaff]
    lookup_value_regex = ROW_ID_REGEX
    filter_backends = [FilterBackend, SearchFilter, StableOrderingFilter]
    search_fields = [
        "=booking_reference",
        "^user__email",
        "^user__username",
        "^user__mobile",
        "^user__first_name",
        "^user__last_name",
    ]
    ordering_fields = ["created_at", "start_datetime", "total_amount", "status"]
    ordering = ["-created_at", "-id"]

    @property
    def filterset_class(self) -> type[FilterSet] | None:
        return filters.StaffBookingFilter if self.action == "list" else None

    def get_queryset(self) -> QuerySet[Booking]:
        if self.action == "list":
            return selectors.booking_list_for_staff()
        return selectors.booking_list_with_items()

    def get_serializer_class(self) -> type:
        if self.action == "list":
            return serializers.StaffBookingSerializer
        return serializers.StaffBookingDetailSerializer

    def list_rows(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        return list_rows.staff_bookings(selectors.booking_rows_for_staff(ids))

    def _transition(self, request: Request, action_name: str) -> Response:
        booking = services.booking_transition(
            booking=self.get_object(),
            action=action_name,
            actor=authenticated_user(request),
            note=_note(request),
        )
        return Response(
            serializers.StaffActionResultSerializer(selectors.booking_get(booking.pk)).data
        )

    @extend_schema(
        summary="Approve a pending booking",
        request=serializers.TransitionSerializer,
        responses={200: serializers.StaffActionResultSerializer},
        parameters=[NOTE_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._transition(request, "approve")

    @extend_schema(
        summary="Reject a pending booking",
        request=serializers.TransitionSerializer,
        responses={200: serializers.StaffActionResultSerializer},
        parameters=[NOTE_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._transition(request, "reject")

    @extend_schema(
        summary="Mark an approved booking completed",
        request=serializers.TransitionSerializer,
        responses={200: serializers.StaffActionResultSerializer},
        parameters=[NOTE_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._transition(request, "complete")


@extend_schema(tags=["staff"])
class StaffBookingItemViewSet(
    ReadsFromReplica, mixins.ListModelMixin, viewsets.GenericViewSet[BookingItem]
):
    permission_classes = [IsStaff]
    serializer_class = serializers.StaffBookingItemSerializer
    filterset_class = filters.StaffBookingItemFilter
    filter_backends = [FilterBackend, SearchFilter, StableOrderingFilter]
    search_fields = [
        "=booking__booking_reference",
        "^booking__user__email",
        "^booking__user__username",
        "^booking__user__mobile",
        "^name",
    ]
    ordering_fields = ["event_date", "created_at", "total_price"]
    ordering = ["event_date", "id"]

    def get_queryset(self) -> QuerySet[BookingItem]:
        return selectors.booking_item_list_for_staff()
