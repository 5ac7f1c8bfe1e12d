"""The brokers' endpoints with the legacy's paths and shapes.

Staff only (the legacy's admin_required / get_current_admin): /admin/brokers..., and the
settlement calls /broker/payments/settle, prepare-*, verify-*. Staff or the broker:
GET /broker/payments/summary (a broker reads only their own).
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from brokers import selectors, services
from brokers.api import serializers
from lebrq.api.permissions import IsStaff

_ERRORS = {
    401: OpenApiResponse(description="Not logged in."),
    403: OpenApiResponse(description="Not staff."),
}


def _body(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


@extend_schema(tags=["brokers"])
class BrokerCollectionView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[serializers.BrokerListQuerySerializer],
        responses={200: _body("{items, count, total, skip, limit}"), **_ERRORS},
        operation_id="admin_brokers_list",
        summary="Brokers, named first (skip/limit, limit at most 500); account numbers masked",
    )
    def get(self, request: Request) -> Response:
        query = serializers.BrokerListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        skip, limit = query.validated_data["skip"], query.validated_data["limit"]
        rows, total = selectors.brokers_page(skip=skip, limit=limit)
        items = serializers.BrokerListSerializer(rows, many=True).data
        limit = min(limit, selectors.LIST_MAX_LIMIT)
        return Response(
            {"items": items, "count": len(items), "total": total, "skip": skip, "limit": limit}
        )

    @extend_schema(
        request=serializers.BrokerCreateSerializer,
        responses={200: _body("{ok, id, user_id, username, temp_password, invited}"), **_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = serializers.BrokerCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        created = services.broker_create(
            details=body.details(),
            user_id=body.validated_data.get("user_id"),
            username=body.validated_data.get("username"),
            send_invite=body.validated_data["send_invite"],
        )
        return Response(
            {
                "ok": True,
                "id": created.profile.pk,
                "user_id": created.profile.user_id,
                "username": created.username,
                "temp_password": created.temp_password,
                "invited": created.invited,
            }
        )


@extend_schema(tags=["brokers"])
class BrokerItemView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: serializers.BrokerSerializer, **_ERRORS})
    def get(self, request: Request, broker_id: int) -> Response:
        return Response(serializers.BrokerSerializer(selectors.broker_get(broker_id)).data)

    @extend_schema(
        request=serializers.BrokerFormSerializer,
        responses={200: serializers.BrokerUpdatedSerializer, **_ERRORS},
    )
    def put(self, request: Request, broker_id: int) -> Response:
        body = serializers.BrokerFormSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        profile = services.broker_update(broker_id=broker_id, details=body.details())
        return Response(serializers.BrokerUpdatedSerializer(profile).data)


@extend_schema(tags=["brokers"])
class BrokerApproveView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={200: _body("{ok, message}"), **_ERRORS})
    def post(self, request: Request, broker_id: int) -> Response:
        services.broker_approve(broker_id=broker_id)
        return Response({"ok": True, "message": "Broker approved successfully"})


@extend_schema(tags=["brokers"])
class BrokerInviteView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={200: _body("{ok, message}"), **_ERRORS})
    def post(self, request: Request, broker_id: int) -> Response:
        services.broker_invite(broker_id=broker_id)
        return Response({"ok": True, "message": "Invitation sent"})


@extend_schema(tags=["brokers"])
class BrokerSuspendView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BrokerSuspendSerializer,
        responses={200: _body("{ok, broker_id, suspended_until, is_suspended}"), **_ERRORS},
    )
    def post(self, request: Request, broker_id: int) -> Response:
        body = serializers.BrokerSuspendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        profile = services.broker_suspend(
            broker_id=broker_id, until=body.validated_data.get("suspended_until")
        )
        shown = serializers.BrokerSerializer(profile).data
        return Response(
            {
                "ok": True,
                "broker_id": profile.pk,
                "suspended_until": shown["suspended_until"],
                "is_suspended": shown["is_suspended"],
            }
        )


@extend_schema(tags=["brokers"])
class BulkBrokerageView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BulkBrokerageSerializer,
        responses={200: _body("{ok, message, updated_count}"), **_ERRORS},
        summary="Set every broker's brokerage percentage (bookings made keep theirs)",
    )
    def post(self, request: Request) -> Response:
        body = serializers.BulkBrokerageSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        percentage = body.validated_data["brokerage_percentage"]
        updated = services.brokerage_bulk_update(percentage=percentage)
        return Response(
            {
                "ok": True,
                "message": f"Updated {updated} broker(s) to {percentage}%",
                "updated_count": updated,
            }
        )


# --- Settlement ----------------------------------------------------------------------------------


@extend_schema(tags=["brokers"])
class SummaryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[serializers.BrokerageSummaryQuerySerializer],
        responses={200: serializers.BrokerageSummarySerializer, 401: None, 403: None, 404: None},
        summary="Brokerage of the last 7/30/365 days: totals, and the newest 1,000 bookings",
    )
    def get(self, request: Request) -> Response:
        query = serializers.BrokerageSummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        broker = selectors.summary_broker(
            user=authenticated_user(request), broker_id=query.validated_data.get("broker_id")
        )
        summary = selectors.brokerage_summary(
            broker=broker,
            period=query.validated_data["period"],
            include_settled=query.validated_data["include_settled"],
        )
        return Response(serializers.BrokerageSummarySerializer(summary).data)


@extend_schema(tags=["brokers"])
class SettleView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BrokerageSettleSerializer,
        responses={200: _body("{ok, message, settled_count}"), **_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = serializers.BrokerageSettleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        settled = services.brokerage_settle(
            booking_ids=body.validated_data["booking_ids"], actor=authenticated_user(request)
        )
        return Response(
            {
                "ok": True,
                "message": f"Marked {settled} booking(s) as settled",
                "settled_count": settled,
            }
        )


@extend_schema(tags=["brokers"])
class PreparePaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BrokerPreparePaymentSerializer,
        responses={
            200: _body("{ok, order_id, amount, currency, booking_id, booking_reference}"),
            **_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        body = serializers.BrokerPreparePaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        prepared = services.payout_prepare(
            actor=authenticated_user(request), booking_id=body.validated_data["booking_id"]
        )
        booking = prepared.bookings[0]
        return Response(
            {
                "ok": True,
                "order_id": prepared.order_id,
                "amount": prepared.payout.amount,
                "currency": "INR",
                "booking_id": booking.pk,
                "booking_reference": booking.booking_reference,
            }
        )


@extend_schema(tags=["brokers"])
class VerifyPaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BrokerVerifyPaymentSerializer,
        responses={200: _body("{ok, message, payment_id, booking_id}"), **_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = serializers.BrokerVerifyPaymentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        booking_id = body.validated_data["booking_id"]
        payout = services.payout_verify(
            actor=authenticated_user(request),
            booking_ids=[booking_id],
            **body.validated_data["payment_data"],
        )
        return Response(
            {
                "ok": True,
                "message": "Broker payment verified and settled successfully",
                "payment_id": payout.payment_id,
                "booking_id": booking_id,
            }
        )


@extend_schema(tags=["brokers"])
class PrepareBulkPaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BrokerPrepareBulkSerializer,
        responses={
            200: _body("{ok, order_id, amount, currency, broker_id, booking_ids, booking_count}"),
            **_ERRORS,
        },
    )
    def post(self, request: Request) -> Response:
        body = serializers.BrokerPrepareBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        prepared = services.payout_prepare_bulk(
            actor=authenticated_user(request), **body.validated_data
        )
        booking_ids = [booking.pk for booking in prepared.bookings]
        return Response(
            {
                "ok": True,
                "order_id": prepared.order_id,
                "amount": prepared.payout.amount,
                "currency": "INR",
                "broker_id": prepared.payout.broker_id,
                "booking_ids": booking_ids,
                "booking_count": len(booking_ids),
            }
        )


@extend_schema(tags=["brokers"])
class VerifyBulkPaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BrokerVerifyBulkSerializer,
        responses={200: _body("{ok, message, payment_id, broker_id, settled_count}"), **_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = serializers.BrokerVerifyBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data: dict[str, Any] = body.validated_data
        payout = services.payout_verify(
            actor=authenticated_user(request),
            booking_ids=data["booking_ids"],
            broker_id=data["broker_id"],
            **data["payment_data"],
        )
        settled = len(set(data["booking_ids"]))
        return Response(
            {
                "ok": True,
                "message": (
                    f"Bulk broker payment verified and {settled} booking(s) marked as settled"
                ),
                "payment_id": payout.payment_id,
                "broker_id": payout.broker_id,
                "settled_count": settled,
            }
        )
