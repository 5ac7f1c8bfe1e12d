"""users, vendor_profiles, broker_profiles."""

from decimal import Decimal
from typing import Any, ClassVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models
from django.utils.crypto import get_random_string

from accounts.hashers import from_legacy_hash
from accounts.models import BrokerProfile, User, VendorProfile
from legacy import conversions as c
from legacy.files import FileNotFound
from legacy.importers.base import TableImporter
from legacy.report import NOT_BUILT, LedgerEntry, RowNote
from legacy.source import Row
from uploads.services import DATA_URI


class UsersImporter(TableImporter):
    table = "users"
    model_label = "accounts.User"
    domain = "accounts"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "username": "username",
        "password_hash": "password (legacy_pbkdf2_sha256$..., accounts.hashers)",
        "role": "role, is_staff, is_superuser (mapping table)",
        "date_of_birth": "date_of_birth",
        "suspended_until": (
            "suspended_until (naive UTC -> aware); a broker's: the later of this and "
            "broker_profiles.suspended_until"
        ),
        "created_at": "date_joined (naive UTC -> aware)",
        "first_name": "first_name",
        "last_name": "last_name",
        "mobile": "mobile",
        "email": "email (lower-cased, as User.save does)",
        "profile_image": "profile_image: a data URI becomes a public image upload, its URL here",
        "last_login_time": "last_login",
    }
    not_built: ClassVar[dict[str, str]] = {
        "last_logout_time": "client activity (CRM)",
        "admin_viewed_at": "staff badges for new customers (CRM)",
    }
    # A row may carry a base64 picture of megabytes: few at a time.
    batch_rows = 20

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.emails: set[str] = set()
        self.roles_not_built: dict[str, int] = {}
        self.hr_users: list[int] = []

    def prepare(self) -> None:
        """The legacy suspended a broker on broker_profiles; here login checks the account, so
        a broker's account takes the later of the two dates (only suspended brokers are kept)."""
        suspended: dict[int, Any] = {}
        if "broker_profiles" in self.ctx.source_tables:
            rows = self.ctx.source.stream(
                "broker_profiles", order_by="", where="suspended_until IS NOT NULL"
            )
            for row in rows:
                suspended[row["user_id"]] = c.utc_aware(row["suspended_until"])
        self.broker_suspended_until = suspended

    def convert(self, row: Row) -> models.Model:
        ctx = self.ctx
        password = from_legacy_hash(c.text(row["password_hash"]))
        if password is None:
            password = ctx.problem(
                "password_hash",
                "not a passlib $pbkdf2-sha256$ hash",
                UNUSABLE_PASSWORD_PREFIX + get_random_string(40),
                "unusable password: the user sets a new one (reset by OTP)",
            )
        role_name = c.text(row["role"]).strip().lower()
        role, is_staff, is_superuser = c.ROLE.get(role_name, ("customer", False, False))
        if role_name not in c.ROLE:
            self.roles_not_built[role_name] = self.roles_not_built.get(role_name, 0) + 1
            ctx.report.converted("users.role", f"{role_name} -> customer")
        if role_name == "hr":
            self.hr_users.append(int(row["id"]))
        email = c.text(row["email"]).strip().lower() or None
        if email is not None:
            if email in self.emails:
                email = ctx.problem("email", f"{email} is used twice", None, "left empty")
            else:
                self.emails.add(email)
        profile_image = c.text(row["profile_image"]).strip()
        if DATA_URI.match(profile_image):
            profile_image = ""  # decoded into an upload once the user exists (after_save)
        elif profile_image and len(profile_image) > 500:
            profile_image = ctx.problem(
                "profile_image", "neither a data URI nor a URL", "", "picture dropped"
            )
        created = c.utc("created_at", row["created_at"])
        return User(
            id=row["id"],
            username=c.bounded("username", row["username"], 150),
            password=password,
            role=role,
            is_staff=is_staff,
            is_superuser=is_superuser,
            is_active=True,
            first_name=c.bounded("first_name", row["first_name"], 150),
            last_name=c.bounded("last_name", row["last_name"], 150),
            email=email,
            mobile=c.bounded("mobile", row["mobile"], 32),
            profile_image=profile_image,
            date_of_birth=c.day(row["date_of_birth"]),
            suspended_until=_later(
                c.utc_aware(row["suspended_until"]), self.broker_suspended_until.get(row["id"])
            ),
            date_joined=created,
            last_login=c.utc_aware(row["last_login_time"]),
        )

    def after_save(self, objects: list[models.Model], rows: list[Row]) -> None:
        files = self.ctx.files
        for user, row in zip(objects, rows, strict=True):
            assert isinstance(user, User)
            value = c.text(row["profile_image"]).strip()
            if not value:
                continue
            self.ctx.table, self.ctx.legacy_id = self.table, user.pk
            try:
                if DATA_URI.match(value):
                    url = files.store_data_uri(value, owner=user).get_absolute_url()
                else:
                    url = files.rewrite_url(value)
            except (ValueError, FileNotFound, Exception) as exc:  # upload refusals included
                url = self._picture_problem(user, exc)
            if url != user.profile_image:
                User.objects.filter(pk=user.pk).update(profile_image=url)
                user.profile_image = url

    def _picture_problem(self, user: User, exc: Exception) -> str:
        if self.ctx.on_invalid == "fail":
            raise c.Invalid("profile_image", str(exc))
        self.ctx.report.rows.append(
            RowNote(self.table, user.pk, "profile_image", str(exc), "fixed: picture dropped")
        )
        return ""

    def finish(self) -> None:
        if self.hr_users:
            _join_hr_group(self.hr_users)
        for role_name, count in self.roles_not_built.items():
            domain = c.ROLES_NOT_BUILT.get(role_name, f"role {role_name!r}")
            self.ctx.report.lose(
                LedgerEntry(
                    self.table, f"role={role_name}", count, NOT_BUILT, domain, "became customers"
                )
            )

    def key(self, obj: Any) -> tuple[Any, ...]:
        password = obj.password
        if password.startswith(UNUSABLE_PASSWORD_PREFIX):
            password = UNUSABLE_PASSWORD_PREFIX
        return (
            obj.pk,
            obj.username,
            password,
            obj.role,
            obj.is_staff,
            obj.email,
            obj.mobile,
            obj.date_joined,
            obj.suspended_until,
            obj.date_of_birth,
        )


class VendorProfilesImporter(TableImporter):
    table = "vendor_profiles"
    model_label = "accounts.VendorProfile"
    domain = "accounts"
    homes: ClassVar[dict[str, str]] = {
        k: k
        for k in (
            "id",
            "user_id",
            "company_name",
            "description",
            "contact_email",
            "contact_phone",
            "address",
            "suspended_until",
            "created_at",
            "updated_at",
        )
    }

    def convert(self, row: Row) -> models.Model:
        return VendorProfile(
            id=row["id"],
            user_id=self.ctx.parent("user_id", "users", row["user_id"]),
            company_name=c.bounded("company_name", row["company_name"], 255),
            description=c.text(row["description"]),
            contact_email=c.bounded("contact_email", row["contact_email"], 254),
            contact_phone=c.bounded("contact_phone", row["contact_phone"], 32),
            address=c.text(row["address"]),
            suspended_until=c.utc_aware(row["suspended_until"]),
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (obj.pk, obj.user_id, obj.company_name, obj.suspended_until, obj.created_at)


class BrokerProfilesImporter(TableImporter):
    table = "broker_profiles"
    model_label = "accounts.BrokerProfile"
    domain = "accounts"
    homes: ClassVar[dict[str, str]] = {
        "id": "id",
        "user_id": "user_id",
        "company_name": "company_name",
        "description": "description",
        "contact_email": "contact_email",
        "contact_phone": "contact_phone",
        "address": "address",
        "brokerage_percentage": "brokerage_percentage (FLOAT -> Decimal, to the hundredth)",
        "bank_account_name": "bank_account_name",
        "bank_account_number": "bank_account_number",
        "bank_ifsc_code": "bank_ifsc_code",
        "bank_name": "bank_name",
        "is_approved": "is_approved",
        "suspended_until": (
            "suspended_until, and users.suspended_until (the later of the two: login checks it;"
            " UsersImporter.prepare)"
        ),
        "created_at": "created_at",
        "updated_at": "updated_at",
    }

    def convert(self, row: Row) -> models.Model:
        user_id = self.ctx.parent("user_id", "users", row["user_id"])
        until = c.utc_aware(row["suspended_until"])
        percentage = c.money(row["brokerage_percentage"], default=Decimal("0"))
        if not Decimal("0") <= percentage <= Decimal("100"):
            percentage = self.ctx.problem(
                "brokerage_percentage",
                f"{percentage} is not a percentage",
                min(max(percentage, Decimal("0")), Decimal("100")),
                "clamped to 0..100",
            )
        return BrokerProfile(
            id=row["id"],
            user_id=user_id,
            company_name=c.bounded("company_name", row["company_name"], 255),
            description=c.text(row["description"]),
            contact_email=c.bounded("contact_email", row["contact_email"], 254),
            contact_phone=c.bounded("contact_phone", row["contact_phone"], 32),
            address=c.text(row["address"]),
            brokerage_percentage=percentage,
            bank_account_name=c.bounded("bank_account_name", row["bank_account_name"], 255),
            bank_account_number=c.bounded("bank_account_number", row["bank_account_number"], 64),
            bank_ifsc_code=c.bounded("bank_ifsc_code", row["bank_ifsc_code"], 16),
            bank_name=c.bounded("bank_name", row["bank_name"], 255),
            is_approved=c.flag(row["is_approved"]),
            suspended_until=until,
            created_at=c.utc("created_at", row["created_at"]),
            updated_at=c.utc("updated_at", row["updated_at"]),
        )

    def key(self, obj: Any) -> tuple[Any, ...]:
        return (
            obj.pk,
            obj.user_id,
            obj.company_name,
            obj.is_approved,
            obj.brokerage_percentage,
            obj.bank_account_number,
            obj.suspended_until,
            obj.created_at,
        )


def _later(first: Any, second: Any) -> Any:
    return max((d for d in (first, second) if d is not None), default=None)


HR_GROUP = "HR"


def _join_hr_group(user_ids: list[int]) -> None:
    """The legacy's role hr opened the HR screens only. Here those need staff status and the
    hr.access_hr permission (docs/HR.md); staff status opens every staff screen, which the
    legacy's hr role did not: so these users join the group that holds the permission, and a
    superuser gives them staff status after review (the ledger says so)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    group.permissions.add(
        Permission.objects.get(content_type__app_label="hr", codename="access_hr")
    )
    group.user_set.add(*user_ids)
