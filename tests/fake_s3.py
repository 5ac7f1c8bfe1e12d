"""An S3-compatible server on loopback (moto's server mode, a thread of the test process, on a
free port of 127.0.0.1: never the internet), and the `bucket` fixture that points STORAGES at
a fresh bucket in it the way lebrq/settings.py does with AWS_STORAGE_BUCKET_NAME (a plugin of
tests/conftest.py).

moto and boto3 are imported when a test asks for them, not by every test run.
"""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"
REGION = "us-east-1"


@dataclass
class FakeBucket:
    """A bucket on the loopback S3 server, read with a plain boto3 client (not our storage)."""

    endpoint_url: str
    name: str
    client: Any  # a boto3 S3 client (boto3 ships no types)

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.name, Prefix=prefix
        )
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", ()))

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body

    def head(self, key: str) -> dict[str, Any]:
        answer: dict[str, Any] = self.client.head_object(Bucket=self.name, Key=key)
        return answer


def s3_client(endpoint_url: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def bucket_storages(endpoint_url: str, bucket_name: str, **options: Any) -> dict[str, Any]:
    """STORAGES' "default" and "invoices" entries as lebrq/settings.py makes them for a bucket
    (tests/lebrq/test_object_storage_settings.py checks the two agree)."""
    bucket_options = {
        "bucket_name": bucket_name,
        "endpoint_url": endpoint_url,
        "region_name": REGION,
        "addressing_style": "path",
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "querystring_expire": 600,
        "multipart_chunk_mb": 8,
        "upload_concurrency": 2,
        **options,
    }
    return {
        alias: {
            "BACKEND": "lebrq.bucket_storage.BucketStorage",
            "OPTIONS": {**bucket_options, "location": location},
        }
        for alias, location in (("default", "media"), ("invoices", "invoices"))
    }


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3 server in a thread on 127.0.0.1 and a free port; yields its URL."""
    from moto.server import ThreadedMotoServer

    # Its HTTP server logs every request at INFO (werkzeug's logger): not the suite's business.
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        werkzeug_log.setLevel(level)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as url:
        yield url


def new_bucket(endpoint_url: str) -> FakeBucket:
    client = s3_client(endpoint_url)
    name = f"lebrq-test-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=name)
    return FakeBucket(endpoint_url=endpoint_url, name=name, client=client)


@pytest.fixture
def bucket(settings: Any, s3_endpoint: str) -> FakeBucket:
    """A fresh, empty bucket that the uploads and PDFs of this test go to."""
    fake = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, **bucket_storages(s3_endpoint, fake.name)}
    return fake
