"""The time-slot picker's two calls: free hours of a day, and one window checked."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from bookings import availability
from bookings.models import Space
from lebrq.api.fields import StoredDateField, VenueLocalDateTimeField
from lebrq.api.views import PublicAPIView


class AvailableSlotsQuerySerializer(serializers.Serializer[Any]):
    selected_date = StoredDateField(input_formats=["%Y-%m-%d"])
    duration_hours = serializers.IntegerField(min_value=1, max_value=12, default=1)
    debug = serializers.BooleanField(
        default=False, help_text="Also list the blocking windows (the frontend always asks)."
    )
    exclude_booking_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        help_text="The booking being edited: its own hours count as free.",
    )


class BlockingWindowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="booking_id")
    orig_start = VenueLocalDateTimeField(source="booked_start")
    orig_end = VenueLocalDateTimeField(source="booked_end")
    projected_start = VenueLocalDateTimeField(source="start")
    projected_end = VenueLocalDateTimeField(source="end")


class AvailableSlotsSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    available_slots = serializers.ListField(child=serializers.CharField())
    space_id = serializers.IntegerField()
    space_name = serializers.CharField()
    projected_blocks = BlockingWindowSerializer(many=True, required=False)


class SlotCheckSerializer(serializers.Serializer[Any]):
    space_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end_datetime"] <= attrs["start_datetime"]:
            raise serializers.ValidationError({"end_datetime": "Must be after start_datetime."})
        return attrs


class ConflictSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    start_datetime = VenueLocalDateTimeField()
    end_datetime = VenueLocalDateTimeField()
    status = serializers.CharField()


class SlotCheckResultSerializer(serializers.Serializer[Any]):
    is_available = serializers.BooleanField()
    message = serializers.CharField()
    conflicting_bookings = ConflictSerializer(many=True)


def _space_name(space_id: int) -> str:
    name = Space.objects.filter(pk=space_id).values_list("name", flat=True).first()
    if name is None:
        raise NotFound("Space not found")
    return name


class AvailableSlotsView(PublicAPIView):
    @extend_schema(
        parameters=[AvailableSlotsQuerySerializer],
        responses=AvailableSlotsSerializer,
        summary="Free whole hours of a day for a booking of duration_hours",
        tags=["time slots"],
    )
    def get(self, request: Request, space_id: int) -> Response:
        query = AvailableSlotsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        space_name = _space_name(space_id)
        day = availability.day_availability(
            space_id=space_id,
            day=params["selected_date"],
            duration_hours=params["duration_hours"],
            exclude_booking_id=params.get("exclude_booking_id"),
        )
        body: dict[str, Any] = {
            "date": day.day,
            "available_slots": [availability.slot_label(s) for s in day.free_slot_starts],
            "space_id": space_id,
            "space_name": space_name,
        }
        if params["debug"]:
            body["projected_blocks"] = day.blocking
        return Response(AvailableSlotsSerializer(body).data)


class ValidateSlotView(PublicAPIView):
    @extend_schema(
        request=SlotCheckSerializer,
        responses=SlotCheckResultSerializer,
        summary="Whether a window is free (the same rule booking uses)",
        tags=["time slots"],
    )
    def post(self, request: Request) -> Response:
        check = SlotCheckSerializer(data=request.data)
        check.is_valid(raise_exception=True)
        data = check.validated_data
        _space_name(data["space_id"])
        conflicts = availability.conflicting_bookings(
            space_id=data["space_id"], start=data["start_datetime"], end=data["end_datetime"]
        )
        message = (
            f"Slot conflicts with {len(conflicts)} existing booking(s)"
            if conflicts
            else "Slot is available"
        )
        body = {
            "is_available": not conflicts,
            "message": message,
            "conflicting_bookings": conflicts,
        }
        return Response(SlotCheckResultSerializer(body).data)
