"""No secret of the suite's reaches its logs (captured by tests/log_secrets.py)."""

import json
import re
from typing import Any

import pytest

from tests.log_secrets import SUITE, Secrets

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
# The whole suite logs thousands of lines; a run of a few files is not what this test is for.
WHOLE_SUITE_TESTS = 500


def _standalone(value: str, text: str) -> bool:
    """`value` in `text` not as part of a longer word or number (an OTP inside an id)."""
    return re.search(rf"(?<![0-9A-Za-z]){re.escape(value)}(?![0-9A-Za-z])", text) is not None


def leaks(lines: list[dict[str, Any]], secrets: Secrets) -> list[str]:
    found = []
    for line in lines:
        # The timestamp's microseconds are six digits, like an OTP.
        text = json.dumps({key: value for key, value in line.items() if key != "time"})
        where = f"{line.get('logger')}: {line.get('message', '')[:120]!r}"
        if JWT.search(text):
            found.append(f"a JWT in {where}")
        for kind, values in (
            ("password", secrets.passwords),
            ("setting secret", secrets.settings),
            ("bank account number", secrets.bank_numbers),
        ):
            found += [f"a {kind} in {where}" for value in values if value in text]
        found += [f"an OTP in {where}" for code in secrets.otps if _standalone(code, text)]
    return found


def test_the_detector_finds_each_kind_of_secret():
    secrets = Secrets(
        passwords={"correct-horse-battery"},
        otps={"482913"},
        bank_numbers={"50100123456789"},
        settings={"rzp-webhook-secret-123"},
    )
    lines = [
        {"logger": "a", "message": "login with correct-horse-battery"},
        {"logger": "b", "message": "SMS: 482913 is your code"},
        {"logger": "c", "message": "payout", "account": "50100123456789"},
        {"logger": "d", "message": "signature with rzp-webhook-secret-123"},
        {"logger": "e", "message": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo0Mn0.c2lnbmF0dXJl"},
        # Not leaks: the OTP's digits inside a longer number or id, and in the timestamp.
        {"logger": "f", "message": "row 14829130 id a482913b", "time": "10:00:00.482913"},
    ]

    assert len(leaks(lines, secrets)) == 5


def test_the_whole_suite_logged_no_secret(request):
    if request.session.testscollected < WHOLE_SUITE_TESTS:
        pytest.skip("greps the log of the whole suite (make test); this run is a part of it")
    assert SUITE.log_file is not None
    found: list[str] = []
    count = 0
    with SUITE.log_file.open(encoding="utf-8") as log:  # line by line: it holds the whole suite
        for raw in log:
            if raw.strip():
                count += 1
                found += leaks([json.loads(raw)], SUITE)

    assert count > 100  # the capture worked
    assert SUITE.passwords
    assert SUITE.otps
    assert found == []
