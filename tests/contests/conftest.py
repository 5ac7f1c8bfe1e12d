from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contests.models import Contest, ContestEntry, ContestEntryFile
from tests.factories import UploadFactory


def make_contest(**fields: Any) -> Contest:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "title": "Birthday Bash",
        "slug": "birthday-bash",
        "start_date": today - timedelta(days=1),
        "end_date": today + timedelta(days=30),
        "is_published": True,
        "prizes": [{"title": "Free hall hire", "qty": 1, "details": None}],
        **fields,
    }
    return Contest.objects.create(**values)


_entry_number = 0


def make_entry(contest: Contest, **fields: Any) -> ContestEntry:
    global _entry_number
    _entry_number += 1
    values: dict[str, Any] = {
        "participant_name": "Anu Thomas",
        "email": f"anu{_entry_number}@example.com",
        "phone": "9812345678",
        "event_type": "birthday",
        "event_date": timezone.localdate() + timedelta(days=10),
        "reference_id": f"CT20261204{_entry_number:08X}",
        **fields,
    }
    return ContestEntry.objects.create(contest=contest, **values)


def make_proof(entry: ContestEntry, **fields: Any) -> ContestEntryFile:
    upload = UploadFactory(image=True, owner=None)
    values: dict[str, Any] = {
        "contest": entry.contest,
        "entry": entry,
        "upload": upload,
        "key": f"{upload.pk:032x}",
        "file_name": "invite.png",
        "file_type": "image/png",
        "file_size": upload.size,
        **fields,
    }
    return ContestEntryFile.objects.create(**values)


@pytest.fixture
def contest(db) -> Contest:
    return make_contest()
