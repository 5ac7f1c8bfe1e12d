"""Customer-staff threads, the clients screen, badges and customer notifications, with the
legacy's paths and shapes (admin_client.py, admin_clients.py, admin_bookings.py,
client_notifications.py)."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from accounts.api.auth import authenticated_user
from accounts.choices import Role
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.permissions import IsStaff
from messaging import guests, notifications, selectors, services
from messaging.api import serializers
from notify import selectors as notify_selectors


class IsCustomer(BasePermission):
    """Customers (and staff, as the legacy let admins in); vendors and brokers get 403."""

    message = "Customers only"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(
            user.is_authenticated
            and (user.is_staff or getattr(user, "role", None) == Role.CUSTOMER)
        )


CUSTOMER = [IsAuthenticated, IsCustomer]


def _valid[S: BaseSerializer[Any]](serializer: S) -> S:
    serializer.is_valid(raise_exception=True)
    return serializer


# --- Threads: the customer's side -----------------------------------------------------------


@extend_schema(tags=["messages"], responses=OpenApiTypes.OBJECT)
class CustomerThreadsView(APIView):
    """GET /client/messages/threads (app/(tabs)/messages.tsx)."""

    permission_classes = CUSTOMER

    def get(self, request: Request) -> Response:
        threads = selectors.customer_threads(authenticated_user(request).pk)
        data = serializers.CustomerThreadSerializer(threads, many=True).data
        return Response({"threads": data, "count": len(data)})


@extend_schema(tags=["messages"], responses=OpenApiTypes.OBJECT)
class CustomerThreadView(APIView):
    """GET /client/messages/thread/{thread_id}: opening it marks staff messages read."""

    permission_classes = CUSTOMER

    def get(self, request: Request, key: str) -> Response:
        thread = services.thread_open(actor=authenticated_user(request), key=key, as_staff=False)
        messages = selectors.thread_messages(thread)
        return Response(serializers.thread_body(thread, messages, for_staff=False))


@extend_schema(
    tags=["messages"], request=serializers.ComposeSerializer, responses=OpenApiTypes.OBJECT
)
class CustomerComposeView(APIView):
    """POST /client/messages: a new thread to the staff."""

    permission_classes = CUSTOMER

    def post(self, request: Request) -> Response:
        body = _valid(serializers.ComposeSerializer(data=request.data))
        thread, message = services.thread_start_by_customer(
            customer=authenticated_user(request), compose=body.compose()
        )
        return Response({"ok": True, "thread_id": thread.key, "message_id": message.pk})


@extend_schema(
    tags=["messages"], request=serializers.ReplySerializer, responses=OpenApiTypes.OBJECT
)
class CustomerReplyView(APIView):
    """POST /client/messages/threads/{thread_id}/reply."""

    permission_classes = CUSTOMER

    def post(self, request: Request, key: str) -> Response:
        body = _valid(serializers.ReplySerializer(data=request.data))
        message = services.thread_reply(
            actor=authenticated_user(request),
            key=key,
            body=body.validated_data["message"],
            as_staff=False,
        )
        return Response({"ok": True, "message_id": message.pk})


# --- Threads: the staff's side --------------------------------------------------------------


@extend_schema(tags=["messages"], responses=OpenApiTypes.OBJECT)
class StaffThreadsView(APIView):
    """GET /admin/client-messages/threads[?client_id=] (app/admin/client-messages.tsx)."""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        raw = request.query_params.get("client_id") or ""
        client_id = int(raw) if raw.isdigit() and len(raw) <= 18 else None
        threads = selectors.staff_threads(client_id)
        data = serializers.StaffThreadSerializer(threads, many=True).data
        return Response({"threads": data, "count": len(data)})


@extend_schema(tags=["messages"], responses=OpenApiTypes.OBJECT)
class StaffThreadView(APIView):
    """GET /admin/client-messages/thread/{thread_id}: opening it marks the customer's
    messages read."""

    permission_classes = [IsStaff]

    def get(self, request: Request, key: str) -> Response:
        thread = services.thread_open(actor=authenticated_user(request), key=key, as_staff=True)
        messages = selectors.thread_messages(thread)
        return Response(serializers.thread_body(thread, messages, for_staff=True))


@extend_schema(
    tags=["messages"], request=serializers.StaffComposeSerializer, responses=OpenApiTypes.OBJECT
)
class StaffComposeView(APIView):
    """POST /admin/client-messages: staff start a thread with a customer."""

    permission_classes = [IsStaff]

    def post(self, request: Request) -> Response:
        body = _valid(serializers.StaffComposeSerializer(data=request.data))
        thread, message = services.thread_start_by_staff(
            staff=authenticated_user(request),
            client_id=body.validated_data["client_id"],
            compose=body.compose(),
        )
        return Response({"ok": True, "thread_id": thread.key, "message_id": message.pk})


@extend_schema(
    tags=["messages"], request=serializers.ReplySerializer, responses=OpenApiTypes.OBJECT
)
class StaffReplyView(APIView):
    """POST /admin/client-messages/threads/{thread_id}/reply."""

    permission_classes = [IsStaff]

    def post(self, request: Request, key: str) -> Response:
        body = _valid(serializers.ReplySerializer(data=request.data))
        message = services.thread_reply(
            actor=authenticated_user(request),
            key=key,
            body=body.validated_data["message"],
            as_staff=True,
        )
        return Response({"ok": True, "message_id": message.pk})


# --- Clients screen and badges --------------------------------------------------------------


@extend_schema(tags=["clients"], responses=OpenApiTypes.OBJECT)
class ClientListView(APIView):
    """GET /admin/clients?search=&limit=50&offset=0 (app/admin/clients/index.tsx)."""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        query = _valid(serializers.ClientListQuerySerializer(data=request.query_params))
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        page = selectors.clients_page(
            search=query.validated_data["search"], limit=limit, offset=offset
        )
        stats = page.stats
        return Response(
            {
                "items": serializers.ClientRowSerializer(page.rows, many=True).data,
                "meta": {
                    "total": page.total,
                    "limit": limit,
                    "offset": offset,
                    "stats": {
                        "total_clients": stats["total_clients"],
                        "active_bookings": stats["active_bookings"],
                        "pending_bookings": stats["pending_bookings"],
                        "total_revenue": float(stats["total_revenue"]),
                    },
                },
            }
        )


@extend_schema(tags=["clients"], request=None, responses=OpenApiTypes.OBJECT)
class ClientsMarkViewedView(APIView):
    """POST /admin/clients/mark-viewed: the new-clients badge starts again from zero."""

    permission_classes = [IsStaff]

    def post(self, request: Request) -> Response:
        services.clients_mark_viewed()
        return Response({"ok": True, "message": "All clients marked as viewed"})


@extend_schema(tags=["clients"], responses=OpenApiTypes.OBJECT)
class BadgeCountsView(APIView):
    """GET /admin/badges/counts (contexts/BadgeContext.tsx): {new_bookings, new_clients}."""

    permission_classes = [IsStaff]

    def get(self, request: Request) -> Response:
        return Response(selectors.badge_counts())


@extend_schema(
    tags=["clients"], request=serializers.SuspendSerializer, responses=OpenApiTypes.OBJECT
)
class CustomerSuspendView(APIView):
    """POST /admin/customers/{id}/suspend, a form with suspended_until ("" lifts it)."""

    permission_classes = [IsStaff]

    def post(self, request: Request, user_id: int) -> Response:
        body = _valid(serializers.SuspendSerializer(data=request.data))
        customer = services.customer_suspend(
            customer_id=user_id, until=body.validated_data["suspended_until"]
        )
        return Response(
            {
                "ok": True,
                "user_id": customer.pk,
                "suspended_until": NaiveUtcDateTimeField().to_representation(
                    customer.suspended_until
                )
                if customer.suspended_until
                else None,
                "is_suspended": customer.is_suspended,
            }
        )


# --- Customer notifications -----------------------------------------------------------------


@extend_schema(tags=["notifications"], responses=OpenApiTypes.OBJECT)
class NotificationListView(APIView):
    """GET /client/notifications?limit=100 (app/notifications.tsx): {items, unread_count}."""

    permission_classes = CUSTOMER

    def get(self, request: Request) -> Response:
        query = _valid(serializers.NotificationListQuerySerializer(data=request.query_params))
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        rows = notifications.notifications_of(
            authenticated_user(request).pk, unread_only=query.validated_data["unread_only"]
        )[offset : offset + limit]
        return Response(
            {
                "items": serializers.NotificationSerializer(rows, many=True).data,
                "unread_count": notify_selectors.unread_count(authenticated_user(request).pk).count,
            }
        )


@extend_schema(tags=["notifications"], request=None, responses=OpenApiTypes.OBJECT)
class NotificationReadView(APIView):
    """POST /client/notifications/{id}/read."""

    permission_classes = CUSTOMER

    def post(self, request: Request, notification_id: int) -> Response:
        notifications.notification_mark_read(
            user_id=authenticated_user(request).pk, notification_id=notification_id
        )
        return Response({"ok": True})


@extend_schema(tags=["notifications"], request=None, responses=OpenApiTypes.OBJECT)
class NotificationMarkAllReadView(APIView):
    """POST /client/notifications/mark-all-read: {updated}."""

    permission_classes = CUSTOMER

    def post(self, request: Request) -> Response:
        return Response(
            {
                "updated": notifications.notifications_mark_all_read(
                    user_id=authenticated_user(request).pk
                )
            }
        )


@extend_schema(tags=["notifications"], responses=OpenApiTypes.OBJECT)
class NotificationDeleteView(APIView):
    """DELETE /client/notifications/{id}."""

    permission_classes = CUSTOMER

    def delete(self, request: Request, notification_id: int) -> Response:
        notifications.notification_delete(
            user_id=authenticated_user(request).pk, notification_id=notification_id
        )
        return Response({"ok": True})


@extend_schema(tags=["notifications"], responses=OpenApiTypes.OBJECT)
class NotificationClearView(APIView):
    """DELETE /client/notifications/clear-all: {deleted}."""

    permission_classes = CUSTOMER

    def delete(self, request: Request) -> Response:
        return Response(
            {"deleted": notifications.notifications_clear(user_id=authenticated_user(request).pk)},
            status=status.HTTP_200_OK,
        )


# --- Guest notifications --------------------------------------------------------------------


@extend_schema(tags=["bookings"], request=None, responses=OpenApiTypes.OBJECT)
class NotifyGuestsView(APIView):
    """POST /bookings/{id}/notify-guests (payment-main.tsx, after a paid booking): the guests
    who need transport are told their pickup is scheduled. Messages are queued, not sent here:
    `sent_count` counts those queued by this call (the screen reads nothing of the answer)."""

    permission_classes = [IsAuthenticated]

    def post(self, request: Request, booking_id: int) -> Response:
        outcomes = guests.guests_notify(actor=authenticated_user(request), booking_id=booking_id)
        if not outcomes:
            return Response(
                {
                    "success": True,
                    "message": "No guests with transportation needs found",
                    "sent_count": 0,
                    "failed_count": 0,
                    "details": [],
                }
            )
        queued = sum(1 for outcome in outcomes if outcome.status == "queued")
        failed = sum(1 for outcome in outcomes if outcome.status == "invalid_mobile")
        return Response(
            {
                "success": failed < len(outcomes),
                "message": f"Queued {queued} messages, {failed} failed",
                "sent_count": queued,
                "failed_count": failed,
                "details": [
                    {
                        "guest_name": outcome.guest.name,
                        "mobile": outcome.mobile,
                        "status": outcome.status,
                        "message": outcome.message,
                    }
                    for outcome in outcomes
                ],
            }
        )
