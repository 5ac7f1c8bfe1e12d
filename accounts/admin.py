from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import BrokerProfile, OtpChallenge, User, VendorProfile
from accounts.services import brokers_approve
from lebrq.admin import LargeTableAdmin


@admin.register(User)
class LebrqUserAdmin(UserAdmin[User]):
    list_display = (
        "username",
        "email",
        "role",
        "first_name",
        "last_name",
        "mobile",
        "is_staff",
        "is_active",
        "date_joined",
    )
    list_filter = ("role", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "first_name", "last_name", "mobile")
    ordering = ("-date_joined", "-id")
    show_full_result_count = False
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            "LeBRQ",
            {"fields": ("role", "mobile", "profile_image", "date_of_birth", "suspended_until")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "password1", "password2"),
            },
        ),
    )


@admin.register(VendorProfile)
class VendorProfileAdmin(admin.ModelAdmin[VendorProfile]):
    """Suspension is set from the staff screen (POST /admin/vendors/{id}/suspend), which also
    suspends the account that logs in: edited here, the profile alone would say suspended
    while the vendor could still log in."""

    list_display = ("company_name", "user", "contact_email", "contact_phone", "suspended_until")
    list_select_related = ("user",)
    search_fields = ("company_name", "contact_email", "contact_phone", "user__username")
    autocomplete_fields = ("user",)
    readonly_fields = ("suspended_until", "created_at", "updated_at")


@admin.register(BrokerProfile)
class BrokerProfileAdmin(admin.ModelAdmin[BrokerProfile]):
    """Brokers wait here for approval before they can log in. Suspension is set from the
    staff screen (POST /admin/brokers/{id}/suspend), which also suspends the account."""

    list_display = ("user", "company_name", "is_approved", "approved_at", "created_at")
    list_filter = ("is_approved",)
    list_select_related = ("user",)
    search_fields = ("company_name", "user__username", "user__email")
    autocomplete_fields = ("user",)
    readonly_fields = ("is_approved", "approved_at", "suspended_until", "created_at", "updated_at")
    actions = ["approve"]

    @admin.action(description="Approve the selected brokers", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[BrokerProfile]) -> None:
        approved = brokers_approve(profiles=queryset)
        self.message_user(request, f"Approved {approved} broker(s).", messages.SUCCESS)


@admin.register(OtpChallenge)
class OtpChallengeAdmin(LargeTableAdmin[OtpChallenge]):
    """Codes sent, for support ("did the SMS go out?"): the codes themselves are not kept."""

    list_display = ("mobile", "created_at", "expires_at", "attempts", "verified_at", "used_at")
    search_fields = ("=mobile",)
    exclude = ("code_hash",)
    readonly_fields = ("mobile", "created_at", "expires_at", "attempts", "verified_at", "used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: OtpChallenge | None = None) -> bool:
        return False
