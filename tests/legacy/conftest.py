import pytest

from tests.legacy import legacy_db


@pytest.fixture(autouse=True)
def _legacy_hasher_too(settings):
    # The suite's fast MD5 hasher stays the default (new hashes); the legacy one verifies.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "accounts.hashers.LegacyPBKDF2SHA256PasswordHasher",
    ]


@pytest.fixture
def legacy_source():
    """The invented legacy database (MariaDB), rebuilt for each test and dropped after."""
    legacy_db.build()
    yield legacy_db.SOURCE_URL
    legacy_db.drop()


@pytest.fixture
def legacy_files(tmp_path):
    root = tmp_path / "legacy-uploads"
    for name, content in legacy_db.FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return root
