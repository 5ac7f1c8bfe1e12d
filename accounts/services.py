import re
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.choices import Role
from accounts.models import User
from lebrq.errors import InvalidInput

ACCOUNT_EXISTS = "An account with this username or e-mail exists."


def user_register(
    *,
    username: str,
    password: str,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    mobile: str = "",
) -> User:
    """Create a customer account. Usernames and e-mails are unique regardless of case.

    Self-registration always makes a customer: vendor, broker and staff accounts are made by
    staff in the admin (the legacy API let anyone pick their role).
    """
    username = username.strip().lower()
    if email is None and "@" in username:
        email = username
    email = email.strip().lower() if email else None
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise InvalidInput.for_field("email", "Enter a valid e-mail address.") from None

    clash = Q(username__iexact=username) | Q(email__iexact=username)
    if email:
        clash |= Q(email__iexact=email) | Q(username__iexact=email)
    if User.objects.filter(clash).exists():
        raise InvalidInput.for_field("username", ACCOUNT_EXISTS)

    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        mobile=mobile,
        role=Role.CUSTOMER,
    )
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(
            f"password: {exc.messages[0]}", fields={"password": exc.messages}
        ) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Two registrations raced past the check above; the unique index decided.
        raise InvalidInput.for_field("username", ACCOUNT_EXISTS) from None
    return user


# The legacy's rule for a mobile number typed on the profile form.
MOBILE_PATTERN = re.compile(r"^\+?[0-9]{7,15}$")


@dataclass(frozen=True, kw_only=True)
class ProfileChange:
    """What a user asked to change on their profile; None leaves a field as it is."""

    first_name: str | None = None
    last_name: str | None = None
    mobile: str | None = None
    username: str | None = None


def user_update_profile(*, user: User, change: ProfileChange) -> User:
    """Apply the change; a username taken by someone else (as a username or an e-mail,
    regardless of case) or a malformed mobile number changes nothing."""
    fields: dict[str, str] = {}
    if change.first_name is not None:
        fields["first_name"] = change.first_name.strip()
    if change.last_name is not None:
        fields["last_name"] = change.last_name.strip()
    if change.mobile is not None:
        mobile = re.sub(r"[\s()-]", "", change.mobile)
        if not MOBILE_PATTERN.fullmatch(mobile):
            raise InvalidInput.for_field("mobile", "Invalid mobile number format")
        fields["mobile"] = mobile
    if change.username is not None:
        username = change.username.strip().lower()
        if not username:
            raise InvalidInput.for_field("username", "Username cannot be empty")
        taken = User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))
        if taken.exclude(pk=user.pk).exists():
            raise InvalidInput.for_field("username", "Username already taken")
        fields["username"] = username
    if not fields:
        return user
    for name, value in fields.items():
        setattr(user, name, value)
    try:
        with transaction.atomic():
            user.save(update_fields=list(fields))
    except IntegrityError:
        # Another account took the username between the check and the save.
        raise InvalidInput.for_field("username", "Username already taken") from None
    return user


def user_change_password(*, user: User, current_password: str, new_password: str) -> None:
    """Replace the password after checking the current one; the new one must differ and pass
    the site's password rules (stricter than the legacy's eight characters)."""
    if not user.check_password(current_password):
        raise InvalidInput.for_field("current_password", "Current password is incorrect")
    if current_password == new_password:
        raise InvalidInput.for_field(
            "new_password", "New password must be different from current password"
        )
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(
            f"new_password: {exc.messages[0]}", fields={"new_password": exc.messages}
        ) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
