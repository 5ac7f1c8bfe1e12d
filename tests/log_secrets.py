"""Capture what the whole suite logs, and every secret it handled, for the last test to grep.

A pytest plugin (tests/conftest.py lists it). Each log record at INFO and above, the level
production logs at, is written as production writes it (settings.LOGGING's JSON formatter and
request filter) to var/test-logs/. Meanwhile the plugin remembers the secrets the suite handles:
every raw password a user is saved with, every OTP generated, every bank account number saved,
and every secret-named setting a test sets. tests/test_log_secrets.py runs last and looks for
each of them, and for any JWT, in the captured lines.
"""

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LOG_DIRECTORY = ROOT / "var" / "test-logs"
LAST_TEST = "tests/test_log_secrets.py::test_the_whole_suite_logged_no_secret"

# Settings named like a secret (not AXES_PASSWORD_FORM_FIELD, which names a form field).
SECRET_SETTING = re.compile(r"(SECRET|SECRET_KEY|TOKEN|PASSWORD|API_KEY)$")
BANK_FIELDS = ("bank_account_number", "account_number")


@dataclass
class Secrets:
    passwords: set[str] = field(default_factory=set)
    otps: set[str] = field(default_factory=set)
    bank_numbers: set[str] = field(default_factory=set)
    settings: set[str] = field(default_factory=set)
    log_file: Path | None = None


SUITE = Secrets()


def _remember_password(sender: Any, instance: Any, **kwargs: Any) -> None:
    # set_password() keeps the raw password on the instance until the save that stores it.
    raw = getattr(instance, "_password", None)
    if isinstance(raw, str) and len(raw) >= 8:
        SUITE.passwords.add(raw)


def _remember_bank_numbers(sender: Any, instance: Any, **kwargs: Any) -> None:
    for name in BANK_FIELDS:
        value = getattr(instance, name, None)
        if isinstance(value, str) and len(value.strip()) >= 6:
            SUITE.bank_numbers.add(value.strip())


def _remember_secret_setting(*, setting: str, value: Any, enter: bool, **kwargs: Any) -> None:
    if enter and SECRET_SETTING.search(setting) and isinstance(value, str) and len(value) >= 8:
        SUITE.settings.add(value)


@pytest.fixture(scope="session", autouse=True)
def _capture_the_suite_log() -> Iterator[None]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save, pre_save
    from django.test.signals import setting_changed
    from pythonjsonlogger.json import JsonFormatter

    import accounts.otp
    from lebrq.logs import RequestContextFilter
    from tests.factories import PASSWORD

    LOG_DIRECTORY.mkdir(parents=True, exist_ok=True)
    SUITE.log_file = LOG_DIRECTORY / f"suite-{os.getpid()}.jsonl"
    handler = logging.FileHandler(SUITE.log_file, mode="w", encoding="utf-8")
    logging_config: dict[str, Any] = settings.LOGGING
    options = {k: v for k, v in logging_config["formatters"]["json"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(RequestContextFilter())
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)

    SUITE.passwords.update({PASSWORD, "demo-pass-123", "staff-pass-123", "vendor-pass-123"})
    SUITE.settings.update(
        str(value)
        for name in dir(settings)
        if name.isupper() and SECRET_SETTING.search(name)
        for value in [getattr(settings, name)]
        if isinstance(value, str) and len(value) >= 8
    )
    generate = accounts.otp.new_otp_code

    def recorded_code() -> str:
        code = generate()
        SUITE.otps.add(code)
        return code

    accounts.otp.new_otp_code = recorded_code
    pre_save.connect(_remember_password, sender=get_user_model(), dispatch_uid="log-secrets-pw")
    post_save.connect(_remember_bank_numbers, dispatch_uid="log-secrets-bank")
    setting_changed.connect(_remember_secret_setting, dispatch_uid="log-secrets-settings")
    try:
        yield
    finally:
        setting_changed.disconnect(dispatch_uid="log-secrets-settings")
        post_save.disconnect(dispatch_uid="log-secrets-bank")
        pre_save.disconnect(sender=get_user_model(), dispatch_uid="log-secrets-pw")
        accounts.otp.new_otp_code = generate
        root.removeHandler(handler)
        handler.close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The grep runs after every other test of the session."""
    last = [item for item in items if item.nodeid == LAST_TEST]
    items[:] = [item for item in items if item.nodeid != LAST_TEST] + last
