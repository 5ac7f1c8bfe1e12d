"""Offers and coupons: the checkout's check/apply, and the staff screens, in the legacy's
paths and shapes."""

from django.db.models import Model, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from accounts.models import User
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.permissions import IsStaff
from lebrq.errors import Conflict, InvalidInput, NotFound
from offers import services
from offers.api import serializers
from offers.choices import OfferType
from offers.models import Coupon, CouponUsage, Offer, OfferNotification, OfferUsage
from offers.tasks import offer_notify_all

# Staff lists: all offers and coupons (a venue has tens); usage histories capped.
MAX_RULES = 500
MAX_USAGES = 1000


class CheckView(APIView):
    """GET /offers/check: what applies now for the caller (a token is optional)."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[serializers.CheckQuerySerializer],
        responses=OpenApiTypes.OBJECT,
        tags=["offers"],
    )
    def get(self, request: Request) -> Response:
        query = serializers.CheckQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        user = (
            request.user if isinstance(request.user, User) and not request.user.is_staff else None
        )
        return Response(
            services.applicable(
                user=user,
                coupon_code=query.validated_data["coupon_code"],
                amount=query.validated_data["purchase_amount"],
                is_rack=query.validated_data["is_rack_purchase"],
            )
        )


class ApplyView(APIView):
    @extend_schema(
        request=serializers.ApplySerializer, responses=OpenApiTypes.OBJECT, tags=["offers"]
    )
    def post(self, request: Request) -> Response:
        body = serializers.ApplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        applied = services.discount_apply(
            user=authenticated_user(request),
            offer_id=data.get("offer_id"),
            offer_type=data.get("offer_type") or "",
            coupon_code=data.get("coupon_code") or "",
            purchase_amount=data["purchase_amount"],
            booking_id=data.get("booking_id"),
        )
        return Response(
            {
                "success": True,
                "discount_amount": float(applied.discount_amount),
                "original_amount": float(applied.purchase_amount),
                "final_amount": float(applied.final_amount),
                "applied_offer": applied.entry,
            }
        )


def _bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if raw.lower() not in ("true", "false", "1", "0"):
        raise ValidationError({name: ["true or false"]})
    return raw.lower() in ("true", "1")


class StaffOfferListView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"], operation_id="admin_offers_list")
    def get(self, request: Request) -> Response:
        offers = Offer.objects.all()
        kind = request.query_params.get("offer_type")
        if kind:
            offers = offers.filter(offer_type=kind)
        active = _bool(request, "is_active")
        if active is not None:
            offers = offers.filter(is_active=active)
        rows = offers.order_by("-priority", "-created_at", "-id")[:MAX_RULES]
        return Response({"offers": serializers.OfferSerializer(rows, many=True).data})

    @extend_schema(
        request=serializers.OfferSerializer, responses=OpenApiTypes.OBJECT, tags=["staff"]
    )
    def post(self, request: Request) -> Response:
        body = serializers.OfferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        offer = body.save(created_by=authenticated_user(request))
        return Response(
            {"success": True, "offer": serializers.OfferSerializer(offer).data, "id": offer.pk},
            status=status.HTTP_201_CREATED,
        )


def _get[M: Model](queryset: QuerySet[M], pk: int, what: str) -> M:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"{what} not found")
    return found


class StaffOfferView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.OfferSerializer, tags=["staff"])
    def get(self, request: Request, offer_id: int) -> Response:
        return Response(
            serializers.OfferSerializer(_get(Offer.objects.all(), offer_id, "Offer")).data
        )

    @extend_schema(
        request=serializers.OfferSerializer, responses=OpenApiTypes.OBJECT, tags=["staff"]
    )
    def put(self, request: Request, offer_id: int) -> Response:
        offer = _get(Offer.objects.all(), offer_id, "Offer")
        body = serializers.OfferSerializer(offer, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        body.save()
        return Response({"success": True, "offer": body.data})

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def delete(self, request: Request, offer_id: int) -> Response:
        offer = _get(Offer.objects.all(), offer_id, "Offer")
        if offer.usages.exists():
            raise Conflict(
                "This offer has been used on bookings; deactivate it instead.", code="offer_in_use"
            )
        offer.delete()
        return Response({"success": True, "message": "Offer deleted"})


class StaffOfferUsageView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request, offer_id: int) -> Response:
        offer = _get(Offer.objects.all(), offer_id, "Offer")
        usages = OfferUsage.objects.filter(offer=offer).order_by("-used_at", "-id")[:MAX_USAGES]
        return Response(
            {
                "offer_id": offer.pk,
                "offer_title": offer.title,
                "total_usage": OfferUsage.objects.filter(offer=offer).count(),
                "usage_history": serializers.UsageSerializer(usages, many=True).data,
            }
        )


class StaffOfferUsersView(APIView):
    """Customers and whether each was told about the offer (bounded)."""

    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request, offer_id: int) -> Response:
        offer = _get(Offer.objects.all(), offer_id, "Offer")
        users = list(
            User.objects.filter(is_staff=False).order_by("-id")[
                :MAX_USAGES
            ]  # newest first, on the primary key
        )
        told = {
            n.user_id: n
            for n in OfferNotification.objects.filter(
                offer=offer, user_id__in=[u.pk for u in users]
            )
        }
        rows = []
        for user in users:
            note = told.get(user.pk)
            rows.append(
                {
                    "id": user.pk,
                    "name": user.display_name,
                    "username": user.username,
                    "mobile": user.mobile,
                    "email": user.email or None,
                    "is_informed": note is not None,
                    "informed_at": NaiveUtcDateTimeField().to_representation(note.notified_at)
                    if note
                    else None,
                    "channels": {
                        "whatsapp": bool(note and note.whatsapp_sent),
                        "sms": bool(note and note.sms_sent),
                        "email": bool(note and note.email_sent),
                    },
                }
            )
        return Response(
            {
                "offer_id": offer.pk,
                "offer_title": offer.title,
                "total_users": len(rows),
                "informed_count": len(told),
                "users": rows,
            }
        )


class StaffOfferNotifyAllView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT, tags=["staff"])
    def post(self, request: Request, offer_id: int) -> Response:
        offer = _get(Offer.objects.all(), offer_id, "Offer")
        if offer.offer_type != OfferType.FESTIVAL:
            raise InvalidInput(
                "Only festival offers can be broadcast to all users", code="not_festival"
            )
        offer_notify_all.enqueue(offer.pk, authenticated_user(request).pk)
        return Response(
            {
                "success": True,
                "message": "Customers are being told in the background.",
                "queued": True,
            }
        )


class StaffCouponListView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"], operation_id="admin_coupons_list")
    def get(self, request: Request) -> Response:
        coupons = Coupon.objects.all()
        active = _bool(request, "is_active")
        if active is not None:
            coupons = coupons.filter(is_active=active)
        rows = coupons.order_by("-created_at", "-id")[:MAX_RULES]
        return Response({"coupons": serializers.CouponSerializer(rows, many=True).data})

    @extend_schema(
        request=serializers.CouponSerializer, responses=OpenApiTypes.OBJECT, tags=["staff"]
    )
    def post(self, request: Request) -> Response:
        body = serializers.CouponSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        coupon = body.save(created_by=authenticated_user(request))
        return Response(
            {"success": True, "coupon": serializers.CouponSerializer(coupon).data, "id": coupon.pk},
            status=status.HTTP_201_CREATED,
        )


class StaffCouponView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=serializers.CouponSerializer, tags=["staff"])
    def get(self, request: Request, coupon_id: int) -> Response:
        return Response(
            serializers.CouponSerializer(_get(Coupon.objects.all(), coupon_id, "Coupon")).data
        )

    @extend_schema(
        request=serializers.CouponSerializer, responses=OpenApiTypes.OBJECT, tags=["staff"]
    )
    def put(self, request: Request, coupon_id: int) -> Response:
        coupon = _get(Coupon.objects.all(), coupon_id, "Coupon")
        body = serializers.CouponSerializer(coupon, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        body.save()
        return Response({"success": True, "coupon": body.data})

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def delete(self, request: Request, coupon_id: int) -> Response:
        coupon = _get(Coupon.objects.all(), coupon_id, "Coupon")
        if coupon.usages.exists():
            raise Conflict(
                "This coupon has been used on bookings; deactivate it instead.",
                code="coupon_in_use",
            )
        coupon.delete()
        return Response({"success": True, "message": "Coupon deleted"})


class StaffCouponUsageView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses=OpenApiTypes.OBJECT, tags=["staff"])
    def get(self, request: Request, coupon_id: int) -> Response:
        coupon = _get(Coupon.objects.all(), coupon_id, "Coupon")
        usages = CouponUsage.objects.filter(coupon=coupon).order_by("-used_at", "-id")
        return Response(
            {
                "coupon_id": coupon.pk,
                "coupon_code": coupon.code,
                "coupon_title": coupon.title,
                "total_usage": usages.count(),
                "usage_history": serializers.UsageSerializer(usages[:MAX_USAGES], many=True).data,
            }
        )
