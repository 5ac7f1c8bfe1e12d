"""GET /admin/refunds/{id}/invoice: a completed refund's receipt PDF (payments/receipts.py)."""

from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.permissions import IsStaff
from payments.receipts import refund_receipt_response


class StaffRefundReceiptView(APIView):
    permission_classes = [IsStaff]
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (206, "application/pdf"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="The refund is not completed."),
            503: OpenApiResponse(description="Still rendering; retry after Retry-After."),
        },
        summary="A completed refund's receipt as a PDF",
        tags=["staff"],
    )
    def get(self, request: Request, refund_id: int) -> HttpResponseBase:
        return refund_receipt_response(request, refund_id)
