"""The staff invoice screen (app/admin/invoices.tsx): list, edit, preview, download.

PDFs come from the task worker through bookings.invoices (docs/DESIGN.md, Background tasks):
a download, with or without unsaved values, waits a bounded time for its file and streams it;
the preview is the invoice's figures as JSON, no PDF.
"""

import json
import re
from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from bookings import invoice_edits, invoices
from bookings.api.invoice_serializers import (
    InvoiceDataSerializer,
    InvoiceEditSerializer,
    InvoiceListQuerySerializer,
    InvoiceSavedSerializer,
    StaffInvoiceListSerializer,
    StaffInvoiceRowSerializer,
)
from bookings.invoices import InvoiceOverrides
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.permissions import IsStaff

PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    (206, "application/pdf"): OpenApiTypes.BINARY,
    503: OpenApiResponse(description="Still rendering; retry after Retry-After."),
}


class StaffInvoiceListView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[InvoiceListQuerySerializer],
        responses=StaffInvoiceListSerializer,
        summary=f"Bookings' invoices, newest first (at most {invoice_edits.INVOICE_LIST_CAP})",
        tags=["staff"],
    )
    def get(self, request: Request) -> Response:
        query = InvoiceListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        starts_from, starts_before = invoice_edits.day_bounds(
            query.validated_data.get("from_date"), query.validated_data.get("to_date")
        )
        bookings = invoice_edits.invoice_list_for_staff(
            status=query.validated_data.get("status") or None,
            starts_from=starts_from,
            starts_before=starts_before,
        )
        rows = StaffInvoiceRowSerializer(bookings, many=True).data
        return Response({"invoices": rows, "count": len(rows)})


class StaffInvoiceDataView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        responses=InvoiceDataSerializer,
        summary="A booking's invoice as the edit form shows it (with the saved edit)",
        tags=["staff"],
    )
    def get(self, request: Request, booking_id: int) -> Response:
        return Response(InvoiceDataSerializer(invoice_edits.invoice_view(booking_id)).data)


class StaffInvoiceSaveView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=InvoiceEditSerializer,
        responses=InvoiceSavedSerializer,
        summary="Save staff's values for a booking's invoice (every copy shows them)",
        tags=["staff"],
    )
    def post(self, request: Request, booking_id: int) -> Response:
        body = InvoiceEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        edit = invoice_edits.invoice_edit_save(
            booking_id=booking_id, overrides=body.overrides(), user=authenticated_user(request)
        )
        return Response(InvoiceSavedSerializer(edit).data)


class StaffInvoicePreviewView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=InvoiceEditSerializer,
        responses=InvoiceDataSerializer,
        summary="The invoice as these values would make it (nothing saved, no PDF)",
        tags=["staff"],
    )
    def post(self, request: Request, booking_id: int) -> Response:
        body = InvoiceEditSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        view = invoice_edits.invoice_view(booking_id, draft=body.overrides())
        return Response(InvoiceDataSerializer(view).data)


class StaffInvoiceDownloadView(APIView):
    """The invoice PDF: as saved (GET, or POST without a body), or with the values in the body
    (POST) or in ?custom_data= (GET, JSON), unsaved."""

    permission_classes = [IsStaff]
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "custom_data", str, description="JSON of unsaved values (as the POST body)"
            )
        ],
        responses=PDF_RESPONSES,
        summary="The invoice PDF (as saved, or with unsaved values)",
        tags=["staff"],
    )
    def get(self, request: Request, booking_id: int) -> HttpResponseBase:
        raw = request.query_params.get("custom_data")
        custom = None
        if raw:
            try:
                custom = json.loads(raw)
            except ValueError:
                raise ValidationError(
                    {"custom_data": ["Invalid JSON in custom_data parameter"]}
                ) from None
        return self._download(request, booking_id, custom)

    @extend_schema(
        request=InvoiceEditSerializer,
        responses=PDF_RESPONSES,
        summary="The invoice PDF with the unsaved values in the body",
        tags=["staff"],
    )
    def post(self, request: Request, booking_id: int) -> HttpResponseBase:
        return self._download(request, booking_id, request.data)

    def _download(self, request: Request, booking_id: int, custom: Any) -> HttpResponseBase:
        draft: InvoiceOverrides | None = None
        if custom:
            body = InvoiceEditSerializer(data=custom)
            body.is_valid(raise_exception=True)
            draft = body.overrides()
        view = invoice_edits.invoice_view(booking_id, draft=draft)
        filename = _legacy_filename(view.invoice.kind, view.booking.booking_reference)
        response = invoices.invoice_response(request, view.booking, draft=draft, filename=filename)
        # The screen reads the name with /filename="?(.+)"?/, which keeps a closing quote:
        # the legacy's unquoted form (a token: the name has no spaces or quotes).
        response["Content-Disposition"] = f"attachment; filename={filename}"
        return response


def _legacy_filename(kind: str, booking_reference: str) -> str:
    """The legacy's `<kind>_<booking reference>_<YYYYMMDD>.pdf`, reduced to token characters."""
    reference = re.sub(r"[^A-Za-z0-9._-]", "_", booking_reference)
    return f"{kind}_{reference}_{timezone.localdate():%Y%m%d}.pdf"
