"""The payment calls of the frontend, with the legacy's paths and shapes."""

import logging
from decimal import Decimal
from typing import Any

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from bookings import policies
from bookings.api.serializers import ActionResultSerializer, TransitionSerializer
from bookings.models import Booking
from bookings.models.settings import SettingKey
from bookings.selectors import booking_get
from bookings.services import booking_cancel_by_customer, settings_save
from lebrq.api.pagination import PagePagination
from lebrq.api.permissions import IsStaff
from lebrq.api.replica import ReadsFromReplica
from lebrq.api.views import PublicAPIView
from lebrq.errors import NotFound
from payments import selectors, services, webhooks
from payments.api import serializers
from payments.choices import PaymentStatus, RefundStatus, RefundType
from payments.exceptions import NotYours
from payments.gateways import payment_gateway
from payments.models import Refund

logger = logging.getLogger(__name__)


def _booking_for(request: Request, booking_id: int) -> Booking:
    user = authenticated_user(request)
    booking = Booking.objects.filter(pk=booking_id).first()
    if booking is None:
        raise NotFound("Booking not found.")
    if booking.user_id != user.pk and not user.is_staff:
        raise NotYours()
    return booking


class PrepareView(APIView):
    @extend_schema(
        request=serializers.PrepareSerializer,
        responses=serializers.PreparedSerializer,
        summary="Confirm what the checkout is about to take (with a booking: checked)",
        tags=["payments"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.PrepareSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticated_user(request)
        prepared = services.payment_prepare(
            user=user,
            amount=body.validated_data["amount"],
            currency=body.validated_data["currency"],
            booking_id=body.validated_data.get("booking_id"),
        )
        answer = {
            "booking_id": prepared.booking.pk if prepared.booking else None,
            "amount": prepared.amount,
            "currency": prepared.currency,
            "booking_type": prepared.booking.booking_type if prepared.booking else None,
            "billing_name": user.display_name,
            "billing_email": user.email or user.username,
            "billing_tel": user.mobile,
        }
        return Response(serializers.PreparedSerializer(answer).data)


class OrderView(APIView):
    @extend_schema(
        request=serializers.OrderRequestSerializer,
        responses={200: serializers.OrderSerializer},
        summary="Make the Razorpay order the checkout pays (amount in paise)",
        tags=["payments"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.OrderRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.order_create(
            user=authenticated_user(request),
            amount_paise=body.validated_data["amount"],
            currency=body.validated_data["currency"],
            booking_id=body.validated_data.get("booking_id"),
        )
        context = {"key_id": payment_gateway().key_id}
        return Response(serializers.OrderSerializer(payment, context=context).data)


class VerifyView(APIView):
    @extend_schema(
        request=serializers.VerifySerializer,
        responses=serializers.VerifiedSerializer,
        summary="Record a checkout's payment (signature and Razorpay's own record checked)",
        tags=["payments"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.VerifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        settlement = services.checkout_verify(
            user=authenticated_user(request),
            order_id=data["razorpay_order_id"],
            payment_id=data["razorpay_payment_id"],
            signature=data["razorpay_signature"],
            booking_id=data.get("booking_id"),
        )
        booked = settlement.payment.booking_id
        booking_status = (
            None
            if booked is None
            else Booking.objects.filter(pk=booked).values_list("status", flat=True).first()
        )
        answer = {
            "success": settlement.refund is None,
            "message": (
                "Payment verified."
                if settlement.refund is None
                else f"The booking could not take this payment; it is being refunded: "
                f"{settlement.refund.reason}"
            ),
            "payment": settlement.payment,
            "refund": settlement.refund,
            "booking_status": booking_status,
        }
        code = status.HTTP_200_OK if settlement.refund is None else status.HTTP_409_CONFLICT
        return Response(serializers.VerifiedSerializer(answer).data, status=code)


class WebhookView(PublicAPIView):
    """Razorpay's webhook: its own signature over the raw body is the only credential."""

    @extend_schema(
        request=None,
        responses=serializers.WebhookAnswerSerializer,
        summary="Razorpay webhook",
        tags=["payments"],
    )
    def post(self, request: Request) -> Response:
        raw = request.body
        signature = request.headers.get("X-Razorpay-Signature", "")
        event_id = request.headers.get("X-Razorpay-Event-Id", "")
        outcome = webhooks.webhook_receive(body=raw, signature=signature, event_id=event_id)
        return Response({"status": outcome})


class PaymentStatusView(APIView):
    @extend_schema(
        responses=serializers.PaymentStatusSerializer,
        summary="A payment by its Razorpay id (the success page)",
        tags=["payments"],
    )
    def get(self, request: Request, payment_id: str) -> Response:
        payment = selectors.payment_for_customer(
            user=authenticated_user(request), payment_id=payment_id
        )
        if payment is None:
            raise NotFound("Payment not found")
        return Response(serializers.PaymentStatusSerializer(payment).data)


# Lists under a booking are bounded by what one booking can gather: a few payments and
# refunds. This cap keeps a pathological one from being read whole.
HISTORY_CAP = 500


class PaymentHistoryView(APIView):
    @extend_schema(
        responses=serializers.HistorySerializer,
        summary="Payments and refunds of a booking",
        tags=["payments"],
    )
    def get(self, request: Request, booking_id: int) -> Response:
        booking = _booking_for(request, booking_id)
        payments = list(selectors.payments_of_booking(booking.pk)[:HISTORY_CAP])
        refunds = list(selectors.refunds_of_booking(booking.pk)[:HISTORY_CAP])
        return Response(
            {
                "payments": serializers.HistoryPaymentSerializer(payments, many=True).data,
                "refunds": serializers.HistoryRefundSerializer(refunds, many=True).data,
                "total_paid": float(
                    sum(
                        (p.amount for p in payments if p.status == PaymentStatus.SUCCESS),
                        Decimal("0"),
                    )
                ),
                "total_refunded": float(
                    sum(
                        (r.amount for r in refunds if r.status == RefundStatus.COMPLETED),
                        Decimal("0"),
                    )
                ),
                "pending_refunds": float(
                    sum(
                        (
                            r.amount
                            for r in refunds
                            if r.status in (RefundStatus.PENDING, RefundStatus.PROCESSING)
                        ),
                        Decimal("0"),
                    )
                ),
            }
        )


class BookingRefundRequestView(APIView):
    @extend_schema(
        request=serializers.RefundRequestSerializer,
        responses=serializers.RefundRecordedSerializer,
        summary="Ask for the overpaid part back after an edit lowered the price",
        tags=["payments"],
    )
    def post(self, request: Request, booking_id: int) -> Response:
        booking = _booking_for(request, booking_id)
        body = serializers.RefundRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        amount = body.validated_data["refund_amount"]
        reason = body.validated_data["reason"] or "Booking edited - price decreased"
        # Only what was paid beyond the (new) total is owed back: the legacy allowed any
        # amount up to everything paid.
        overpaid = max(
            booking.paid_amount - booking.total_amount - services.refunds_open(booking),
            Decimal("0"),
        )
        services.refund_request(
            booking=booking,
            amount=amount,
            reason=reason,
            refund_type=RefundType.EDIT,
            actor=authenticated_user(request),
            limit=overpaid,
        )
        note = f"Refund Request: ₹{amount:.2f} - {reason}. Will be processed within 3 working days."
        return Response(
            {
                "ok": True,
                "message": "Refund request recorded",
                "booking_id": booking.pk,
                "refund_amount": float(amount),
                "refund_note": note,
            }
        )


class BookingCancelView(APIView):
    """POST /bookings/{id}/cancel, with the legacy's cancellation refund: the refund
    percentage of what was paid, requested for staff to process. Served here, in front of the
    bookings API's own cancel, because a refund is a payments matter."""

    @extend_schema(
        request=TransitionSerializer,
        responses=serializers.CancelledSerializer,
        summary="Cancel a booking; what was paid is refunded by the refund percentage",
        tags=["bookings"],
    )
    def post(self, request: Request, booking_id: int) -> Response:
        booking = _booking_for(request, booking_id)
        actor = authenticated_user(request)
        data = request.data if isinstance(request.data, dict) else {}
        # The note may come in the body or, as some legacy screens send it, the query.
        note = TransitionSerializer(
            data={"note": data.get("note", request.query_params.get("note", ""))}
        )
        note.is_valid(raise_exception=True)
        with transaction.atomic():
            cancelled = booking_cancel_by_customer(
                booking=booking, actor=actor, note=note.validated_data["note"]
            )
            refund = services.cancellation_refund(booking=cancelled, actor=actor)
        body = dict(ActionResultSerializer(booking_get(cancelled.pk)).data)
        body.update(
            {
                "cancelled_items_count": cancelled.items.count(),
                "refund_amount": float(refund.amount) if refund else 0.0,
                "refund_created": refund is not None,
                "refund_id": refund.pk if refund else None,
                "booking_total": float(cancelled.total_amount),
            }
        )
        return Response(body)


# --- Staff --------------------------------------------------------------------------------------


class StaffPaymentsPagination(PagePagination):
    """The legacy's {success, total, payments}, page / per_page (at most 50)."""

    max_page_size = 50
    page_size = 20
    page_size_query_param = "per_page"

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"success": True, "total": self.total, "payments": data})


class StaffPaymentListView(ReadsFromReplica, APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        responses=serializers.StaffPaymentPageSerializer,
        summary="All payments, newest first",
        tags=["staff"],
    )
    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status_filter") or None
        if status_filter is not None and status_filter not in PaymentStatus.values:
            raise ValidationError({"status_filter": [f"One of {', '.join(PaymentStatus.values)}."]})
        paginator = StaffPaymentsPagination()
        page = paginator.paginate_queryset(
            selectors.staff_payment_list(status=status_filter), request, self
        )
        return paginator.get_paginated_response(
            serializers.StaffPaymentSerializer(page, many=True).data
        )


class StaffRefundsPagination(PagePagination):
    """The legacy's {refunds, pagination: {page, per_page, total, pages}}."""

    page_size = 20
    page_size_query_param = "per_page"

    def get_paginated_response(self, data: Any) -> Response:
        shared = self.get_pagination_data()
        return Response(
            {
                "refunds": data,
                "pagination": {
                    "page": shared["page"],
                    "per_page": shared["page_size"],
                    "total": shared["total"],
                    "pages": shared["total_pages"],
                },
            }
        )


class StaffRefundListView(ReadsFromReplica, APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        responses=serializers.StaffRefundPageSerializer,
        summary="Refunds, newest first",
        tags=["staff"],
    )
    def get(self, request: Request) -> Response:
        status_filter = request.query_params.get("status") or None
        if status_filter is not None and status_filter not in RefundStatus.values:
            raise ValidationError({"status": [f"One of {', '.join(RefundStatus.values)}."]})
        paginator: BasePagination = StaffRefundsPagination()
        page = paginator.paginate_queryset(
            selectors.staff_refund_list(status=status_filter), request, self
        )
        return paginator.get_paginated_response(
            serializers.StaffRefundSerializer(page, many=True).data
        )


class StaffRefundProcessView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=None,
        responses=serializers.RefundProcessedSerializer,
        summary="Send a requested refund through Razorpay",
        tags=["staff"],
    )
    def post(self, request: Request, refund_id: int) -> Response:
        if not Refund.objects.filter(pk=refund_id).exists():
            raise NotFound("Refund not found")
        refund = services.refund_process(refund_id)
        return Response(
            {
                "ok": True,
                "message": "Refund processed successfully",
                "refund_id": refund.pk,
                "razorpay_refund_id": refund.refund_reference,
                "status": refund.status,
                "amount": float(refund.amount),
            }
        )


class AdvancePaymentSettingsView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.AdvanceSettingsSerializer, tags=["staff"])
    def get(self, request: Request) -> Response:
        return Response(self._current())

    @extend_schema(
        request=serializers.AdvanceSettingsSerializer,
        responses=serializers.AdvanceSettingsSavedSerializer,
        tags=["staff"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.AdvanceSettingsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        values = {
            SettingKey.ADVANCE_PAYMENT_ENABLED: "true" if data["enabled"] else "false",
            SettingKey.ADVANCE_PAYMENT_TYPE: data["type"],
        }
        if data.get("percentage") is not None:
            values[SettingKey.ADVANCE_PAYMENT_PERCENTAGE] = str(data["percentage"])
        if data.get("fixed_amount") is not None:
            values[SettingKey.ADVANCE_PAYMENT_FIXED_AMOUNT] = str(data["fixed_amount"])
        settings_save(values)
        return Response(
            {
                "success": True,
                "message": "Advance payment settings saved",
                "settings": self._current(),
            }
        )

    @staticmethod
    def _current() -> dict[str, Any]:
        advance = policies.advance_payment()
        return {
            "enabled": advance.enabled,
            "percentage": float(advance.percentage),
            "fixed_amount": float(advance.fixed_amount) if advance.type == "fixed" else None,
            "type": advance.type,
        }


class RefundPercentageSettingView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.StaffRefundPercentageSerializer, tags=["staff"])
    def get(self, request: Request) -> Response:
        return Response({"percentage": float(policies.refund_percentage())})

    @extend_schema(
        request=serializers.StaffRefundPercentageSerializer,
        responses=serializers.RefundPercentageSavedSerializer,
        tags=["staff"],
    )
    def post(self, request: Request) -> Response:
        body = serializers.StaffRefundPercentageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        settings_save({SettingKey.REFUND_PERCENTAGE: str(body.validated_data["percentage"])})
        return Response(
            {
                "success": True,
                "message": "Refund percentage saved",
                "percentage": float(policies.refund_percentage()),
            }
        )
