from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.views import PublicAPIView
from notify import selectors
from notify.exceptions import WhatsAppNotConfigured


class UnreadCountSerializer(serializers.Serializer[Any]):
    unread_count = serializers.IntegerField()
    last_updated = NaiveUtcDateTimeField(
        allow_null=True, help_text="When the newest unread notification changed; null if none."
    )
    unchanged = serializers.BooleanField(
        required=False, help_text="Present (true) when last_updated is the one the client sent."
    )


@extend_schema(tags=["notifications"])
class NotificationCountView(APIView):
    """The bell's count (contexts/NotificationCountContext.tsx), polled every minute; the
    client sends back last_updated and slows its polling while the answer is `unchanged`."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="How many of your notifications are unread",
        parameters=[OpenApiParameter("last_updated", str, description="The last answer's.")],
        responses={200: UnreadCountSerializer},
    )
    def get(self, request: Request) -> Response:
        user_id = request.user.pk
        if user_id is None:  # IsAuthenticated lets no anonymous user through; for the types
            raise NotAuthenticated()
        unread = selectors.unread_count(user_id)
        body: dict[str, Any] = dict(
            UnreadCountSerializer(
                {"unread_count": unread.count, "last_updated": unread.last_updated}
            ).data
        )
        sent = request.query_params.get("last_updated")
        if sent and sent == body["last_updated"]:
            body["unchanged"] = True
        return Response(body)


class WhatsAppTestSerializer(serializers.Serializer[Any]):
    phone = serializers.CharField(max_length=32, allow_blank=True)
    template_name = serializers.CharField(max_length=100, allow_null=True, required=False)
    variables = serializers.ListField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        max_length=20,
        allow_null=True,
        required=False,
    )
    language = serializers.CharField(max_length=16, allow_null=True, required=False)


@extend_schema(tags=["notifications"])
class WhatsAppTestView(PublicAPIView):
    """POST /notifications/wa-test, which the payment screens call, without a login, after a
    booking is paid, to send the customer a WhatsApp template with the words they chose.

    It is answered as the legacy answered while Route Mobile was not configured (400; the
    screens ignore the answer): sending a message to any number with any words for anyone
    who asks would make the venue's WhatsApp account an open relay. Booking confirmations are
    the server's to send when a payment is confirmed.
    """

    @extend_schema(
        summary="Not served: WhatsApp messages are sent by the server (legacy test hook)",
        request=WhatsAppTestSerializer,
        responses={400: OpenApiResponse(description="whatsapp_not_configured")},
    )
    def post(self, request: Request) -> Response:
        WhatsAppTestSerializer(data=request.data).is_valid(raise_exception=True)
        raise WhatsAppNotConfigured()
