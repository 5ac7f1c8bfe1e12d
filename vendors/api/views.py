"""The vendor calls, with the legacy's paths and shapes (vendors/README.md lists them).

Staff (the legacy's admin_required): /admin/vendors*, /admin/booking-items/{id}/<step>,
and the settlement calls /vendor/payments/settle|prepare-*|verify-*. Vendors (role vendor,
not suspended): /vendor/profile, /vendor/items*, /vendor/orders*, /vendor/notifications*.
Either (staff name the vendor): /vendor/payments/summary and /invoice.
"""

from typing import Any

from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from accounts.models import User, VendorProfile
from lebrq.api.negotiation import IgnoreAcceptHeader
from lebrq.api.permissions import IsStaff
from lebrq.errors import InvalidInput
from vendors import documents, selectors, services
from vendors.api import serializers
from vendors.exceptions import NoInvoiceItems

_JSON = OpenApiResponse(OpenApiTypes.OBJECT, description="The legacy's JSON body.")


class IsVendor(BasePermission):
    message = "Vendor only"

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user.is_authenticated and request.user.role == Role.VENDOR)


class IsStaffOrVendor(BasePermission):
    message = "Access denied"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user.is_authenticated and (user.is_staff or user.role == Role.VENDOR))


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _valid(serializer_class: type[Any], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Staff: vendors ---------------------------------------------------------------------------


@extend_schema(tags=["vendors"])
class StaffVendorsView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[serializers.SkipLimitQuerySerializer],
        responses={200: _JSON},
        operation_id="admin_vendors_list",
        summary="Vendors by company name: {items, count, total, skip, limit} (limit ≤ 500)",
    )
    def get(self, request: Request) -> Response:
        query = _valid(serializers.SkipLimitQuerySerializer, request.query_params)
        everyone = selectors.vendor_list_for_staff()
        skip, limit = query["skip"], query["limit"]
        rows = list(everyone[skip : skip + limit])
        owed = selectors.amounts_owed([vendor.pk for vendor in rows])
        items = serializers.VendorListRowSerializer(rows, many=True, context={"owed": owed}).data
        return Response(
            {
                "items": items,
                "count": len(rows),
                "total": everyone.count(),
                "skip": skip,
                "limit": limit,
            }
        )

    @extend_schema(request=serializers.VendorCreateSerializer, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        body = _valid(serializers.VendorCreateSerializer, request.data)
        send_invite = body.pop("send_invite")
        created = services.vendor_create(new=services.NewVendor(**body))
        invited = services.vendor_invite_new(created) if send_invite else False
        password = created.temporary_password
        return Response(
            {
                "ok": True,
                "id": created.vendor.pk,
                "user_id": created.vendor.user_id,
                "username": created.vendor.user.username if password else None,
                # Shown once to the staff member who made the login (the screen lists it);
                # only its hash is stored.
                "temp_password": password,
                "invited": invited,
            }
        )


@extend_schema(tags=["vendors"])
class StaffVendorCandidatesView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[serializers.CandidatesQuerySerializer],
        responses={200: serializers.CandidateSerializer(many=True)},
        summary="Vendors to assign a line to, each saying whether it rejected that line",
    )
    def get(self, request: Request) -> Response:
        query = _valid(serializers.CandidatesQuerySerializer, request.query_params)
        rows = selectors.vendor_candidates(query.get("booking_item_id"))
        return Response(serializers.CandidateSerializer(rows, many=True).data)


@extend_schema(tags=["vendors"])
class StaffVendorView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: serializers.VendorSerializer})
    def get(self, request: Request, vendor_id: int) -> Response:
        return Response(serializers.VendorSerializer(selectors.vendor_get(vendor_id)).data)

    @extend_schema(request=serializers.VendorUpdateSerializer, responses={200: _JSON})
    def put(self, request: Request, vendor_id: int) -> Response:
        values = _valid(serializers.VendorUpdateSerializer, request.data)
        vendor = services.vendor_update(vendor_id=vendor_id, values=values)
        return Response(
            {
                "ok": True,
                "vendor_id": vendor.pk,
                **{name: getattr(vendor, name) for name in services.PROFILE_FIELDS},
            }
        )


@extend_schema(tags=["vendors"])
class StaffVendorInviteView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={200: _JSON})
    def post(self, request: Request, vendor_id: int) -> Response:
        vendor = services.vendor_invite(vendor_id=vendor_id)
        return Response({"ok": True, "vendor_id": vendor.pk, "username": vendor.user.username})


@extend_schema(tags=["vendors"])
class StaffVendorSuspendView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.VendorSuspendSerializer, responses={200: _JSON})
    def post(self, request: Request, vendor_id: int) -> Response:
        body = _valid(serializers.VendorSuspendSerializer, request.data)
        vendor = services.vendor_suspend(vendor_id=vendor_id, until=body["suspended_until"])
        return Response(
            {
                "ok": True,
                "vendor_id": vendor.pk,
                "suspended_until": documents.naive_utc(vendor.suspended_until),
                "is_suspended": serializers.is_suspended(vendor),
            }
        )


@extend_schema(tags=["vendors"])
class StaffVendorItemsView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: _JSON}, summary="The vendor's booking lines: {items, count}")
    def get(self, request: Request, vendor_id: int) -> Response:
        selectors.vendor_get(vendor_id)
        rows = selectors.staff_vendor_booking_items(vendor_id)
        items = serializers.StaffVendorBookingItemSerializer(rows, many=True).data
        return Response({"items": items, "count": len(items)})


# --- Staff: fulfilment steps ------------------------------------------------------------------


def _assigned(item_id: int, vendor: VendorProfile) -> dict[str, Any]:
    return {
        "ok": True,
        "booking_item_id": item_id,
        "vendor_id": vendor.pk,
        "vendor_company": vendor.company_name,
        "vendor_phone": vendor.contact_phone,
        "vendor_email": vendor.contact_email,
    }


@extend_schema(tags=["vendors"])
class AssignVendorView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.AssignSerializer, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        body = _valid(serializers.AssignSerializer, request.data)
        item, vendor = services.assign_vendor(
            item_id=item_id, vendor_id=body["vendor_id"], actor=_user(request)
        )
        return Response(_assigned(item.pk, vendor))


@extend_schema(tags=["vendors"])
class ReassignVendorView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.AssignSerializer, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        body = _valid(serializers.AssignSerializer, request.data)
        item, vendor = services.reassign_vendor(
            item_id=item_id, vendor_id=body["vendor_id"], actor=_user(request)
        )
        return Response(_assigned(item.pk, vendor))


@extend_schema(tags=["vendors"])
class CancelVendorView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.CancelVendorSerializer, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        body = _valid(serializers.CancelVendorSerializer, request.data)
        note = (body["cancellation_note"] or "").strip()
        cancelled = services.cancel_vendor(item_id=item_id, note=note, actor=_user(request))
        previous = cancelled.previous_vendor
        return Response(
            {
                "ok": True,
                "booking_item_id": item_id,
                "previous_vendor_id": previous.pk if previous else None,
                "previous_vendor_name": previous.company_name if previous else None,
                "cancellation_note": note,
                "cancelled_at": documents.naive_utc(cancelled.item.rejected_at),
            }
        )


@extend_schema(tags=["vendors"])
class StaffSuppliedView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.StaffSuppliedSerializer, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        body = _valid(serializers.StaffSuppliedSerializer, request.data)
        item = services.mark_supplied_by_staff(
            item_id=item_id, supplied=body["supplied"], actor=_user(request)
        )
        return Response({"ok": True, "booking_item_id": item.pk, "is_supplied": item.is_supplied})


@extend_schema(tags=["vendors"])
class VerifySupplyView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        item = services.verify_supply(item_id=item_id, actor=_user(request))
        return Response(
            {
                "ok": True,
                "booking_item_id": item.pk,
                "supply_verified": True,
                "verified_at": documents.naive_utc(item.verified_at),
            }
        )


# --- The vendor portal ------------------------------------------------------------------------


def _vendor(request: Request) -> VendorProfile:
    return selectors.vendor_of_user(_user(request))


@extend_schema(tags=["vendors"])
class VendorProfileView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(responses={200: _JSON})
    def get(self, request: Request) -> Response:
        user = _user(request)
        vendor = _vendor(request)
        stats = selectors.vendor_profile_stats(vendor)
        return Response(
            {
                "username": user.username,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "mobile": user.mobile,
                "email": user.email,
                "profile_image": user.profile_image or None,
                "vendor_profile": {
                    "id": vendor.pk,
                    "user_id": vendor.user_id,
                    "company_name": vendor.company_name,
                    "description": vendor.description,
                    "contact_email": vendor.contact_email,
                    "contact_phone": vendor.contact_phone,
                    "address": vendor.address,
                },
                "stats": {
                    "items": stats["items"],
                    "orders": stats["orders"],
                    "supplied_orders": stats["supplied"],
                },
                "report": {
                    "new_today": stats["new_today"],
                    "pending": stats["pending"],
                    "confirmed": stats["supplied"],
                    "cancelled": stats["cancelled"],
                },
            }
        )


@extend_schema(tags=["vendors"])
class VendorItemsView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(responses={200: _JSON}, summary="The vendor's catalog: {items, count}")
    def get(self, request: Request) -> Response:
        rows = selectors.vendor_items(_vendor(request))
        items = serializers.VendorItemSerializer(rows, many=True).data
        return Response({"items": items, "count": len(items)})

    @extend_schema(request=serializers.VendorItemCreateSerializer, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        vendor = _vendor(request)
        form = serializers.VendorItemCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = services.vendor_item_create(vendor=vendor, values=form.changes().values)
        return Response({"ok": True, "id": item.pk})


@extend_schema(tags=["vendors"])
class VendorItemView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(request=serializers.VendorItemUpdateSerializer, responses={200: _JSON})
    def put(self, request: Request, item_id: int) -> Response:
        vendor = _vendor(request)
        form = serializers.VendorItemUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.vendor_item_update(vendor=vendor, item_id=item_id, values=form.changes().values)
        return Response({"ok": True})

    @extend_schema(responses={200: _JSON})
    def delete(self, request: Request, item_id: int) -> Response:
        services.vendor_item_delete(vendor=_vendor(request), item_id=item_id)
        return Response({"ok": True})


@extend_schema(tags=["vendors"])
class VendorOrdersView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(
        responses={200: serializers.VendorOrderSerializer(many=True)},
        summary="The vendor's lines, newest first (bare array, at most 500)",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.vendor_orders(_vendor(request))
        return Response(serializers.VendorOrderSerializer(rows, many=True).data)


@extend_schema(tags=["vendors"])
class VendorOrdersPdfView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(
        request=serializers.OrdersPdfSerializer,
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def post(self, request: Request) -> HttpResponseBase:
        vendor = _vendor(request)
        body = serializers.OrdersPdfSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = documents.order_sheet(vendor, body.ids())
        if document is None:
            raise InvalidInput("No orders provided", code="no_orders")
        return documents.order_sheet_response(request, vendor, document)


def _order_answer(item_id: int, status: str, **extra: Any) -> dict[str, Any]:
    return {"ok": True, "status": status, "booking_item_id": item_id, **extra}


@extend_schema(tags=["vendors"])
class VendorAcceptView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(request=None, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        item = services.accept_order(vendor=_vendor(request), item_id=item_id, actor=_user(request))
        return Response(_order_answer(item.pk, "confirmed"))


@extend_schema(tags=["vendors"])
class VendorRejectView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(request=serializers.RejectSerializer, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        vendor = _vendor(request)
        body = _valid(serializers.RejectSerializer, request.data)
        item = services.reject_order(
            vendor=vendor, item_id=item_id, reason=body["reason"], actor=_user(request)
        )
        return Response(_order_answer(item.pk, "rejected", reason=item.rejection_note))


@extend_schema(tags=["vendors"])
class VendorSuppliedView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(request=None, responses={200: _JSON})
    def post(self, request: Request, item_id: int) -> Response:
        item = services.mark_supplied_by_vendor(
            vendor=_vendor(request), item_id=item_id, actor=_user(request)
        )
        return Response(
            {"ok": True, "is_supplied": True, "supplied_at": documents.naive_utc(item.supplied_at)}
        )


# --- Vendor notifications ---------------------------------------------------------------------


@extend_schema(tags=["vendors"])
class NotificationsView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(
        parameters=[serializers.NotificationsQuerySerializer],
        responses={200: _JSON},
        summary="{items, total, unread_count, has_more}; limit ≤ 100",
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        _vendor(request)
        query = _valid(serializers.NotificationsQuerySerializer, request.query_params)
        limit, offset = query["limit"], query["offset"]
        rows = list(
            selectors.notifications_of(user, unread_only=query["unread_only"])[
                offset : offset + limit
            ]
        )
        return Response(
            {
                "items": serializers.NotificationSerializer(rows, many=True).data,
                "total": len(rows),
                "unread_count": selectors.unread_count(user),
                "has_more": len(rows) == limit,
            }
        )


@extend_schema(tags=["vendors"])
class NotificationsUnreadCountView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(responses={200: _JSON})
    def get(self, request: Request) -> Response:
        _vendor(request)
        return Response({"count": selectors.unread_count(_user(request))})


@extend_schema(tags=["vendors"])
class NotificationsMarkAllReadView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(request=None, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        _vendor(request)
        count = services.notifications_mark_all_read(user=_user(request))
        return Response(
            {
                "ok": True,
                "updated_count": count,
                "message": f"Marked {count} notification(s) as read",
            }
        )


@extend_schema(tags=["vendors"])
class NotificationReadView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(request=None, responses={200: _JSON})
    def post(self, request: Request, notification_id: int) -> Response:
        _vendor(request)
        services.notification_mark_read(user=_user(request), notification_id=notification_id)
        return Response({"ok": True, "notification_id": notification_id})


@extend_schema(tags=["vendors"])
class NotificationView(APIView):
    permission_classes = [IsVendor]

    @extend_schema(responses={200: _JSON})
    def delete(self, request: Request, notification_id: int) -> Response:
        _vendor(request)
        services.notification_delete(user=_user(request), notification_id=notification_id)
        return Response({"ok": True, "notification_id": notification_id})


# --- Settlements ------------------------------------------------------------------------------


def _summary_vendor_id(request: Request, vendor_id: int | None) -> int:
    """Staff name the vendor; a vendor sees only their own (vendor_id is ignored for them)."""
    user = _user(request)
    if user.role == Role.VENDOR and not user.is_staff:
        return selectors.vendor_of_user(user).pk
    if vendor_id is None:
        raise InvalidInput.for_field("vendor_id", "name the vendor.")
    return selectors.vendor_get(vendor_id).pk


@extend_schema(tags=["vendors"])
class PaymentSummaryView(APIView):
    permission_classes = [IsStaffOrVendor]

    @extend_schema(parameters=[serializers.SummaryQuerySerializer], responses={200: _JSON})
    def get(self, request: Request) -> Response:
        query = _valid(serializers.SummaryQuerySerializer, request.query_params)
        vendor_id = _summary_vendor_id(request, query.get("vendor_id"))
        window = selectors.summary_window(query["period"])
        lines, totals = selectors.summary_page(
            vendor_id, window, include_unverified=query["include_unverified"]
        )
        return Response(
            {
                "period": window.period.label,
                "start_date": documents.naive_utc(window.start),
                "end_date": documents.naive_utc(window.end),
                "total_items": totals["total_items"],
                "total_amount": totals["total_amount"],
                "unsettled_amount": totals["unsettled_amount"],
                "items": [documents.summary_item(line) for line in lines],
            }
        )


@extend_schema(tags=["vendors"])
class PaymentInvoiceView(APIView):
    permission_classes = [IsStaffOrVendor]
    # Its `format` parameter (json or pdf) is the legacy's, not DRF's renderer override.
    content_negotiation_class = IgnoreAcceptHeader

    @extend_schema(
        parameters=[serializers.InvoiceQuerySerializer],
        responses={200: _JSON, (200, "application/pdf"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> HttpResponseBase:
        query = _valid(serializers.InvoiceQuerySerializer, request.query_params)
        invoice = documents.InvoiceRequest(
            vendor_id=_summary_vendor_id(request, query.get("vendor_id")),
            period=query["period"],
            include_unverified=query["include_unverified"],
            settled_only=query["settled_only"],
            booking_id=query.get("booking_id"),
            day=timezone.localdate(),
        )
        empty = (
            "No settled items available for invoice generation. Please settle items first."
            if invoice.settled_only
            else None
        )
        if query["format"] == "json":
            data = documents.invoice_data(invoice)
            if data is None:
                raise NoInvoiceItems(empty)
            return Response(data)
        document = documents.invoice_document(invoice)
        if document is None:
            raise NoInvoiceItems(empty)
        return documents.invoice_response(request, invoice, document)


@extend_schema(tags=["vendors"])
class SettleView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.SettleSerializer, responses={200: _JSON, 409: None})
    def post(self, request: Request) -> Response:
        body = _valid(serializers.SettleSerializer, request.data)
        count = services.settle_by_hand(item_ids=body["booking_item_ids"], actor=_user(request))
        return Response(
            {
                "ok": True,
                "settled_count": count,
                "total_items": count,
                "message": f"Marked {count} item(s) as payment settled",
            }
        )


def _prepared(prepared: services.Prepared, **extra: Any) -> dict[str, Any]:
    return {
        "ok": True,
        "order_id": prepared.payment.order_id,
        "amount": prepared.settlement.amount,
        "currency": prepared.payment.currency,
        "booking_item_ids": prepared.item_ids,
        "item_count": len(prepared.item_ids),
        **extra,
    }


@extend_schema(tags=["vendors"])
class PreparePaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.SettleSerializer, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        body = _valid(serializers.SettleSerializer, request.data)
        prepared = services.prepare_payment(item_ids=body["booking_item_ids"], actor=_user(request))
        return Response(_prepared(prepared))


@extend_schema(tags=["vendors"])
class PrepareBulkPaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.PrepareBulkSerializer, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        body = _valid(serializers.PrepareBulkSerializer, request.data)
        prepared = services.prepare_bulk_payment(actor=_user(request), **body)
        return Response(_prepared(prepared, vendor_id=prepared.settlement.vendor_id))


def _verify(request: Request, *, bulk: bool) -> Response:
    body = _valid(serializers.VerifyPaymentSerializer, request.data)
    if bulk and body.get("vendor_id") is None:
        raise InvalidInput("vendor_id and booking_item_ids are required", code="invalid")
    data = body["payment_data"]
    settlement, count = services.verify_payment(
        actor=_user(request),
        order_id=data["order_id"],
        payment_id=data["payment_id"],
        signature=data["signature"],
        item_ids=body["booking_item_ids"],
        vendor_id=body.get("vendor_id"),
    )
    kind = "Bulk vendor payment" if bulk else "Vendor payment"
    answer: dict[str, Any] = {
        "ok": True,
        "message": f"{kind} verified and {count} item(s) marked as settled",
        "payment_id": settlement.payment_id,
        "settled_count": count,
    }
    if bulk:
        answer["vendor_id"] = settlement.vendor_id
    return Response(answer)


@extend_schema(tags=["vendors"])
class VerifyPaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.VerifyPaymentSerializer, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        return _verify(request, bulk=False)


@extend_schema(tags=["vendors"])
class VerifyBulkPaymentView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=serializers.VerifyPaymentSerializer, responses={200: _JSON})
    def post(self, request: Request) -> Response:
        return _verify(request, bulk=True)
