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
