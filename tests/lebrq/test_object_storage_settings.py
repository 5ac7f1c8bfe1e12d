"""STORAGES from the environment (lebrq/settings.py): without AWS_STORAGE_BUCKET_NAME the local
disk as before and no boto3 in the process; with it, the bucket storages the object-storage
tests use (tests/fake_s3.py), which must match what production gets."""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.fake_s3 import bucket_storages

ROOT = Path(__file__).resolve().parents[2]
BUCKET_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_QUERYSTRING_EXPIRE",
    "AWS_S3_MULTIPART_CHUNK_MB",
    "AWS_S3_UPLOAD_CONCURRENCY",
)
PROGRAM = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lebrq.settings")
import django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from lebrq.object_storage import in_bucket, pdf_bucket
print(json.dumps({
    "storages": settings.STORAGES,
    "boto3_imported": "boto3" in sys.modules,
    "uploads_in_bucket": in_bucket(default_storage),
    "pdfs_in_bucket": pdf_bucket() is not None,
}))
"""


def _loaded_with(**environment: str) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if key not in BUCKET_VARIABLES}
    env.update(SECRET_KEY="settings-test", DATABASE_URL="sqlite:///:memory:", **environment)
    loaded = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr
    result: dict[str, Any] = json.loads(loaded.stdout)
    return result


def test_without_a_bucket_files_stay_on_the_disk_and_boto3_is_not_loaded():
    result = _loaded_with()

    assert result["storages"]["default"] == {
        "BACKEND": "django.core.files.storage.FileSystemStorage"
    }
    assert "invoices" not in result["storages"]
    assert result == {**result, "uploads_in_bucket": False, "pdfs_in_bucket": False}
    assert result["boto3_imported"] is False  # ~21 MB a worker does not pay


def test_with_a_bucket_uploads_and_pdfs_go_to_it_as_the_tests_configure_it():
    result = _loaded_with(
        AWS_STORAGE_BUCKET_NAME="lebrq-files",
        AWS_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_S3_ADDRESSING_STYLE="path",
    )

    expected = bucket_storages("http://127.0.0.1:9000", "lebrq-files")
    for alias in ("default", "invoices"):
        options = dict(expected[alias]["OPTIONS"])
        # The tests pass moto's keys; production reads AWS_ACCESS_KEY_ID and
        # AWS_SECRET_ACCESS_KEY from the environment (django-storages) or boto3's chain.
        del options["access_key"], options["secret_key"]
        assert result["storages"][alias] == {**expected[alias], "OPTIONS": options}
    assert result["uploads_in_bucket"] is True
    assert result["pdfs_in_bucket"] is True
    assert result["boto3_imported"] is True  # at start (lebrq.apps), shared by preload


def test_the_part_size_concurrency_and_link_lifetime_are_knobs():
    result = _loaded_with(
        AWS_STORAGE_BUCKET_NAME="lebrq-files",
        AWS_QUERYSTRING_EXPIRE="120",
        AWS_S3_MULTIPART_CHUNK_MB="16",
        AWS_S3_UPLOAD_CONCURRENCY="4",
    )

    options = result["storages"]["default"]["OPTIONS"]
    assert options["endpoint_url"] is None  # AWS itself
    assert (options["querystring_expire"], options["multipart_chunk_mb"]) == (120, 16)
    assert options["upload_concurrency"] == 4
