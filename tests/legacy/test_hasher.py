"""The verify-only hasher for the legacy's passlib pbkdf2_sha256 hashes (no database)."""

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher

from accounts.hashers import ab64_decode, from_legacy_hash, legacy_hash
from tests.legacy.legacy_db import passlib_pbkdf2_sha256


def test_a_hash_built_like_passlib_verifies_only_with_its_password():
    stored = from_legacy_hash(passlib_pbkdf2_sha256("s3cret pass", b"\xfb\xef\xbe+/salt"))

    assert stored is not None
    assert stored.startswith("legacy_pbkdf2_sha256$29000$")
    assert identify_hasher(stored).algorithm == "legacy_pbkdf2_sha256"
    assert check_password("s3cret pass", stored)
    assert not check_password("s3cret pasS", stored)


def test_the_adapted_base64_uses_dots_and_no_padding():
    legacy = passlib_pbkdf2_sha256("x", b"\xfb\xef\xbe")  # "++++" in standard base64

    salt = legacy.split("$")[3]
    assert salt == "...."
    assert ab64_decode(salt) == b"\xfb\xef\xbe"
    assert legacy_hash(from_legacy_hash(legacy) or "") == legacy


@pytest.mark.parametrize(
    "value",
    [
        "$2b$12$abcdefghijklmnopqrstuu5GZ0kBkYzQe4HhK6Rr0b6x4qS2lB8y",  # bcrypt
        "$pbkdf2-sha256$29000$c2FsdA$short",
        "$pbkdf2-sha256$abc$c2FsdA$3zOUP6KB3UXZ6B1b1uBxUvMoRTc8rhNRTf6cuq8RyWQ",
        "plain text",
    ],
)
def test_what_is_not_a_pbkdf2_sha256_hash_is_not_taken_for_one(value):
    assert from_legacy_hash(value) is None
