from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.api.auth import authenticated_user
from accounts.api.serializers import (
    LoginSerializer,
    MeSerializer,
    MessageSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    TokenSerializer,
)
from accounts.models import User
from accounts.services import user_register


def _tokens_for(user: User) -> dict[str, str]:
    refresh = RefreshToken.for_user(user)
    return {
        "access_token": str(refresh.access_token),
        "refresh_token": str(refresh),
        "token_type": "bearer",
    }


class LoginView(APIView):
    """Exchange a username (or e-mail) and password for a Bearer access token."""

    permission_classes = [AllowAny]
    # A stale token the client still sends must not stand in the way of logging in again.
    authentication_classes = []

    def get_authenticate_header(self, request: Request) -> str:
        # With no authenticators DRF would turn a failed login into 403; it is a 401.
        return 'Bearer realm="api"'

    @extend_schema(request=LoginSerializer, responses={200: TokenSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None:
            raise AuthenticationFailed("Invalid credentials.", code="invalid_credentials")
        if user.is_suspended:
            raise PermissionDenied(
                "This account is suspended; please contact support.", code="user_suspended"
            )
        return Response(_tokens_for(user))


class RegisterView(APIView):
    """Create a customer account and log it in."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(request=RegisterSerializer, responses={201: RegisteredSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(**serializer.validated_data)
        body = {"success": True, "id": user.id, "username": user.username, **_tokens_for(user)}
        return Response(body, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The logged-in user."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(authenticated_user(request)).data)


class LogoutView(APIView):
    """Tokens are stateless: the client forgets its token. Kept for the legacy frontend."""

    @extend_schema(request=None, responses=MessageSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        return Response({"message": "Successfully logged out"})
