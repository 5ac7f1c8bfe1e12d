"""Racks, their products and orders, with the legacy's paths and shapes (routers/racks.py).

Anyone (the shop page opened from a rack's QR code sends no token; the staff screen lists
racks with the customer's token): GET /racks, /racks/{id}, /racks/code/{code},
/racks/products/all. Staff (the legacy's get_current_admin): everything under /racks/admin.
Logged in: POST /racks/orders; the order's customer or staff: GET /racks/orders/{id} and its
surprise-gift details.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from lebrq.api.permissions import IsStaff
from lebrq.api.replica import ReadsFromReplica
from lebrq.api.views import PublicAPIView
from racks import selectors, services
from racks.api import serializers

_STAFF_ERRORS = {
    401: OpenApiResponse(description="Not logged in."),
    403: OpenApiResponse(description="Not staff."),
}


def _deleted(what: str) -> dict[str, Any]:
    return {"ok": True, "message": f"{what} deleted"}


# --- Public ----------------------------------------------------------------------------------


@extend_schema(tags=["racks"])
class RackListView(ReadsFromReplica, PublicAPIView):
    @extend_schema(
        parameters=[serializers.ListQuerySerializer],
        responses=serializers.RackSerializer(many=True),
        summary=f"Racks with their products (at most {selectors.RACKS_CAP} racks)",
    )
    def get(self, request: Request) -> Response:
        query = serializers.ListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        racks = selectors.rack_list(active_only=query.validated_data["active_only"])
        return Response(serializers.RackSerializer(racks, many=True).data)


@extend_schema(tags=["racks"])
class RackItemView(PublicAPIView):
    @extend_schema(responses={200: serializers.RackSerializer, 404: None}, summary="A rack")
    def get(self, request: Request, rack_id: int) -> Response:
        return Response(serializers.RackSerializer(selectors.rack_get(rack_id=rack_id)).data)


@extend_schema(tags=["racks"])
class RackByCodeView(PublicAPIView):
    @extend_schema(
        responses={200: serializers.RackSerializer, 404: None},
        summary="A rack by the code its QR code carries",
    )
    def get(self, request: Request, code: str) -> Response:
        return Response(serializers.RackSerializer(selectors.rack_get(code=code)).data)


@extend_schema(tags=["racks"])
class ProductListView(ReadsFromReplica, PublicAPIView):
    @extend_schema(
        parameters=[serializers.ProductListQuerySerializer],
        responses=serializers.RackProductSerializer(many=True),
        summary=f"Products of every rack (at most {selectors.ALL_PRODUCTS_CAP})",
    )
    def get(self, request: Request) -> Response:
        query = serializers.ProductListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        products = selectors.product_list(
            active_only=query.validated_data["active_only"],
            status=query.validated_data["status_filter"],
        )
        return Response(serializers.RackProductSerializer(products, many=True).data)


# --- Staff -----------------------------------------------------------------------------------


@extend_schema(tags=["racks"])
class RackCreateView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.RackWriteSerializer,
        responses={201: serializers.RackSerializer, 400: None, 409: None, **_STAFF_ERRORS},
    )
    def post(self, request: Request) -> Response:
        body = serializers.RackWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rack = services.rack_create(values=body.values())
        return Response(serializers.RackSerializer(rack).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["racks"])
class RackAdminItemView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.RackWriteSerializer,
        responses={200: serializers.RackSerializer, 400: None, 404: None, 409: None},
    )
    def patch(self, request: Request, rack_id: int) -> Response:
        body = serializers.RackWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        rack = services.rack_update(rack_id=rack_id, values=body.values())
        return Response(serializers.RackSerializer(rack).data)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: None, 409: None},
        summary="Delete a rack and its products (a rack with orders: 409, deactivate it)",
    )
    def delete(self, request: Request, rack_id: int) -> Response:
        # 200 with a body, not the legacy's 204: lib/api-racks.ts parses every success as
        # JSON, so an empty 204 made the screen report a failed delete that had worked.
        services.rack_delete(rack_id=rack_id)
        return Response(_deleted("Rack"))


@extend_schema(tags=["racks"])
class DefaultRackView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={200: serializers.RackSerializer, **_STAFF_ERRORS})
    def get(self, request: Request) -> Response:
        rack = services.default_rack()
        # The legacy answered this rack with an empty product list, whatever it held.
        return Response({**serializers.RackSerializer(rack).data, "products": []})


@extend_schema(tags=["racks"])
class RackQrView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=None,
        responses={200: serializers.RackQrSerializer, 404: None, **_STAFF_ERRORS},
        summary="The rack's QR code (PNG data URI) and the shop address it opens",
    )
    def post(self, request: Request, rack_id: int) -> Response:
        return Response(serializers.RackQrSerializer(selectors.rack_qr(rack_id=rack_id)).data)


@extend_schema(tags=["racks"])
class ProductCreateView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.ProductWriteSerializer,
        responses={201: serializers.RackProductSerializer, 400: None, 404: None, **_STAFF_ERRORS},
    )
    def post(self, request: Request, rack_id: int) -> Response:
        body = serializers.ProductWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        product = services.product_create(rack_id=rack_id, values=body.values())
        return Response(
            serializers.RackProductSerializer(product).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["racks"])
class ProductAdminItemView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.ProductWriteSerializer,
        responses={200: serializers.RackProductSerializer, 400: None, 404: None},
    )
    def patch(self, request: Request, product_id: int) -> Response:
        body = serializers.ProductWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        product = services.product_update(product_id=product_id, values=body.values())
        return Response(serializers.RackProductSerializer(product).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 404: None})
    def delete(self, request: Request, product_id: int) -> Response:
        services.product_delete(product_id=product_id)
        return Response(_deleted("Product"))


@extend_schema(tags=["racks"])
class StaffOrderListView(ReadsFromReplica, APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        parameters=[serializers.StaffOrderQuerySerializer],
        responses={200: OpenApiTypes.OBJECT, **_STAFF_ERRORS},
        summary="Orders, newest first: {orders, total, page, page_size} (at most 500 a page)",
    )
    def get(self, request: Request) -> Response:
        query = serializers.StaffOrderQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        page = selectors.order_staff_list(
            status=data.get("status") or None,
            payment_status=data.get("payment_status") or None,
            page=data["page"],
            page_size=data["page_size"],
        )
        return Response(
            {
                "orders": serializers.StaffRackOrderSerializer(page.orders, many=True).data,
                "total": page.total,
                "page": page.page,
                "page_size": page.page_size,
            }
        )


# --- Customers ---------------------------------------------------------------------------------


@extend_schema(tags=["racks"])
class OrderCreateView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=serializers.OrderCreateSerializer,
        responses={
            201: serializers.RackOrderSerializer,
            200: serializers.RackOrderSerializer,
            400: None,
            401: None,
            404: None,
            409: None,
            503: None,
        },
        summary=(
            "An order priced by the server: with the checkout's verified payment_id it is "
            "paid (or the payment refunded); without, a Razorpay order to pay is made"
        ),
    )
    def post(self, request: Request) -> Response:
        body = serializers.OrderCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order_request = body.order_request()
        user = authenticated_user(request)
        if order_request.payment_ref is not None:
            order, created = services.order_place_paid(user=user, request=order_request)
        else:
            order, created = services.order_place_unpaid(user=user, request=order_request), True
        order = selectors.order_for_customer(user=user, order_id=order.pk)
        return Response(
            serializers.RackOrderSerializer(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(tags=["racks"])
class OrderItemView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: serializers.RackOrderSerializer, 401: None, 404: None})
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_for_customer(user=authenticated_user(request), order_id=order_id)
        return Response(serializers.RackOrderSerializer(order).data)


@extend_schema(tags=["racks"])
class SurpriseGiftView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=serializers.SurpriseGiftSerializer,
        responses={
            200: serializers.RackOrderSerializer,
            400: None,
            401: None,
            404: None,
            409: None,
        },
        summary="Where the order's surprise gift goes",
    )
    def post(self, request: Request, order_id: int) -> Response:
        body = serializers.SurpriseGiftSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = authenticated_user(request)
        services.surprise_gift_save(user=user, order_id=order_id, gift=body.gift())
        order = selectors.order_for_customer(user=user, order_id=order_id)
        return Response(serializers.RackOrderSerializer(order).data)
