"""CPU-heavy work anyone can set off (password hashing, picture re-encoding) runs on threads
that lowered their own CPU priority (lebrq/low_priority.py, issue 19's abuse phase)."""

import contextvars
import hashlib
import io
import os
import sys
import threading

import pytest
from django.contrib.auth.hashers import (
    PBKDF2PasswordHasher,
    check_password,
    get_hasher,
    identify_hasher,
    make_password,
)
from django.utils.module_loading import import_string
from PIL import Image

from accounts import hashers
from lebrq import settings as project_settings
from lebrq.low_priority import run_low_priority
from uploads import images
from uploads.filetypes import PNG

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="per-thread nice is Linux's"
)


def own_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def where() -> tuple[int, int]:
    """The calling thread's id and nice value."""
    return threading.get_native_id(), own_nice()


@linux_only
def test_the_work_runs_on_another_thread_at_a_lower_priority(settings):
    settings.LOW_PRIORITY_NICE = 7
    caller_id, caller_nice = where()

    worker_id, worker_nice = run_low_priority(where)

    assert worker_id != caller_id
    assert worker_nice == min(19, caller_nice + 7)
    assert own_nice() == caller_nice, "the caller's own priority is left alone"


def test_results_exceptions_and_context_come_back(settings):
    settings.LOW_PRIORITY_NICE = 10
    request_id = contextvars.ContextVar("request_id", default="-")
    request_id.set("req-42")

    def fails() -> None:
        raise ValueError("corrupt")

    assert run_low_priority(divmod, 17, 5) == (3, 2)
    assert run_low_priority(request_id.get) == "req-42"
    with pytest.raises(ValueError, match="corrupt"):
        run_low_priority(fails)


def test_work_started_from_a_low_priority_thread_runs_there(settings):
    """Nested calls (a hasher verifying through encode) must not wait for a free thread of
    the same pool: with every thread waiting, that would never come."""
    settings.LOW_PRIORITY_NICE = 10

    outer, inner = run_low_priority(lambda: (where()[0], run_low_priority(where)[0]))

    assert outer == inner


def test_zero_runs_the_work_in_the_callers_thread(settings):
    settings.LOW_PRIORITY_NICE = 0

    assert run_low_priority(where) == where()


def test_the_project_hashes_passwords_with_the_low_priority_pbkdf2():
    """First (new hashes use it) and alone under its algorithm name: a later hasher with the
    same name would be the one that verifies."""
    loaded = [import_string(path) for path in project_settings.PASSWORD_HASHERS]

    assert loaded[0] is hashers.LowPriorityPBKDF2PasswordHasher
    assert [h.algorithm for h in loaded].count("pbkdf2_sha256") == 1
    assert loaded[-1] is hashers.LegacyPBKDF2SHA256PasswordHasher


@pytest.fixture
def production_hashers(settings, monkeypatch):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    settings.LOW_PRIORITY_NICE = 10
    # Fewer rounds than production: the point is where they run, not how long.
    monkeypatch.setattr(PBKDF2PasswordHasher, "iterations", 1000)


def test_hashes_are_djangos_and_are_made_and_checked_on_a_low_priority_thread(
    production_hashers, monkeypatch
):
    threads: list[str] = []
    compute = PBKDF2PasswordHasher.encode

    def spy(self, password, salt, iterations=None):
        threads.append(threading.current_thread().name)
        return compute(self, password, salt, iterations)

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", spy)

    ours = make_password("a-long-passphrase-42")
    checked = check_password("a-long-passphrase-42", ours)
    wrong = check_password("not-it", ours)
    ran_on = list(threads)

    assert checked
    assert not wrong
    assert len(ran_on) == 3
    assert all(name.startswith("low-priority") for name in ran_on)
    assert identify_hasher(ours).algorithm == "pbkdf2_sha256"
    # What Django's own hasher makes and checks: either reads the other's hashes.
    stock = PBKDF2PasswordHasher()
    assert stock.verify("a-long-passphrase-42", ours)
    assert check_password("x-phrase", stock.encode("x-phrase", stock.salt()))
    assert isinstance(get_hasher("default"), hashers.LowPriorityPBKDF2PasswordHasher)


def test_legacy_hashes_are_checked_on_a_low_priority_thread(production_hashers, monkeypatch):

    salt = b"legacy-salt"
    digest = hashlib.pbkdf2_hmac("sha256", b"old-secret", salt, 1000)
    stored = hashers.from_legacy_hash(
        f"$pbkdf2-sha256$1000${hashers.ab64_encode(salt)}${hashers.ab64_encode(digest)}"
    )
    assert stored is not None
    threads: list[str] = []
    real = hashlib.pbkdf2_hmac

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", spy)

    assert check_password("old-secret", stored, setter=lambda _: None)
    assert threads
    assert threads[0].startswith("low-priority")


def test_pictures_are_decoded_and_re_encoded_on_a_low_priority_thread(settings, monkeypatch):
    settings.LOW_PRIORITY_NICE = 10
    threads: list[str] = []
    reencode = images._reencode

    def spy(image, *args):
        threads.append(threading.current_thread().name)
        return reencode(image, *args)

    monkeypatch.setattr(images, "_reencode", spy)
    source, clean = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(source, format="PNG")

    size = images.reencode_image(source, clean, PNG, label="x")

    assert size == (64, 48)
    assert len(threads) == 1
    assert threads[0].startswith("low-priority")
    clean.seek(0)
    assert Image.open(clean).getpixel((0, 0)) == (200, 30, 30)
