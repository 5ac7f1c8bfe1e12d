from decimal import Decimal
from typing import Any

from rest_framework import serializers

from bookings.choices import ProgramType, SubscriptionType
from bookings.models import Program, ProgramParticipant
from lebrq.api.fields import DateBoundField, NaiveUtcDateTimeField, VenueLocalDateTimeField
from lebrq.api.serializers import LegacyModelSerializer
from programs.models import MAX_TICKETS_PER_SCHEDULE, Event, TicketType
from programs.tickets import ticket_code


def mask_name(name: str) -> str:
    return " ".join(part[:1] + "*" * max(len(part) - 1, 0) for part in name.split())


def mask_mobile(mobile: str) -> str:
    return "*" * max(len(mobile) - 4, 0) + mobile[-4:]


class ParticipantAddSerializer(serializers.Serializer[Any]):
    """POST /program_participants/add, as payment-main.tsx sends it after paying."""

    user_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    name = serializers.CharField(max_length=120)
    mobile = serializers.CharField(max_length=32, allow_blank=True)
    program_type = serializers.ChoiceField(choices=ProgramType.choices)
    subscription_type = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True
    )
    ticket_quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    # A moment the database and the venue's zone can hold (year 1 overflowed into a 500).
    start_date = VenueLocalDateTimeField(required=False, allow_null=True)
    end_date = VenueLocalDateTimeField(required=False, allow_null=True)
    amount_paid = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        help_text="Ignored: what was paid is the payment's.",
    )
    booking_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    event_schedule_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    ticket_type_id = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    def validate_subscription_type(self, value: str | None) -> str:
        # The checkout sends the booking type here ("daily", "monthly", "live-", "one_day").
        return value if value in SubscriptionType.values else ""


class ParticipantSerializer(LegacyModelSerializer[ProgramParticipant]):
    """One participant as the legacy listed it; names and mobiles only for staff and the
    booking's owner (the `private` context flag masks them for anyone else)."""

    user_email = serializers.SerializerMethodField()
    start_date = NaiveUtcDateTimeField()
    end_date = NaiveUtcDateTimeField()
    joined_at = NaiveUtcDateTimeField()
    verified_at = NaiveUtcDateTimeField()

    class Meta:
        model = ProgramParticipant
        fields = [
            "id",
            "user_id",
            "user_email",
            "name",
            "mobile",
            "program_type",
            "subscription_type",
            "ticket_quantity",
            "start_date",
            "end_date",
            "amount_paid",
            "is_active",
            "joined_at",
            "is_verified",
            "verified_at",
            "scan_count",
            "booking_id",
        ]

    def get_user_email(self, participant: ProgramParticipant) -> str | None:
        if self._masked(participant) or participant.user is None:
            return None
        return participant.user.username

    def _masked(self, participant: ProgramParticipant) -> bool:
        viewer = self.context.get("viewer")
        if viewer is None:
            return True
        return not (
            viewer.is_staff
            or participant.user_id == viewer.pk
            or (participant.booking is not None and participant.booking.user_id == viewer.pk)
        )

    def to_representation(self, participant: ProgramParticipant) -> dict[str, Any]:
        body = super().to_representation(participant)
        if self._masked(participant):
            body["name"] = mask_name(participant.name)
            body["mobile"] = mask_mobile(participant.mobile)
        elif self.context.get("with_ticket"):
            body["ticket_code"] = ticket_code(participant.pk)
        return body


class TicketScanSerializer(serializers.Serializer[Any]):
    is_verified = serializers.BooleanField(default=True)
    code = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ProgramCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    schedule = serializers.CharField(
        max_length=160, required=False, allow_blank=True, allow_null=True
    )
    price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    program_type = serializers.ChoiceField(choices=ProgramType.choices, required=False)
    poster_url = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True
    )


class ProgramUpdateSerializer(ProgramCreateSerializer):
    title = serializers.CharField(max_length=200, required=False)


class ProgramDetailSerializer(LegacyModelSerializer[Program]):
    event_id = serializers.SerializerMethodField()

    class Meta:
        model = Program
        fields = [
            "id",
            "title",
            "description",
            "schedule",
            "price",
            "status",
            "poster_url",
            "event_id",
        ]

    def get_event_id(self, program: Program) -> None:
        return None


class EventSerializer(LegacyModelSerializer[Event]):
    dateText = serializers.CharField(source="date_text", allow_blank=True, required=False)

    class Meta:
        model = Event
        fields = ["id", "title", "dateText"]


class DateWindowSerializer(serializers.Serializer[Any]):
    """The staff dashboards' optional window, as the legacy took it (YYYY-MM-DD)."""

    # Bounds beyond what the database stores are moved inside it: a window in year 1 made
    # its midnight in the venue's zone overflow (a 500).
    date_from = DateBoundField(input_formats=["%Y-%m-%d"], required=False)
    date_to = DateBoundField(input_formats=["%Y-%m-%d"], required=False)


class TicketTypeSerializer(serializers.ModelSerializer[TicketType]):
    """The legacy's ticket type answer (event_definitions.py list_ticket_types)."""

    price = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    max_quantity = serializers.IntegerField(
        min_value=1, max_value=MAX_TICKETS_PER_SCHEDULE, required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    perks = serializers.CharField(required=False, allow_blank=True, allow_null=True)

    class Meta:
        model = TicketType
        fields = ["id", "name", "description", "price", "max_quantity", "perks", "sort_order"]

    def validate_price(self, value: Decimal) -> Decimal:
        if value < 0:
            raise serializers.ValidationError("Must be 0 or more.")
        return value

    def to_internal_value(self, data: Any) -> Any:
        values = super().to_internal_value(data)
        for text in ("description", "perks"):
            if values.get(text) is None and text in values:
                values[text] = ""
        return values
