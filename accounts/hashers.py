"""Password hashers: Django's PBKDF2 at a lower CPU priority, and a verify-only one for the
legacy backend's passlib hashes.

Both compute PBKDF2 through lebrq.low_priority: a login or sign-up flood makes the server hash
passwords, and those hashes must not take the CPU from everyone else's requests.

The legacy backend's hashes:

The legacy stored `$pbkdf2-sha256$<rounds>$<salt>$<checksum>` (passlib's pbkdf2_sha256:
PBKDF2-HMAC-SHA256, salt and checksum in passlib's "adapted base64": standard base64 with
"." for "+" and no padding; the salt is the decoded bytes). Django finds a hasher by the text
before the first "$", so `manage.py import_legacy` stores such a hash as
`legacy_pbkdf2_sha256$<rounds>$<salt>$<checksum>` (the legacy string with its first "$" and
dashes rewritten: nothing else changes, and `legacy_hash()` gives the original back).

The hasher is listed after Django's default in PASSWORD_HASHERS: it never makes a new hash,
and the first successful login re-hashes the password with the default (check_password's
setter), so legacy hashes disappear as their owners log in.
"""

import base64
import binascii
import hashlib
import hmac
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, PBKDF2PasswordHasher, mask_hash
from django.utils.translation import gettext_noop as _

from lebrq.low_priority import run_low_priority

ALGORITHM = "legacy_pbkdf2_sha256"
LEGACY_PREFIX = "$pbkdf2-sha256$"


def ab64_decode(text: str) -> bytes:
    """passlib's adapted base64 ("." for "+", no padding) to bytes."""
    data = text.replace(".", "+")
    return base64.b64decode(data + "=" * (-len(data) % 4), validate=True)


def ab64_encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=").replace("+", ".")


def from_legacy_hash(legacy: str) -> str | None:
    """The stored form of a legacy passlib hash, or None if it is not one we can check."""
    if not legacy.startswith(LEGACY_PREFIX):
        return None
    parts = legacy[len(LEGACY_PREFIX) :].split("$")
    if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) < 1:
        return None
    try:
        ab64_decode(parts[1])
        checksum = ab64_decode(parts[2])
    except (binascii.Error, ValueError):
        return None
    if len(checksum) != hashlib.sha256().digest_size:
        return None
    return f"{ALGORITHM}${parts[0]}${parts[1]}${parts[2]}"


def legacy_hash(encoded: str) -> str:
    """The legacy text a stored hash came from (inverse of from_legacy_hash)."""
    return LEGACY_PREFIX + encoded.removeprefix(ALGORITHM + "$")


class LowPriorityPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 (same algorithm name, iterations and hashes, so either checks
    the other's), computed on a low-priority thread. Listed in its place in PASSWORD_HASHERS:
    hashers are found by algorithm name, and a later one of the same name would win."""

    def encode(self, password: str, salt: str, iterations: int | None = None) -> str:
        parent_encode = super().encode
        return run_low_priority(parent_encode, password, salt, iterations)


class LegacyPBKDF2SHA256PasswordHasher(BasePasswordHasher):
    """Checks the legacy backend's passlib pbkdf2_sha256 hashes; never makes one."""

    algorithm = ALGORITHM

    def encode(self, password: str, salt: str) -> str:
        raise NotImplementedError(
            "Legacy hashes are only verified; new passwords use the default hasher."
        )

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, rounds, salt, checksum = encoded.split("$", 3)
        assert algorithm == self.algorithm
        return {
            "algorithm": algorithm,
            "iterations": int(rounds),
            "salt": salt,
            "hash": checksum,
        }

    def verify(self, password: str, encoded: str) -> bool:
        try:
            decoded = self.decode(encoded)
            salt = ab64_decode(decoded["salt"])
            expected = ab64_decode(decoded["hash"])
        except (ValueError, AssertionError, binascii.Error):
            return False
        actual = run_low_priority(
            hashlib.pbkdf2_hmac,
            "sha256",
            password.encode("utf-8"),
            salt,
            decoded["iterations"],
            len(expected),
        )
        return hmac.compare_digest(actual, expected)

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            _("algorithm"): decoded["algorithm"],
            _("iterations"): decoded["iterations"],
            _("salt"): mask_hash(decoded["salt"]),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        # Always: Django re-hashes with the default hasher on the next good login.
        return True

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass
