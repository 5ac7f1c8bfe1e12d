"""Public booking pages: programs list, one booking's page, today's events, the calendar.

No login: a stale token the browser still sends is ignored rather than answered with a 401.
What a visitor sees of a customer's private booking is limited to when and what kind
(bookings.public.is_public_event).
"""

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from bookings import policies, public
from bookings.api.serializers import RegularProgramSerializer
from bookings.choices import BookingType
from bookings.models import Booking
from lebrq.api.fields import VenueLocalDateTimeField
from lebrq.api.pagination import PagePagination
from lebrq.api.replica import ReadsFromReplica
from lebrq.api.serializers import LegacyModelSerializer
from lebrq.api.views import PublicAPIView

# --- Regular programs -------------------------------------------------------------------------


class ProgramQuerySerializer(serializers.Serializer[Any]):
    booking_type = serializers.ChoiceField(
        choices=[(BookingType.DAILY, "Daily"), (BookingType.LIVE, "Live show")],
        required=False,
        allow_blank=True,
    )
    include_past = serializers.BooleanField(default=False)


class PublicProgramSerializer(RegularProgramSerializer):
    trainer = serializers.CharField(default="Coach", read_only=True)

    class Meta(RegularProgramSerializer.Meta):
        fields = [*RegularProgramSerializer.Meta.fields, "trainer"]


class RegularProgramListView(ReadsFromReplica, PublicAPIView):
    @extend_schema(
        parameters=[ProgramQuerySerializer],
        responses=PublicProgramSerializer(many=True),
        summary="Programs and live shows, soonest first, one entry per daily series",
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        query = ProgramQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        booking_type = query.validated_data.get("booking_type") or None
        bookings = public.program_list(
            booking_type=booking_type, include_past=query.validated_data["include_past"]
        )
        paginator = PagePagination()
        page = paginator.paginate_queryset(bookings, request, view=self)
        # Live shows are listed one by one, as the legacy did; a daily series once per page.
        if booking_type != BookingType.LIVE:
            page = public.one_per_series(page, today=timezone.localdate())
        items = PublicProgramSerializer(page, many=True).data
        return Response(
            {"items": items, "count": len(items), "pagination": paginator.get_pagination_data()}
        )


# --- One booking's public page -------------------------------------------------------------


class PublicBookingSerializer(LegacyModelSerializer[Booking]):
    space_name = serializers.CharField(source="space.name")
    venue_name = serializers.CharField(source="venue.name")
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()
    guests = serializers.IntegerField(source="attendees", allow_null=True)
    base_pricing = serializers.SerializerMethodField()
    pricing_overrides = serializers.JSONField(source="space.pricing_overrides")
    stage_options = serializers.JSONField(source="space.stage_options")
    banner_sizes = serializers.JSONField(source="space.banner_sizes")
    event_types = serializers.JSONField(source="space.event_types")

    # Shown only for public events; None for a customer's own booking.
    PRIVATE_FIELDS = ("customer_note", "total_amount", "guests")

    class Meta:
        model = Booking
        fields = [
            "id",
            "booking_reference",
            "event_type",
            "booking_type",
            "customer_note",
            "start_datetime",
            "end_datetime",
            "space_id",
            "venue_id",
            "space_name",
            "venue_name",
            "status",
            "banner_image_url",
            "stage_banner_url",
            "total_amount",
            "guests",
            "base_pricing",
            "pricing_overrides",
            "stage_options",
            "banner_sizes",
            "event_types",
        ]

    def get_base_pricing(self, booking: Booking) -> dict[str, float]:
        return {"price_per_hour": float(booking.space.price_per_hour)}

    def to_representation(self, instance: Booking) -> dict[str, Any]:
        body: dict[str, Any] = super().to_representation(instance)
        if not public.is_public_event(instance):
            body.update(dict.fromkeys(self.PRIVATE_FIELDS))
        return body


class PublicBookingView(PublicAPIView):
    @extend_schema(
        responses={200: PublicBookingSerializer, 404: OpenApiResponse(description="No booking.")},
        summary="A booking's public page (programs, shows, tickets)",
        tags=["public"],
    )
    def get(self, request: Request, booking_id: int) -> Response:
        try:
            booking = public.public_booking_get(booking_id)
        except Booking.DoesNotExist:
            raise NotFound("Booking not found") from None
        return Response(PublicBookingSerializer(booking).data)


# --- Today's events ------------------------------------------------------------------------


class TodaysEventSerializer(LegacyModelSerializer[Booking]):
    event_name = serializers.SerializerMethodField()
    space_name = serializers.CharField(source="space.name")
    start_time = serializers.SerializerMethodField()
    end_time = serializers.SerializerMethodField()
    attendees = serializers.SerializerMethodField()
    total_amount = serializers.SerializerMethodField()
    user_name = serializers.SerializerMethodField()
    user_phone = serializers.SerializerMethodField()
    # The legacy always sent null here; kept so the home page's type still matches.
    space_features = serializers.JSONField(default=None, read_only=True)
    event_type = serializers.SerializerMethodField()
    admin_note = serializers.SerializerMethodField()

    class Meta:
        model = Booking
        fields = [
            "id",
            "booking_reference",
            "event_name",
            "space_name",
            "space_id",
            "start_time",
            "end_time",
            "attendees",
            "status",
            "total_amount",
            "user_name",
            "user_phone",
            "space_features",
            "event_type",
            "is_admin_booking",
            "admin_note",
        ]

    def get_event_name(self, booking: Booking) -> str:
        return booking.event_type or "Event"

    def get_event_type(self, booking: Booking) -> str:
        return booking.event_type or "General Event"

    def get_start_time(self, booking: Booking) -> str:
        return f"{timezone.localtime(booking.start_datetime):%H:%M:%S}"

    def get_end_time(self, booking: Booking) -> str:
        return f"{timezone.localtime(booking.end_datetime):%H:%M:%S}"

    def get_attendees(self, booking: Booking) -> int:
        return booking.attendees or 0

    def get_total_amount(self, booking: Booking) -> float | None:
        return float(booking.total_amount) if public.is_public_event(booking) else None

    # Improvement on the legacy, which put every customer's name and phone on the home page.
    def get_user_name(self, booking: Booking) -> str:
        return ""

    def get_user_phone(self, booking: Booking) -> str:
        return ""

    def get_admin_note(self, booking: Booking) -> str | None:
        return booking.admin_note if booking.is_admin_booking else None


class TodaysEventsSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    events = TodaysEventSerializer(many=True)
    total_events = serializers.IntegerField()


class TodaysEventsView(ReadsFromReplica, PublicAPIView):
    @extend_schema(
        responses=TodaysEventsSerializer,
        summary="Today's events in every space (venue-local day)",
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        today = timezone.localdate()
        events = TodaysEventSerializer(public.todays_events(today), many=True).data
        return Response({"date": today.isoformat(), "events": events, "total_events": len(events)})


# --- The public calendar ---------------------------------------------------------------------


class CalendarBookingSerializer(LegacyModelSerializer[Booking]):
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()

    class Meta:
        model = Booking
        fields = list(public.CALENDAR_FIELDS)


class CalendarView(ReadsFromReplica, PublicAPIView):
    @extend_schema(
        responses=CalendarBookingSerializer(many=True),
        summary=f"Every booking's time and kind, latest first (at most "
        f"{public.CALENDAR_MAX_ROWS}); no names or amounts",
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        return Response(CalendarBookingSerializer(public.calendar_bookings(), many=True).data)


# --- Settings the customer pages read ------------------------------------------------------


class RefundPercentageSerializer(serializers.Serializer[Any]):
    percentage = serializers.FloatField()


class RefundPercentageView(PublicAPIView):
    @extend_schema(
        responses=RefundPercentageSerializer,
        summary="The share of a cancelled booking's payments that is refunded",
        tags=["public"],
    )
    def get(self, request: Request) -> Response:
        return Response({"percentage": float(policies.refund_percentage())})
