"""Contest shapes as the legacy sent them (backend/app/routers/contests.py: ContestResponse,
ContestEntryResponse, UserEventDateResponse) and as the screens send their bodies."""

import re
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from contests import services
from contests.models import Contest, ContestEntry, ContestEntryFile, UserEventDate
from contests.selectors import proof_token
from lebrq.api.fields import NaiveUtcDateTimeField
from lebrq.api.serializers import LegacyModelSerializer

# The URL POST /contests/{slug}/upload-proof answered, as the page sends it back (absolute).
PROOF_URL = re.compile(r"/api/contests/proofs/(?P<key>[0-9a-f]{32})/?(?:\?.*)?$")


def proof_url(request: Any, key: str, *, signed: bool) -> str:
    path = reverse("contest-proof", args=[key])
    if signed:
        path = f"{path}?t={proof_token(key)}"
    return str(request.build_absolute_uri(path))


class NullIfBlankMixin:
    """Text the legacy kept NULL is stored as "": answered as null again."""

    NULL_IF_BLANK: tuple[str, ...] = ()

    def to_representation(self, instance: Any) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)  # type: ignore[misc]
        for name in self.NULL_IF_BLANK:
            if data.get(name) == "":
                data[name] = None
        return data


class ContestSerializer(NullIfBlankMixin, LegacyModelSerializer[Contest]):
    NULL_IF_BLANK = ("description", "hero_image_url", "banner_image_url", "eligibility_criteria")

    class Meta:
        model = Contest
        fields = [
            "id",
            "title",
            "slug",
            "description",
            "hero_image_url",
            "banner_image_url",
            "start_date",
            "end_date",
            "applicable_event_types",
            "first_x_winners",
            "eligibility_criteria",
            "per_user_limit",
            "auto_approve",
            "prizes",
            "is_published",
            "created_at",
            "updated_at",
        ]


class PrizeSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    qty = serializers.IntegerField(min_value=0, max_value=1_000_000)
    details = serializers.CharField(
        max_length=2000, required=False, allow_null=True, allow_blank=True, default=None
    )


def _text(max_length: int | None = None) -> Any:
    return serializers.CharField(
        max_length=max_length, required=False, allow_null=True, allow_blank=True, default=None
    )


class ContestCreateSerializer(serializers.Serializer[Any]):
    """app/admin/contests/new.tsx:205."""

    title = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=100)
    description = _text()
    hero_image_url = _text(500)
    banner_image_url = _text(500)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    applicable_event_types = serializers.ListField(
        child=serializers.CharField(max_length=50),
        max_length=20,
        required=False,
        allow_null=True,
        default=None,
    )
    first_x_winners = serializers.IntegerField(
        min_value=1, max_value=1_000_000, required=False, allow_null=True, default=None
    )
    eligibility_criteria = _text()
    per_user_limit = serializers.IntegerField(min_value=1, max_value=1000, default=1)
    auto_approve = serializers.BooleanField(default=False)
    prizes = PrizeSerializer(many=True, required=False, allow_null=True, default=None)
    is_published = serializers.BooleanField(default=False)

    def contest_data(self) -> services.ContestData:
        data = self.validated_data
        prizes = data.get("prizes")
        return services.ContestData(
            title=data["title"],
            slug=data["slug"],
            description=data.get("description") or None,
            hero_image_url=data.get("hero_image_url") or None,
            banner_image_url=data.get("banner_image_url") or None,
            start_date=data["start_date"],
            end_date=data["end_date"],
            applicable_event_types=data.get("applicable_event_types") or None,
            first_x_winners=data.get("first_x_winners"),
            eligibility_criteria=data.get("eligibility_criteria") or None,
            per_user_limit=data["per_user_limit"],
            auto_approve=data["auto_approve"],
            prizes=[dict(prize) for prize in prizes] if prizes else None,
            is_published=data["is_published"],
        )


class EntryFileSerializer(LegacyModelSerializer[ContestEntryFile]):
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ContestEntryFile
        fields = ["id", "file_url", "file_name", "file_type", "file_size"]

    def get_file_url(self, proof: ContestEntryFile) -> str:
        if proof.upload_id is None:
            return proof.legacy_url
        return proof_url(self.context["request"], proof.key, signed=True)


class EntrySerializer(NullIfBlankMixin, LegacyModelSerializer[ContestEntry]):
    """app/admin/contests/[id].tsx:42 (ContestEntry)."""

    NULL_IF_BLANK = ("email", "phone", "message", "owner_email", "owner_phone", "admin_note")

    contest_id = serializers.IntegerField()
    booking_id = serializers.IntegerField(allow_null=True)
    files = EntryFileSerializer(many=True)

    class Meta:
        model = ContestEntry
        fields = [
            "id",
            "contest_id",
            "participant_name",
            "email",
            "phone",
            "event_type",
            "event_date",
            "relation",
            "booking_id",
            "message",
            "owner_email",
            "owner_phone",
            "status",
            "admin_note",
            "ocr_confidence",
            "ocr_date_matches",
            "reference_id",
            "created_at",
            "files",
        ]


class EntryCreateSerializer(serializers.Serializer[Any]):
    """app/contest/[slug].tsx:341. The proofs are named by the URLs upload-proof answered;
    the names, types and sizes beside them are the client's copy of what we stored, so ours
    are kept instead."""

    participant_name = serializers.CharField(max_length=200)
    email = serializers.EmailField(
        max_length=255, required=False, allow_null=True, allow_blank=True, default=None
    )
    phone = _text(32)
    event_type = serializers.CharField(max_length=50)
    event_date = serializers.DateField()
    relation = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="self"
    )
    booking_id = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, default=None
    )
    message = _text(5000)
    owner_email = serializers.EmailField(
        max_length=255, required=False, allow_null=True, allow_blank=True, default=None
    )
    owner_phone = _text(32)
    file_urls = serializers.ListField(
        child=serializers.CharField(max_length=1000),
        max_length=services.MAX_PROOFS_PER_ENTRY,
        required=False,
        default=list,
    )
    file_names = serializers.ListField(child=serializers.CharField(), required=False)
    file_types = serializers.ListField(child=serializers.CharField(), required=False)
    file_sizes = serializers.ListField(child=serializers.IntegerField(), required=False)
    consent = serializers.BooleanField(default=False)

    def validate_file_urls(self, urls: list[str]) -> list[str]:
        keys = []
        for url in urls:
            match = PROOF_URL.search(url)
            if match is None:
                raise serializers.ValidationError(
                    "Send the URLs that /contests/{slug}/upload-proof answered."
                )
            keys.append(match["key"])
        return keys

    def entry_request(self, ip_address: str | None) -> services.EntryRequest:
        data = self.validated_data
        return services.EntryRequest(
            participant_name=data["participant_name"],
            event_type=data["event_type"],
            event_date=data["event_date"],
            consent=data["consent"],
            email=data.get("email") or None,
            phone=data.get("phone") or None,
            relation=data.get("relation") or "self",
            booking_id=data.get("booking_id"),
            message=data.get("message") or None,
            owner_email=data.get("owner_email") or None,
            owner_phone=data.get("owner_phone") or None,
            proof_keys=tuple(data["file_urls"]),
            ip_address=ip_address,
        )


class EntryCreatedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    reference_id = serializers.CharField()
    message = serializers.CharField()


class ProofUploadedSerializer(serializers.Serializer[Any]):
    url = serializers.CharField(help_text="Send it back in the entry's file_urls.")
    filename = serializers.CharField()
    file_type = serializers.CharField()
    file_size = serializers.IntegerField()


class ProofUploadRequestSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class StatusSerializer(serializers.Serializer[Any]):
    """app/admin/contests/[id].tsx:142."""

    status = serializers.CharField(max_length=20)
    admin_note = _text(5000)


class BulkStatusSerializer(serializers.Serializer[Any]):
    """app/admin/contests/[id].tsx:165."""

    entry_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        min_length=1,
        max_length=services.MAX_BULK_ENTRIES,
    )
    status = serializers.CharField(max_length=20)
    admin_note = _text(5000)


class ContestMessageSerializer(serializers.Serializer[Any]):
    message = serializers.CharField()


class NotifySerializer(serializers.Serializer[Any]):
    """app/admin/contests/[id].tsx:598."""

    channels = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=5
    )
    message_template = serializers.CharField(max_length=2000)
    subject = _text(255)
    variables = serializers.DictField(
        child=serializers.CharField(max_length=500, allow_blank=True),
        required=False,
        allow_null=True,
        default=None,
    )


# The answer of notify: {"message", "sent", "errors"}; "errors" is a Serializer attribute,
# so the schema's serializer is built with inline_serializer.
NotifyResultSerializer = inline_serializer(
    name="ContestNotifyResult",
    fields={
        "message": serializers.CharField(),
        "sent": serializers.ListField(child=serializers.CharField()),
        "errors": serializers.ListField(child=serializers.CharField()),
    },
)


class ChannelsSerializer(serializers.Serializer[Any]):
    whatsapp = serializers.BooleanField(default=False)
    sms = serializers.BooleanField(default=False)
    email = serializers.BooleanField(default=False)


class NotifyAllSerializer(serializers.Serializer[Any]):
    """app/admin/contests/index.tsx:189. No `channels` means WhatsApp, as the legacy read it."""

    channels = ChannelsSerializer(required=False, default=None, allow_null=True)
    user_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62),
        required=False,
        allow_null=True,
        default=None,
    )

    def channels_chosen(self) -> dict[str, bool]:
        chosen = self.validated_data.get("channels")
        if chosen is None:
            return {"whatsapp": True}
        return {name: bool(value) for name, value in chosen.items()}


class NotifyAllResultSerializer(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    message = serializers.CharField()
    total_users = serializers.JSONField(help_text="A number, or 'all eligible'.")
    status = serializers.CharField()
    note = serializers.CharField()


class InvitableUserSerializer(serializers.Serializer[Any]):
    """app/admin/contests/index.tsx:36 (UserForNotification)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    username = serializers.CharField()
    mobile = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    is_informed = serializers.BooleanField()
    informed_at = NaiveUtcDateTimeField(allow_null=True)
    channels = serializers.DictField(child=serializers.BooleanField(), allow_null=True)


class InvitableUsersSerializer(serializers.Serializer[Any]):
    contest_id = serializers.IntegerField(source="contest.id")
    contest_title = serializers.CharField(source="contest.title")
    total_users = serializers.IntegerField()
    informed_count = serializers.IntegerField()
    users = InvitableUserSerializer(many=True)


class EventDateCreateSerializer(serializers.Serializer[Any]):
    """app/contest/[slug].tsx:381."""

    person_name = serializers.CharField(max_length=200)
    event_type = serializers.CharField(max_length=50)
    event_date = serializers.DateField()
    relation = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="family"
    )
    email = _text(255)
    phone = _text(32)
    notify_on_offers = serializers.BooleanField(default=True)

    def event_date_request(self) -> services.EventDateRequest:
        data = self.validated_data
        return services.EventDateRequest(
            person_name=data["person_name"],
            event_type=data["event_type"],
            event_date=data["event_date"],
            relation=data.get("relation") or "family",
            email=data.get("email") or None,
            phone=data.get("phone") or None,
            notify_on_offers=data["notify_on_offers"],
        )


class EventDateSerializer(LegacyModelSerializer[UserEventDate]):
    class Meta:
        model = UserEventDate
        fields = [
            "id",
            "person_name",
            "event_type",
            "event_date",
            "relation",
            "notify_on_offers",
            "created_at",
        ]
