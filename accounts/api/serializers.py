from typing import Any

from rest_framework import serializers

from accounts.models import User
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
