from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts.models import User, VendorProfile


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
    list_display = ("company_name", "user", "contact_email", "contact_phone", "suspended_until")
    list_select_related = ("user",)
    search_fields = ("company_name", "contact_email", "contact_phone", "user__username")
    autocomplete_fields = ("user",)
