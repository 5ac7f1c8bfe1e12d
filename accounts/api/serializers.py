from typing import Any

from rest_framework import serializers

from accounts.choices import Role
from accounts.models import User
from accounts.services import ProfileChange, Registration
from lebrq.api.serializers import LegacyModelSerializer


class LoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(help_text="Username or e-mail address.")
    password = serializers.CharField(write_only=True, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(default="bearer")


class RegisterSerializer(serializers.Serializer[Any]):
    """What the sign-up screen sends; nulls (as it sends them) mean "not given"."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    # The column's length: a longer address passed to MariaDB and failed there (a 500).
    email = serializers.EmailField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=User._meta.get_field("email").max_length,
    )
    first_name = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=150
    )
    last_name = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, max_length=150
    )
    mobile = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=32)
    role = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=32,
        help_text="customer, vendor or broker; anything else makes a customer.",
    )
    mobile_verified = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="Sent by the legacy frontend and ignored: only our own OTP check counts.",
    )

    def registration(self) -> Registration:
        data = self.validated_data
        return Registration(
            username=data["username"],
            password=data["password"],
            email=data.get("email"),
            first_name=data.get("first_name") or "",
            last_name=data.get("last_name") or "",
            mobile=data.get("mobile") or "",
            role=(data.get("role") or Role.CUSTOMER).strip().lower(),
        )


class RegisteredSerializer(TokenSerializer):
    success = serializers.BooleanField(default=True)
    id = serializers.IntegerField()
    username = serializers.CharField()


class MeSerializer(LegacyModelSerializer[User]):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "role",
            "first_name",
            "last_name",
            "mobile",
            "profile_image",
            "is_staff",
        ]
        read_only_fields = fields


class LogoutSerializer(serializers.Serializer[Any]):
    refresh = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    refresh_token = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class MessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()


class ProfileUpdateSerializer(serializers.Serializer[Any]):
    """PUT /auth/profile: every field optional; null (as the frontend may send) = unchanged."""

    first_name = serializers.CharField(
        max_length=150, required=False, allow_null=True, allow_blank=True
    )
    last_name = serializers.CharField(
        max_length=150, required=False, allow_null=True, allow_blank=True
    )
    mobile = serializers.CharField(max_length=32, required=False, allow_null=True)
    username = serializers.CharField(max_length=150, required=False, allow_null=True)

    def profile_change(self) -> ProfileChange:
        data = self.validated_data
        return ProfileChange(
            first_name=data.get("first_name"),
            last_name=data.get("last_name"),
            mobile=data.get("mobile"),
            username=data.get("username"),
        )


class ChangePasswordSerializer(serializers.Serializer[Any]):
    current_password = serializers.CharField(trim_whitespace=False, max_length=128)
    new_password = serializers.CharField(trim_whitespace=False, max_length=128)


class SuccessSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()


class UserListEntrySerializer(LegacyModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username", "role"]


class DemoUserSerializer(LegacyModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "username"]


class UserListSerializer(serializers.Serializer[Any]):
    users = UserListEntrySerializer(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    total_pages = serializers.IntegerField()


class RegisteredBrokerSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    id = serializers.IntegerField()
    username = serializers.CharField()
    message = serializers.CharField()
    requires_approval = serializers.BooleanField()


class MobileSerializer(serializers.Serializer[Any]):
    mobile = serializers.CharField(max_length=32)


class OtpCheckSerializer(MobileSerializer):
    otp = serializers.CharField(max_length=12)


class ResetPasswordSerializer(OtpCheckSerializer):
    new_password = serializers.CharField(trim_whitespace=False, max_length=128)


class OtpResultSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()
    mobile = serializers.CharField()
