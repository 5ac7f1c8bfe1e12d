from typing import Any

from rest_framework import serializers

from accounts.models import User
from accounts.services import ProfileChange
from lebrq.api.serializers import LegacyModelSerializer


class LoginSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(help_text="Username or e-mail address.")
    password = serializers.CharField(write_only=True, trim_whitespace=False)


class TokenSerializer(serializers.Serializer[Any]):
    access_token = serializers.CharField()
    refresh_token = serializers.CharField()
    token_type = serializers.CharField(default="bearer")


class RegisterSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
    email = serializers.EmailField(required=False, allow_null=True, allow_blank=True)
    first_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    mobile = serializers.RegexField(
        r"^\+?[0-9 ()-]{7,20}$", required=False, allow_blank=True, max_length=32
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


class UserListSerializer(serializers.Serializer[Any]):
    users = UserListEntrySerializer(many=True)
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    total_pages = serializers.IntegerField()
