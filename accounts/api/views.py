from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenRefreshSerializer
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts.api.auth import authenticated_user
from accounts.api.serializers import (
    ChangePasswordSerializer,
    DemoUserSerializer,
    LoginSerializer,
    LogoutSerializer,
    MeSerializer,
    MessageSerializer,
    MobileSerializer,
    OtpCheckSerializer,
    OtpResultSerializer,
    ProfileUpdateSerializer,
    RegisteredBrokerSerializer,
    RegisteredSerializer,
    RegisterSerializer,
    ResetPasswordSerializer,
    SuccessSerializer,
    TokenSerializer,
    UserListEntrySerializer,
    UserListSerializer,
)
from accounts.models import User
from accounts.otp import otp_send, otp_verify
from accounts.selectors import user_list
from accounts.services import (
    demo_user_ensure,
    user_change_password,
    user_needs_approval,
    user_register,
    user_reset_password,
    user_update_profile,
)
from accounts.tokens import (
    AUTH_STATE_CLAIM,
    auth_state,
    token_matches_user,
    tokens_for,
    tokens_revoke_on_logout,
)
from lebrq.api.pagination import PagePagination
from lebrq.api.permissions import IsStaff
from lebrq.api.replica import ReadsFromReplica
from lebrq.api.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    OtpAddressThrottle,
    OtpMobileThrottle,
    PasswordResetAddressThrottle,
    PasswordResetMobileThrottle,
    RegisterAddressThrottle,
)
from lebrq.api.views import PublicAPIView

BROKER_PENDING = "Your broker account is pending admin approval."
# True whether or not the number has an account (the screens show their own success text).
RESET_ANSWER = "If this mobile number has an account, its password has been reset."
BROKER_PENDING_ON_SIGNUP = (
    "Your broker account registration is pending admin approval. "
    "You will be notified once approved."
)


class LoginView(PublicAPIView):
    """Exchange a username (or e-mail) and password for a Bearer access token.

    Public: a stale token the client still sends must not stand in the way of logging in.
    """

    throttle_classes = [LoginAddressThrottle, LoginAccountThrottle]

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
        if user_needs_approval(user):
            raise PermissionDenied(BROKER_PENDING, code="broker_not_approved")
        return Response(tokens_for(user))


class RefreshSerializer(TokenRefreshSerializer):
    """Rotation with a blacklist: each refresh token works once (simplejwt's blacklist app
    refuses it the second time); the account must still be active, not suspended, and have
    the password the token was issued under (accounts.tokens)."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        refresh = RefreshToken(attrs["refresh"])  # TokenError (-> 401) if blacklisted/expired
        user = User.objects.filter(pk=refresh.get(jwt_settings.USER_ID_CLAIM)).first()
        # A deleted account's token (simplejwt's .get() made it a 500), a deactivated or
        # suspended one, or a password changed since: all are a 401.
        if (
            user is None
            or not user.is_active
            or user.is_suspended
            or not token_matches_user(refresh, user)
        ):
            raise AuthenticationFailed(
                "No active account found for the given token.", code="no_active_account"
            )
        data = {"access": str(refresh.access_token)}
        refresh.blacklist()
        refresh.set_jti()
        refresh.set_exp()
        refresh.set_iat()
        refresh[AUTH_STATE_CLAIM] = auth_state(user)
        refresh.outstand()
        data["refresh"] = str(refresh)
        return data


class RefreshView(TokenRefreshView):
    """POST /auth/refresh {refresh}: a new access token for a live account's refresh token."""

    serializer_class = RefreshSerializer


class RegisterView(PublicAPIView):
    """Create a customer, vendor or broker account; log it in unless it awaits approval."""

    throttle_classes = [RegisterAddressThrottle]

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: PolymorphicProxySerializer(
                component_name="RegisteredOrPendingBroker",
                serializers=[RegisteredSerializer, RegisteredBrokerSerializer],
                resource_type_field_name=None,
            )
        },
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = RegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_register(registration=serializer.registration())
        body: dict[str, object] = {"success": True, "id": user.id, "username": user.username}
        if user_needs_approval(user):
            body |= {"message": BROKER_PENDING_ON_SIGNUP, "requires_approval": True}
        else:
            body |= tokens_for(user)
        return Response(body, status=status.HTTP_201_CREATED)


class MeView(APIView):
    """The logged-in user."""

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(authenticated_user(request)).data)


class LogoutView(APIView):
    """Revokes the access token it is called with (until it would expire) and, when the body
    names it ({"refresh"} or {"refresh_token"}), that user's refresh token too."""

    @extend_schema(request=LogoutSerializer, responses=MessageSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = LogoutSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens_revoke_on_logout(
            user=authenticated_user(request),
            access=request.auth,
            refresh=serializer.validated_data.get("refresh")
            or serializer.validated_data.get("refresh_token"),
        )
        return Response({"message": "Successfully logged out"})


class ProfileView(APIView):
    """The logged-in user's own name, username and mobile number."""

    @extend_schema(request=ProfileUpdateSerializer, responses=MeSerializer, tags=["auth"])
    def put(self, request: Request) -> Response:
        serializer = ProfileUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_update_profile(
            user=authenticated_user(request), change=serializer.profile_change()
        )
        return Response(MeSerializer(user).data)


class ChangePasswordView(APIView):
    @extend_schema(request=ChangePasswordSerializer, responses=SuccessSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = ChangePasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticated_user(request)
        user_change_password(
            user=user,
            current_password=serializer.validated_data["current_password"],
            new_password=serializer.validated_data["new_password"],
        )
        # Every token issued before is now refused (accounts.tokens); this device gets new ones.
        return Response(
            {"success": True, "message": "Password changed successfully", **tokens_for(user)}
        )


class UserListView(ReadsFromReplica, APIView):
    """Staff only (the legacy listed every account to anyone), in the legacy's shape."""

    permission_classes = [IsStaff]

    @extend_schema(responses=UserListSerializer, tags=["auth"])
    def get(self, request: Request) -> Response:
        paginator = PagePagination()
        users = paginator.paginate_queryset(user_list(), request, view=self)
        page = paginator.get_pagination_data()
        return Response(
            {
                "users": UserListEntrySerializer(users, many=True).data,
                "total": page["total"],
                "page": page["page"],
                "page_size": page["page_size"],
                "total_pages": page["total_pages"],
            }
        )


class OtpSendView(PublicAPIView):
    """Text a one-time password to a mobile number (sent by the task worker)."""

    throttle_classes = [OtpAddressThrottle, OtpMobileThrottle]

    @extend_schema(request=MobileSerializer, responses=OtpResultSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = MobileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = otp_send(mobile=serializer.validated_data["mobile"])
        return Response(
            {"success": True, "message": "OTP sent successfully", "mobile": challenge.mobile}
        )


class OtpVerifyView(PublicAPIView):
    throttle_classes = [OtpAddressThrottle, OtpMobileThrottle]

    @extend_schema(request=OtpCheckSerializer, responses=OtpResultSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = OtpCheckSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = otp_verify(
            mobile=serializer.validated_data["mobile"], code=serializer.validated_data["otp"]
        )
        return Response(
            {"success": True, "message": "OTP verified successfully", "mobile": challenge.mobile}
        )


class ResetPasswordView(PublicAPIView):
    throttle_classes = [PasswordResetAddressThrottle, PasswordResetMobileThrottle]

    @extend_schema(request=ResetPasswordSerializer, responses=SuccessSerializer, tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = ResetPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # The same answer whether or not the number has an account (services.user_reset_password).
        user_reset_password(
            mobile=data["mobile"], code=data["otp"], new_password=data["new_password"]
        )
        return Response({"success": True, "message": RESET_ANSWER})


class DemoUserView(PublicAPIView):
    """POST /users/seed-dummy: the staff users screen's "seed" button, sent without a token.
    Open as the legacy was, since it only ever makes one login-less account."""

    @extend_schema(request=None, responses={200: DemoUserSerializer}, tags=["auth"])
    def post(self, request: Request) -> Response:
        user, _ = demo_user_ensure()
        return Response(DemoUserSerializer(user).data)
