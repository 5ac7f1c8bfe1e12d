"""One-time passwords for a mobile number: send one, check it, and use it once.

Codes live in the database as a keyed hash (HMAC with SECRET_KEY), so every worker sees the
same codes, a restart loses none, and a copy of the table does not reveal them. The text of
the SMS (which must carry the code) is erased from the outbox once the provider accepted it.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import OtpChallenge
from lebrq.errors import InvalidInput, RateLimited
from notify.choices import MessagePurpose
from notify.services import sms_queue

# The DLT-registered template: the text must match it character for character.
OTP_MESSAGE = (
    "{code} is your SECRET One Time Password (OTP) for your LeBRQ. Please use this password "
    "to complete your transaction. From:BRQ GLOB TECH"
)
CODE_DIGITS = 6
EXPIRED = "OTP expired or not found. Please request a new OTP."
WRONG = "Invalid OTP"
TOO_MANY_ATTEMPTS = "Too many wrong attempts. Please request a new OTP."
NOT_VERIFIED = "Mobile number verification failed. Please verify your mobile number with OTP first."


def mobile_digits(raw: str) -> str:
    """The 10-digit Indian mobile number in `raw` (spaces, dashes, +91 or 91 allowed)."""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if len(digits) == 12 and digits.startswith("91"):
        digits = digits[2:]
    if len(digits) != 10:
        raise InvalidInput.for_field("mobile", "Mobile number must be exactly 10 digits")
    if digits[0] not in "6789":
        raise InvalidInput.for_field("mobile", "Indian mobile numbers start with 6, 7, 8 or 9")
    return digits


def e164(digits: str) -> str:
    """How accounts store a verified Indian mobile number: +91 and the 10 digits."""
    return f"+91{digits}"


def _code_hash(mobile: str, code: str) -> str:
    return salted_hmac("accounts.otp", f"{mobile}:{code}", algorithm="sha256").hexdigest()


def new_otp_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def otp_send(*, mobile: str) -> OtpChallenge:
    """Make a new code for the number and queue its SMS; RateLimited past
    OTP_MAX_SENDS_PER_HOUR codes for one number in an hour."""
    digits = mobile_digits(mobile)
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    with transaction.atomic():
        recent = list(
            OtpChallenge.objects.select_for_update()
            .filter(mobile=digits, created_at__gte=hour_ago)
            .order_by("created_at")
            .values_list("created_at", flat=True)[: settings.OTP_MAX_SENDS_PER_HOUR]
        )
        if len(recent) >= settings.OTP_MAX_SENDS_PER_HOUR:
            wait = int((recent[0] - hour_ago).total_seconds()) + 1
            raise RateLimited(
                "Too many codes sent to this number. Please try again later.",
                code="otp_rate_limited",
                retry_after=max(wait, 1),
            )
        code = new_otp_code()
        challenge = OtpChallenge.objects.create(
            mobile=digits,
            code_hash=_code_hash(digits, code),
            expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        sms_queue(
            to=digits,
            body=OTP_MESSAGE.format(code=code),
            purpose=MessagePurpose.OTP,
            template_id=settings.SMS_OTP_TEMPLATE_ID,
            sensitive=True,
        )
    return challenge


def _still_usable(challenge: OtpChallenge) -> bool:
    now = timezone.now()
    if challenge.verified_at is not None:
        window = timedelta(minutes=settings.OTP_VERIFIED_VALID_MINUTES)
        return challenge.verified_at + window > now
    return challenge.expires_at > now


def otp_verify(*, mobile: str, code: str) -> OtpChallenge:
    """Check `code` against the number's latest unused code; it stays verified (and usable by
    one registration or reset) for OTP_VERIFIED_VALID_MINUTES. A wrong guess is counted even
    though the request fails."""
    digits = mobile_digits(mobile)
    failure: str | None = None
    with transaction.atomic():
        challenge = (
            OtpChallenge.objects.select_for_update()
            .filter(mobile=digits, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if challenge is None or not _still_usable(challenge):
            failure = EXPIRED
        elif challenge.attempts >= settings.OTP_MAX_ATTEMPTS:
            failure = TOO_MANY_ATTEMPTS
        elif not constant_time_compare(challenge.code_hash, _code_hash(digits, code.strip())):
            challenge.attempts += 1
            challenge.save(update_fields=["attempts"])
            failure = WRONG
        elif challenge.verified_at is None:
            challenge.verified_at = timezone.now()
            challenge.save(update_fields=["verified_at"])
    # Raised after the commit, so a wrong guess stays counted.
    if failure is not None or challenge is None:
        raise InvalidInput.for_field("otp", failure or EXPIRED, code="otp_invalid")
    return challenge


def otp_use_verified(*, mobile: str) -> str:
    """Mark the number's verified code used (a registration proving the number is the
    user's); the 10 digits. InvalidInput when there is no verified, unused, fresh code.

    Call inside the transaction that creates the account, so a failed registration does not
    spend the code.
    """
    digits = mobile_digits(mobile)
    window = timedelta(minutes=settings.OTP_VERIFIED_VALID_MINUTES)
    used = (
        OtpChallenge.objects.filter(
            mobile=digits,
            used_at__isnull=True,
            verified_at__gt=timezone.now() - window,
        )
        .order_by("-verified_at")
        .values_list("pk", flat=True)[:1]
    )
    updated = OtpChallenge.objects.filter(pk__in=list(used), used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not updated:
        raise InvalidInput.for_field("mobile", NOT_VERIFIED, code="mobile_not_verified")
    return digits
