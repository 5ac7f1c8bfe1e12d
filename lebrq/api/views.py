from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


class PublicAPIView(APIView):
    """A view anyone may call (viewsets put it first among their bases): no login asked, and
    none read, so a stale token the browser still sends can never turn a public page into a
    401."""

    permission_classes = [AllowAny]
    authentication_classes = []
