"""The programs, participants, tickets and event dashboards of the frontend, with the legacy's
paths and shapes."""

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from accounts.models import User
from bookings.api.views import ProgramViewSet
from bookings.choices import ProgramStatus
from bookings.models import Booking, Program, ProgramParticipant
from lebrq.api.permissions import IsStaff
from lebrq.api.views import PublicAPIView, PublicReadsStaffWrites
from lebrq.errors import Forbidden, NotFound
from programs import selectors, services, tickets
from programs.api import serializers
from programs.models import Event

DASHBOARD_MAX_DAYS = 400


def _viewer(request: Request) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


def _window(request: Request, back: int, ahead: int) -> tuple[date, date]:
    """The dashboards' date_from/date_to (YYYY-MM-DD), defaulting around today."""
    query = serializers.DateWindowSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    today = timezone.localdate()
    first = query.validated_data.get("date_from") or today - timedelta(days=back)
    last = query.validated_data.get("date_to") or today + timedelta(days=ahead)
    if last < first or (last - first).days > DASHBOARD_MAX_DAYS:
        raise ValidationError({"date_to": [f"A window of 0 to {DASHBOARD_MAX_DAYS} days."]})
    return first, last


# --- Participants -------------------------------------------------------------------------------


class ParticipantAddView(APIView):
    @extend_schema(
        request=serializers.ParticipantAddSerializer,
        responses=OpenApiTypes.OBJECT,
        tags=["programs"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.ParticipantAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        participant = services.participant_add(
            actor=authenticated_user(request),
            request=services.ParticipantRequest(
                name=data["name"],
                mobile=data["mobile"],
                program_type=data["program_type"],
                ticket_quantity=data["ticket_quantity"],
                subscription_type=data.get("subscription_type") or "",
                start_date=data.get("start_date"),
                end_date=data.get("end_date"),
                booking_id=data.get("booking_id"),
                event_schedule_id=data.get("event_schedule_id"),
                ticket_type_id=data.get("ticket_type_id"),
                user_id=data.get("user_id"),
            ),
        )
        return Response(
            {
                "success": True,
                "id": participant.pk,
                "booking_id": participant.booking_id,
                "amount_paid": float(participant.amount_paid),
                "ticket_code": tickets.ticket_code(participant.pk),
            }
        )


class TicketCountsView(PublicAPIView):
    """GET /program_participants/counts/{type}: tickets per booking (no personal data)."""

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["programs"])
    def get(self, request: Request, program_type: str) -> Response:
        return Response(selectors.ticket_counts_by_booking(program_type))


class ParticipantCountsView(PublicAPIView):
    """GET /program_participants/counts/by-bookings?ids=1,2: totals and arrivals."""

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["programs"])
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("ids", "")
        ids = [int(part) for part in raw.split(",") if part.strip().isdigit()]
        if len(ids) > selectors.MAX_COUNT_IDS:
            raise ValidationError({"ids": [f"At most {selectors.MAX_COUNT_IDS} bookings."]})
        return Response(selectors.participant_counts(ids))


class ParticipantsOfBookingView(APIView):
    """Open as the legacy was (the bookings screen sends no token), but names and mobiles are
    masked unless the caller is staff or the booking's owner."""

    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.ParticipantSerializer(many=True), tags=["programs"])
    def get(self, request: Request, booking_id: int) -> Response:
        rows = selectors.participants_of_booking(booking_id)
        context = {"viewer": _viewer(request)}
        return Response(serializers.ParticipantSerializer(rows, many=True, context=context).data)


class OwnParticipantsView(APIView):
    @extend_schema(responses=serializers.ParticipantSerializer(many=True), tags=["programs"])
    def get(self, request: Request, program_type: str) -> Response:
        user = authenticated_user(request)
        rows = selectors.own_paid_participants(user, program_type)
        context = {"viewer": user, "with_ticket": True}
        return Response(serializers.ParticipantSerializer(rows, many=True, context=context).data)


class ParticipantVerifyView(APIView):
    """PATCH /program_participants/{id}/verify (the door page) and the staff dashboard's
    POST /program-participants/{id}/verify: staff, or the ticket's signed code."""

    permission_classes = [AllowAny]

    def _scan(self, request: Request, participant_id: int) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        body = serializers.TicketScanSerializer(
            data={
                "is_verified": data.get("is_verified", True),
                "code": data.get("code") or request.query_params.get("code", ""),
            }
        )
        body.is_valid(raise_exception=True)
        result = tickets.participant_scan(
            participant_id=participant_id,
            actor=_viewer(request),
            code=body.validated_data.get("code") or None,
            admit=body.validated_data["is_verified"],
        )
        participant = result.participant
        return Response(
            {
                "success": True,
                "id": participant.pk,
                "is_verified": participant.is_verified,
                "scan_count": participant.scan_count,
                "ticket_quantity": participant.ticket_quantity,
                "verified_at": serializers.ParticipantSerializer(
                    participant, context={"viewer": _viewer(request)}
                ).data["verified_at"],
            }
        )

    @extend_schema(
        request=serializers.TicketScanSerializer, responses=OpenApiTypes.OBJECT, tags=["programs"]
    )
    def patch(self, request: Request, participant_id: int) -> Response:
        return self._scan(request, participant_id)

    @extend_schema(
        request=serializers.TicketScanSerializer, responses=OpenApiTypes.OBJECT, tags=["programs"]
    )
    def post(self, request: Request, participant_id: int) -> Response:
        return self._scan(request, participant_id)


class DashboardVerifyView(ParticipantVerifyView):
    """The staff dashboard's spelling, /program-participants/{id}/verify (same behaviour)."""

    @extend_schema(
        request=serializers.TicketScanSerializer,
        responses=OpenApiTypes.OBJECT,
        tags=["programs"],
        operation_id="program_participants_dashboard_verify_partial_update",
    )
    def patch(self, request: Request, participant_id: int) -> Response:
        return self._scan(request, participant_id)

    @extend_schema(
        request=serializers.TicketScanSerializer,
        responses=OpenApiTypes.OBJECT,
        tags=["programs"],
        operation_id="program_participants_dashboard_verify_create",
    )
    def post(self, request: Request, participant_id: int) -> Response:
        return self._scan(request, participant_id)


class TicketQrView(APIView):
    """The ticket's QR code (SVG) for its holder or staff: it opens the door page with the
    signed code."""

    @extend_schema(responses={(200, "image/svg+xml"): OpenApiTypes.BINARY}, tags=["programs"])
    def get(self, request: Request, participant_id: int) -> HttpResponse:
        user = authenticated_user(request)
        participant = ProgramParticipant.objects.filter(pk=participant_id).first()
        if participant is None:
            raise NotFound("Participant not found")
        if not (user.is_staff or participant.user_id == user.pk):
            raise Forbidden("This ticket belongs to someone else.")
        url = tickets.verify_url(settings.FRONTEND_URL, participant)
        response = HttpResponse(tickets.qr_svg(url), content_type="image/svg+xml")
        response["Cache-Control"] = "private, max-age=3600"
        return response


# --- Programs -----------------------------------------------------------------------------------


class ProgramCollectionView(PublicReadsStaffWrites, APIView):
    """GET /programs lists (the catalog's list, public); POST /programs proposes one (any
    logged-in user; staff decide)."""

    write_permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Any:
        return ProgramViewSet.as_view({"get": "list"})(request._request)

    @extend_schema(
        request=serializers.ProgramCreateSerializer,
        responses=OpenApiTypes.OBJECT,
        tags=["programs"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.ProgramCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        program = Program.objects.create(
            title=data["title"],
            description=data.get("description") or "",
            schedule=data.get("schedule") or "",
            price=data.get("price") or 0,
            program_type=data.get("program_type")
            or selectors.infer_program_type(data["title"])
            or "",
            poster_url=data.get("poster_url") or "",
            status=ProgramStatus.PENDING,
        )
        return Response(
            {"id": program.pk, "title": program.title, "status": program.status},
            status=status.HTTP_201_CREATED,
        )


class ProgramItemView(PublicReadsStaffWrites, APIView):
    @extend_schema(exclude=True)
    def get(self, request: Request, program_id: int) -> Any:
        return ProgramViewSet.as_view({"get": "retrieve"})(request._request, pk=program_id)

    @extend_schema(
        request=serializers.ProgramUpdateSerializer,
        responses=OpenApiTypes.OBJECT,
        tags=["programs"],
    )
    def patch(self, request: Request, program_id: int) -> Response:
        program = Program.objects.filter(pk=program_id).first()
        if program is None:
            raise NotFound("Program not found")
        body = serializers.ProgramUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        for field, value in body.validated_data.items():
            setattr(program, field, "" if value is None and field != "price" else value)
        program.save()
        return Response({"id": program.pk, "title": program.title, "status": program.status})

    @extend_schema(responses={204: None}, tags=["programs"])
    def delete(self, request: Request, program_id: int) -> Response:
        services.program_delete(program_id=program_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProgramDecisionView(APIView):
    permission_classes = [IsStaff]
    decision = "approve"

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, tags=["programs"])
    def post(self, request: Request, program_id: int) -> Response:
        services.program_decide(program_id=program_id, decision=self.decision)
        return Response({"ok": True})


def _participant_rows(rows: list[ProgramParticipant], viewer: User) -> list[dict[str, Any]]:
    return list(serializers.ParticipantSerializer(rows, many=True, context={"viewer": viewer}).data)


class ProgramsWithParticipantsView(APIView):
    """Staff: programs and live shows, each with its participants (bounded)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request) -> Response:
        viewer = authenticated_user(request)
        q = request.query_params.get("q") or None
        state = request.query_params.get("status") or None
        programs = selectors.staff_programs(q=q, status=state)
        kinds = {selectors.infer_program_type(p.title) or "" for p in programs}
        by_type = selectors.participants_by_type(kinds - {""})
        items: list[dict[str, Any]] = []
        for program in programs:
            kind = selectors.infer_program_type(program.title)
            people = by_type.get(kind or "", [])
            items.append(
                {
                    "id": program.pk,
                    "title": program.title,
                    "status": program.status,
                    "schedule": program.schedule,
                    "price": float(program.price),
                    "program_type": kind,
                    "participant_count": len(people),
                    "participants": _participant_rows(people, viewer),
                }
            )
        for show, show_people, show_lines in selectors.staff_live_shows(q=q, status=state):
            lines = [
                {
                    "id": line.pk,
                    "item_id": line.item_id,
                    "item_name": line.name,
                    "quantity": line.quantity,
                    "unit_price": float(line.unit_price),
                    "total_price": float(line.total_price),
                }
                for line in show_lines
            ]
            tickets_info = services.show_tickets(show)
            start = timezone.localtime(show.start_datetime)
            end = timezone.localtime(show.end_datetime)
            items.append(
                {
                    "id": show.pk,
                    "title": show.event_type or "Live Show",
                    "status": show.status,
                    "schedule": f"{start:%Y-%m-%d %H:%M} - {end:%H:%M}",
                    "price": float(show.total_amount) if show.total_amount else None,
                    "program_type": "live",
                    "ticket_rate": float(tickets_info.price) if tickets_info.price else None,
                    "participant_count": len(show_people),
                    "participants": [
                        {**row, "booked_items": lines}
                        for row in _participant_rows(show_people, viewer)
                    ],
                    "booking_items": lines,
                }
            )
        return Response({"items": items, "count": len(items)})


# --- Events and the staff dashboards ------------------------------------------------------------


class EventListView(PublicReadsStaffWrites, APIView):
    @extend_schema(responses=serializers.EventSerializer(many=True), tags=["programs"])
    def get(self, request: Request) -> Response:
        events = Event.objects.order_by("-id")[:50]
        return Response({"items": serializers.EventSerializer(events, many=True).data})

    @extend_schema(
        request=serializers.EventSerializer,
        responses=serializers.EventSerializer,
        tags=["programs"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.EventSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = body.save()
        return Response(serializers.EventSerializer(event).data, status=status.HTTP_201_CREATED)


class SchedulesByTypeView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request, event_type: str) -> Response:
        first, last = _window(request, back=7, ahead=30)
        with_people = request.query_params.get("include_participants", "true") != "false"
        viewer = authenticated_user(request)
        schedules = []
        for schedule, tickets_sold_to in selectors.schedules_by_type(event_type, first, last):
            definition = schedule.definition
            people = [ticket.participant for ticket in tickets_sold_to] if with_people else []
            schedules.append(
                {
                    "id": schedule.pk,
                    "event_definition_id": definition.pk,
                    "event_code": definition.event_code,
                    "event_title": definition.title,
                    "event_type": definition.event_type,
                    "event_category": definition.event_category,
                    "schedule_date": schedule.schedule_date.isoformat(),
                    "start_time": schedule.start_time.strftime("%H:%M:%S"),
                    "end_time": schedule.end_time.strftime("%H:%M:%S"),
                    "max_tickets": schedule.max_tickets,
                    "tickets_sold": schedule.tickets_sold,
                    "tickets_available": schedule.tickets_available,
                    "ticket_price": float(schedule.price),
                    "status": schedule.status,
                    "is_blocked": schedule.is_blocked,
                    "banner_image_url": definition.banner_image_url,
                    "poster_url": definition.poster_url,
                    "participants": [
                        {
                            **row,
                            "booking_reference": _reference(person.booking),
                            "payment_status": person.booking.status if person.booking else None,
                        }
                        for person, row in zip(
                            people, _participant_rows(people, viewer), strict=True
                        )
                    ],
                }
            )
        return Response(
            {
                "event_type": event_type,
                "date_range": {"from": first.isoformat(), "to": last.isoformat()},
                "total_schedules": len(schedules),
                "schedules": schedules,
            }
        )


def _reference(booking: Booking | None) -> str | None:
    return booking.booking_reference if booking else None


class LegacyParticipantsView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request, program_type: str) -> Response:
        first, last = _window(request, back=30, ahead=7)
        viewer = authenticated_user(request)
        people = selectors.legacy_participants(program_type, first, last)
        rows = [
            {
                **row,
                "booking_reference": _reference(person.booking),
                "payment_status": person.booking.status if person.booking else None,
                "event_title": person.booking.customer_note if person.booking else None,
            }
            for person, row in zip(people, _participant_rows(people, viewer), strict=True)
        ]
        return Response(
            {
                "program_type": program_type,
                "date_range": {"from": first.isoformat(), "to": last.isoformat()},
                "summary": {
                    "total_participants": len(people),
                    "total_tickets": sum(p.ticket_quantity for p in people),
                    "total_revenue": float(sum(p.amount_paid for p in people)),
                    "verified_count": sum(1 for p in people if p.is_verified),
                },
                "participants": rows,
            }
        )


class DashboardSummaryView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request) -> Response:
        return Response(selectors.dashboard_summary(timezone.localdate()))


# --- Ticket types ---------------------------------------------------------------------------


class TicketTypesView(PublicReadsStaffWrites, APIView):
    """GET /event-definitions/{id}/ticket-types (anyone: an event page lists its tiers) and POST
    (staff), as the legacy's event_definitions.py: a bare array in sort order, active ones."""

    @extend_schema(responses=serializers.TicketTypeSerializer(many=True), tags=["programs"])
    def get(self, request: Request, definition_id: int) -> Response:
        rows = selectors.ticket_types(definition_id)
        return Response(serializers.TicketTypeSerializer(rows, many=True).data)

    @extend_schema(
        request=serializers.TicketTypeSerializer,
        responses={200: serializers.TicketTypeSerializer},
        tags=["programs"],
    )
    def post(self, request: Request, definition_id: int) -> Response:
        body = serializers.TicketTypeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ticket_type = services.ticket_type_create(
            definition_id=definition_id, fields=dict(body.validated_data)
        )
        return Response(serializers.TicketTypeSerializer(ticket_type).data)
