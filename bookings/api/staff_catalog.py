"""The staff catalog screens (app/admin/items/*) and item media (lib/api.ts ItemMediaAPI).

GET /admin/items, POST /admin/items, DELETE /admin/items/{id}, PUT /admin/catalog/items/{id},
POST /admin/catalog/items/bulk-markup and /bulk-preparation-time: staff only.
GET /items/{id}/media: anyone (item pictures are public). Upload, reorder, edit, primary and
delete of media: staff, and the vendor of the item (the legacy's verify_item_access).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from bookings import catalog_selectors as selectors
from bookings import catalog_services as services
from bookings.api import catalog_serializers as serializers
from bookings.filters import ItemFilter
from bookings.models import Item
from lebrq.api.filters import IdFilter
from lebrq.api.parsers import DepthLimitedJSONParser
from lebrq.api.permissions import IsStaff
from lebrq.api.replica import ReadsFromReplica
from lebrq.api.views import PublicAPIView
from uploads.api.serializers import UploadRequestSerializer
from uploads.api.views import uploaded_files
from uploads.choices import UploadKind
from uploads.parsers import StrictMultiPartParser
from uploads.uploadhandlers import SizeLimitedUploadHandler

_STAFF_ERRORS = {
    401: OpenApiResponse(description="Not logged in."),
    403: OpenApiResponse(description="Not staff."),
}


class StaffItemFilter(ItemFilter):
    """The filters of the staff list (index.tsx loadItems): ItemFilter's plus `vendor_id`."""

    vendor_id = IdFilter(field_name="vendor_id")


def _form(request: Request) -> dict[str, Any]:
    """The body as a mapping (a JSON array body reads as empty)."""
    return request.data if isinstance(request.data, dict) else {}


def _items(ids: list[int], request: Request) -> list[dict[str, Any]]:
    items = selectors.staff_item_list().filter(pk__in=ids)
    data: list[dict[str, Any]] = serializers.StaffItemSerializer(
        items, many=True, context={"request": request}
    ).data  # type: ignore[assignment]  # many=True gives a ReturnList, typed as one dict
    return data


@extend_schema(tags=["staff"])
class StaffItemListView(ReadsFromReplica, GenericAPIView[Item]):
    """GET: every item, available or not, as {items, count}; POST: a new item (form)."""

    permission_classes = [IsStaff]
    serializer_class = serializers.StaffItemSerializer
    filterset_class = StaffItemFilter
    pagination_class = None
    parser_classes = [FormParser, MultiPartParser, DepthLimitedJSONParser]

    def get_queryset(self) -> QuerySet[Item]:
        return selectors.staff_item_list()

    @extend_schema(
        responses={200: serializers.StaffItemListSerializer, **_STAFF_ERRORS},
        summary=f"All items, newest first (at most {selectors.STAFF_ITEM_LIST_MAX_ROWS})",
    )
    def get(self, request: Request) -> Response:
        items = self.filter_queryset(self.get_queryset())
        rows = items[: selectors.STAFF_ITEM_LIST_MAX_ROWS]
        data = self.get_serializer(rows, many=True).data
        count = len(data)
        if count == selectors.STAFF_ITEM_LIST_MAX_ROWS:
            count = items.count()
        return Response({"items": data, "count": count})

    @extend_schema(
        request={"application/x-www-form-urlencoded": serializers.StaffItemCreateSerializer},
        responses={201: serializers.StaffItemSerializer, 400: None, **_STAFF_ERRORS},
        summary="Add an item at the price given (form-urlencoded, as the screen sends it)",
    )
    def post(self, request: Request) -> Response:
        form = serializers.StaffItemCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = services.item_create(changes=form.changes())
        return Response({"ok": True, **self.get_serializer(item).data}, status=201)


@extend_schema(tags=["staff"])
class StaffItemDeleteView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(description="{ok: true}"),
            404: OpenApiResponse(description="No such item."),
            409: OpenApiResponse(description="Booking lines refer to it (item_in_use)."),
            **_STAFF_ERRORS,
        },
        summary="Delete an item no booking refers to, with its pictures",
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.item_delete(item_id=pk)
        return Response({"ok": True})


@extend_schema(tags=["staff"])
class StaffCatalogItemView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.StaffItemUpdateSerializer,
        responses={200: serializers.StaffItemSerializer, 404: None, 400: None, **_STAFF_ERRORS},
        summary="Change an item; a vendor price or markup reprices it",
    )
    def put(self, request: Request, pk: int) -> Response:
        form = serializers.StaffItemUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        item = services.item_update(item_id=pk, changes=form.changes())
        return Response(serializers.StaffItemSerializer(item, context={"request": request}).data)


@extend_schema(tags=["staff"])
class BulkMarkupView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BulkMarkupSerializer,
        responses={200: serializers.BulkResultSerializer, 404: None, 400: None, **_STAFF_ERRORS},
        summary="Set the markup of a vendor's items (or the listed ones) and reprice them",
    )
    def post(self, request: Request) -> Response:
        form = serializers.BulkMarkupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        percent = form.validated_data["markup_percent"]
        ids = services.items_bulk_markup(
            markup_percent=percent,
            vendor_id=form.validated_data.get("vendor_id"),
            item_ids=form.validated_data.get("item_ids"),
        )
        return Response(
            {
                "success": True,
                "message": f"Applied {percent}% markup to {len(ids)} items",
                "updated_count": len(ids),
                "items": _items(ids, request),
            }
        )


@extend_schema(tags=["staff"])
class BulkPreparationTimeView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=serializers.BulkPreparationTimeSerializer,
        responses={200: serializers.BulkResultSerializer, 404: None, 400: None, **_STAFF_ERRORS},
        summary="Set the preparation time of a vendor's items (or the listed ones)",
    )
    def post(self, request: Request) -> Response:
        form = serializers.BulkPreparationTimeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        minutes = form.validated_data["preparation_time_minutes"]
        ids = services.items_bulk_preparation_time(
            minutes=minutes,
            vendor_id=form.validated_data.get("vendor_id"),
            item_ids=form.validated_data.get("item_ids"),
        )
        return Response(
            {
                "success": True,
                "message": f"Set preparation time to {minutes} minutes for {len(ids)} items",
                "updated_count": len(ids),
                "items": _items(ids, request),
            }
        )


# --- Item media --------------------------------------------------------------------------


@extend_schema(tags=["catalog"])
class ItemMediaListView(PublicAPIView):
    @extend_schema(
        responses={200: serializers.ItemMediaListSerializer, 404: None},
        summary="An item's pictures and videos in display order (anyone)",
    )
    def get(self, request: Request, item_id: int) -> Response:
        selectors.item_get(item_id=item_id)
        media = selectors.item_media_list(item_id=item_id)[: services.ITEM_MEDIA_MAX_PER_ITEM]
        data = serializers.ItemMediaSerializer(media, many=True, context={"request": request})
        return Response({"media": data.data})


class _ItemMediaEditView(APIView):
    """Staff, or the vendor of the item."""

    permission_classes = [IsAuthenticated]

    def _item(self, request: Request, item_id: int) -> Item:
        item = selectors.item_get(item_id=item_id)
        services.item_media_check_access(item=item, user=authenticated_user(request))
        return item


@extend_schema(tags=["catalog"])
class ItemMediaUploadView(_ItemMediaEditView):
    parser_classes = [StrictMultiPartParser]

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Videos up to VIDEO_UPLOAD_MAX_FILE_SIZE_MB; the route is in UPLOAD_PATH_REGEX.
        request.upload_handlers = [SizeLimitedUploadHandler(request, UploadKind.VIDEO)]
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": UploadRequestSerializer},
        responses={
            201: serializers.ItemMediaUploadResultSerializer,
            400: None,
            413: None,
            415: None,
            **_STAFF_ERRORS,
        },
        summary="Add pictures (media_type image) or videos (video) in the field `files`",
    )
    def post(self, request: Request, item_id: int) -> Response:
        item = self._item(request, item_id)
        media_type = str(_form(request).get("media_type") or "image")
        media = services.item_media_upload(
            item=item,
            uploaded_files=uploaded_files(request),
            media_type=media_type,
            owner=authenticated_user(request),
        )
        data = serializers.ItemMediaSerializer(media, many=True, context={"request": request})
        message = f"Successfully uploaded {len(media)} {media_type}(s)"
        return Response({"message": message, "media": data.data}, status=201)


@extend_schema(tags=["catalog"])
class ItemMediaReorderView(_ItemMediaEditView):
    @extend_schema(
        request=serializers.ItemMediaOrderSerializer,
        responses={200: OpenApiResponse(description="{message}"), 400: None, **_STAFF_ERRORS},
        summary="Put the listed media first, in this order (form field media_ids, repeated)",
    )
    def patch(self, request: Request, item_id: int) -> Response:
        item = self._item(request, item_id)
        data = request.data
        ids = (
            data.getlist("media_ids")
            if isinstance(data, QueryDict)
            else _form(request).get("media_ids")
        )
        form = serializers.ItemMediaOrderSerializer(data={"media_ids": ids})
        form.is_valid(raise_exception=True)
        services.item_media_reorder(item=item, media_ids=form.validated_data["media_ids"])
        return Response({"message": "Media reordered successfully"})


@extend_schema(tags=["catalog"])
class ItemMediaDetailView(_ItemMediaEditView):
    @extend_schema(
        request=serializers.ItemMediaEditSerializer,
        responses={200: OpenApiResponse(description="{message, media: {id, title, description}}")},
        summary="Change a picture's title or description",
    )
    def patch(self, request: Request, item_id: int, media_id: int) -> Response:
        self._item(request, item_id)
        form = serializers.ItemMediaEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        media = services.item_media_update(
            media=selectors.item_media_get(item_id=item_id, media_id=media_id),
            title=form.validated_data.get("title"),
            description=form.validated_data.get("description"),
        )
        return Response(
            {
                "message": "Media updated successfully",
                "media": {
                    "id": media.pk,
                    "title": media.title or None,
                    "description": media.description or None,
                },
            }
        )

    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(description="{message, id}")},
        summary="Delete a picture or video and its file",
    )
    def delete(self, request: Request, item_id: int, media_id: int) -> Response:
        self._item(request, item_id)
        media = selectors.item_media_get(item_id=item_id, media_id=media_id)
        services.item_media_delete(media=media)
        return Response({"message": "Media deleted successfully", "id": media_id})


@extend_schema(tags=["catalog"])
class ItemMediaPrimaryView(_ItemMediaEditView):
    @extend_schema(
        request=None,
        responses={200: OpenApiResponse(description="{message, media: {id, is_primary}}")},
        summary="Make this the item's primary picture",
    )
    def patch(self, request: Request, item_id: int, media_id: int) -> Response:
        self._item(request, item_id)
        media = services.item_media_set_primary(
            media=selectors.item_media_get(item_id=item_id, media_id=media_id)
        )
        return Response(
            {
                "message": "Primary media updated",
                "media": {"id": media.pk, "is_primary": media.is_primary},
            }
        )
