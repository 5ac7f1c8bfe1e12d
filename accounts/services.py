import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import otp
from accounts.choices import Role
from accounts.models import BrokerProfile, OtpChallenge, User, VendorProfile
from lebrq.errors import InvalidInput

ACCOUNT_EXISTS = "An account with this username or e-mail exists."


@dataclass(frozen=True, kw_only=True)
class Registration:
    """A sign-up as validated input. `mobile`, if any, must have passed an OTP check."""

    username: str
    password: str
    email: str | None = None
    first_name: str = ""
    last_name: str = ""
    mobile: str = ""
    role: str = Role.CUSTOMER


# Roles anyone may sign up for; anything else (admin...) makes a customer, as the legacy did.
SELF_SERVICE_ROLES = (Role.CUSTOMER, Role.VENDOR, Role.BROKER)


USERNAME_RULE = "Use only English letters, digits and @ . + - _ (no spaces)."


def clean_username(raw: str) -> str:
    """The username as stored: NFKC-folded (full-width letters become ASCII ones), trimmed,
    lower case, and then only ASCII letters, digits and @.+-_ (Django's ASCIIUsernameValidator):
    no spaces, no markup, no Cyrillic letter passing for a Latin one."""
    username = unicodedata.normalize("NFKC", raw).strip().lower()
    try:
        ASCIIUsernameValidator()(username)
    except DjangoValidationError:
        raise InvalidInput.for_field("username", USERNAME_RULE, code="invalid_username") from None
    return username


def user_register(*, registration: Registration) -> User:
    """Create an account. Usernames and e-mails are unique regardless of case.

    A vendor gets a vendor profile; a broker a broker profile awaiting staff approval (no
    login until then). A mobile number is stored only if our own OTP check verified it in the
    last OTP_VERIFIED_VALID_MINUTES: the client's "mobile_verified" flag is never trusted.
    """
    username = clean_username(registration.username)
    email = registration.email
    if email is None and "@" in username:
        email = username
    email = email.strip().lower() if email else None
    if email:
        try:
            validate_email(email)
        except DjangoValidationError:
            raise InvalidInput.for_field("email", "Enter a valid e-mail address.") from None
    role = registration.role if registration.role in SELF_SERVICE_ROLES else Role.CUSTOMER
    mobile_digits_ = otp.mobile_digits(registration.mobile) if registration.mobile else None

    clash = Q(username__iexact=username) | Q(email__iexact=username)
    if email:
        clash |= Q(email__iexact=email) | Q(username__iexact=email)
    if User.objects.filter(clash).exists():
        raise InvalidInput.for_field("username", ACCOUNT_EXISTS)

    user = User(
        username=username,
        email=email,
        first_name=registration.first_name.strip(),
        last_name=registration.last_name.strip(),
        role=role,
    )
    try:
        validate_password(registration.password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(
            f"password: {exc.messages[0]}", fields={"password": exc.messages}
        ) from None
    user.set_password(registration.password)
    try:
        with transaction.atomic():
            if mobile_digits_:
                # Spent only if the account is created: the transaction covers both.
                otp.otp_use_verified(mobile=mobile_digits_)
                # Told only to whoever proved the number is theirs (the code above): before,
                # anyone could ask whether a number has an account.
                if User.objects.filter(mobile=otp.e164(mobile_digits_)).exists():
                    raise InvalidInput.for_field("mobile", "This mobile number is already in use")
                user.mobile = otp.e164(mobile_digits_)
                user.mobile_verified_at = timezone.now()
            user.save()
            if role == Role.VENDOR:
                VendorProfile.objects.create(user=user, company_name=user.display_name)
            elif role == Role.BROKER:
                BrokerProfile.objects.create(user=user)
    except IntegrityError:
        # Two registrations raced past the checks above; the unique index decided.
        raise InvalidInput.for_field("username", ACCOUNT_EXISTS) from None
    return user


def user_needs_approval(user: User) -> bool:
    """A broker may not log in until staff approve the account."""
    if user.role != Role.BROKER:
        return False
    profile = BrokerProfile.objects.filter(user=user).only("is_approved").first()
    return profile is None or not profile.is_approved


def brokers_approve(*, profiles: QuerySet[BrokerProfile]) -> int:
    """Let these brokers log in; returns how many were waiting."""
    return profiles.filter(is_approved=False).update(
        is_approved=True, approved_at=timezone.now(), updated_at=timezone.now()
    )


def user_reset_password(*, mobile: str, code: str, new_password: str) -> User | None:
    """Set a new password for the account of a mobile number whose OTP checks out; the
    account, or None when no account has the number.

    A number without an account is answered as one with (the caller cannot tell them apart,
    issue 19): its code is spent and the password hashed all the same, so neither the answer
    nor the time it takes says whether the number has an account. The legacy's 404 told
    anyone holding a number's code that it had one; the reset screen shows its own success.
    """
    challenge = otp.otp_verify(mobile=mobile, code=code)
    user = User.objects.filter(mobile=otp.e164(challenge.mobile)).first()
    try:
        validate_password(new_password, user)
    except DjangoValidationError as exc:
        raise InvalidInput(
            f"new_password: {exc.messages[0]}", fields={"new_password": exc.messages}
        ) from None
    with transaction.atomic():
        spent = OtpChallenge.objects.filter(pk=challenge.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not spent:
            raise InvalidInput.for_field("otp", otp.EXPIRED, code="otp_invalid")
        if user is None:
            # The hashing a real reset does (PBKDF2 in production), on a throwaway user.
            User().set_password(new_password)
            return None
        user.set_password(new_password)
        user.save(update_fields=["password"])
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
        if not change.username.strip():
            raise InvalidInput.for_field("username", "Username cannot be empty")
        # An imported legacy username (spaces and all) may be kept, not newly chosen.
        username = change.username.strip().lower()
        if username != user.username:
            username = clean_username(change.username)
        taken = User.objects.filter(Q(username__iexact=username) | Q(email__iexact=username))
        if taken.exclude(pk=user.pk).exists():
            raise InvalidInput.for_field("username", "Username already taken")
        fields["username"] = username
    if not fields:
        return user
    number_changed = "mobile" in fields and fields["mobile"] != user.mobile
    for name, value in fields.items():
        setattr(user, name, value)
    update_fields = list(fields)
    if number_changed:
        # A new number has not passed our OTP check.
        user.mobile_verified_at = None
        update_fields.append("mobile_verified_at")
    try:
        with transaction.atomic():
            user.save(update_fields=update_fields)
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


# The staff users screen's "seed" button (components/UsersPanel.tsx) adds this account.
DEMO_USERNAME = "dummy@example.com"


def demo_user_ensure() -> tuple[User, bool]:
    """The one demo customer, made once. The legacy gave it the password "secret123" and let
    anyone create it, a published backdoor; ours cannot log in until staff set a password."""
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={"email": DEMO_USERNAME, "role": Role.CUSTOMER, "first_name": "Demo"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, created
