"""The bucket's storage class (STORAGES' BACKEND with AWS_STORAGE_BUCKET_NAME; docs/SCALING.md,
Files). Imported only with a bucket: boto3 and django-storages cost ~21 MB per process.
"""

import os
import threading
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from storages.backends.s3 import S3Storage

MIB = 1024 * 1024


class BucketStorage(S3Storage):  # type: ignore[misc]  # django-storages ships no types
    """django-storages' S3Storage with bounded upload memory, one client per process, and the
    stored Content-Type taken from our own file name.

    - Memory: a file is sent as a multipart upload of `multipart_chunk_mb` parts, at most
      `upload_concurrency` of them in flight and as many read ahead, so one upload holds about
      2 x concurrency x chunk bytes whatever the file's size (s3transfer's defaults hold ten
      8 MiB parts read ahead).
    - Client: django-storages makes a boto3 session and resource per thread, and Django's
      ASGI handler runs each request's sync code in a new thread: ~85 ms of CPU per request to
      load the S3 model again. One resource per process is shared instead (its client is
      thread-safe; django-storages already shares the bucket object across threads), made
      again in a forked child.
    - Content-Type: S3Storage prefers the uploaded file's content_type, which is what the
      client claimed; our stored names carry the extension of the sniffed type, so the name
      alone decides.
    """

    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        return {
            **defaults,
            "multipart_chunk_mb": 8,
            "upload_concurrency": 2,
            # Connections kept to the bucket per process (one client for every thread).
            "max_pool_connections": 32,
            # Signature V4: what AWS requires in every region, and what S3-compatible services
            # take; botocore's default would presign with the legacy V2.
            "signature_version": "s3v4",
        }

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        chunk = self.multipart_chunk_mb * MIB
        transfer = TransferConfig(
            multipart_threshold=chunk,
            multipart_chunksize=chunk,
            max_concurrency=self.upload_concurrency,
        )
        # s3transfer's own knob (boto3's TransferConfig does not take it as an argument): parts
        # read ahead of the ones being sent, 10 by default.
        transfer.max_in_memory_upload_chunks = self.upload_concurrency
        self.transfer_config = transfer
        self.client_config = Config(
            s3={"addressing_style": self.addressing_style},
            signature_version=self.signature_version,
            proxies=self.proxies,
            max_pool_connections=self.max_pool_connections,
            # A bucket that does not answer must not hold a request's thread for botocore's
            # 60 s defaults; standard mode retries throttling and 5xx answers.
            connect_timeout=5,
            read_timeout=30,
            retries={"mode": "standard", "max_attempts": 3},
        )
        self._process_connection: tuple[int, Any] | None = None
        self._connection_lock = threading.Lock()

    @property
    def connection(self) -> Any:
        cached = self._process_connection
        if cached is not None and cached[0] == os.getpid():
            return cached[1]
        with self._connection_lock:
            cached = self._process_connection
            if cached is None or cached[0] != os.getpid():
                resource = self._create_session().resource(
                    "s3",
                    region_name=self.region_name,
                    use_ssl=self.use_ssl,
                    endpoint_url=self.endpoint_url,
                    config=self.client_config,
                    verify=self.verify,
                )
                # The bucket object S3Storage caches belongs to a client: a forked child's
                # is made again from its own.
                self._bucket = None
                cached = self._process_connection = (os.getpid(), resource)
        return cached[1]

    def __getstate__(self) -> dict[str, Any]:
        state: dict[str, Any] = super().__getstate__()
        state.pop("_process_connection", None)
        state.pop("_connection_lock", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        self._process_connection = None
        self._connection_lock = threading.Lock()

    def _get_write_parameters(self, name: str, content: Any = None) -> dict[str, Any]:
        parameters: dict[str, Any] = super()._get_write_parameters(name, None)
        return parameters

    def copy(self, source: str, target: str) -> None:
        """Copy one stored file to another name inside the bucket (no byte passes here)."""
        source_key = self._normalize_name(source)
        self.bucket.Object(self._normalize_name(target)).copy_from(
            CopySource={"Bucket": self.bucket_name, "Key": source_key}
        )

    def bucket_identity(self) -> tuple[str, str]:
        """Which bucket this is (endpoint, name): the storages of one bucket share it."""
        return (self.endpoint_url or "", self.bucket_name)

    def check_reachable(self) -> None:
        """Raise unless the bucket answers a HeadBucket with these credentials."""
        self.connection.meta.client.head_bucket(Bucket=self.bucket_name)

    def download_url(
        self,
        name: str,
        *,
        method: str,
        content_type: str,
        disposition: str | None,
        cache_control: str,
    ) -> str:
        """A presigned URL answering `method` (GET or HEAD) for the file, valid for
        querystring_expire seconds, whose answer carries these headers (S3's response-*
        overrides) whatever was stored."""
        parameters = {"ResponseContentType": content_type, "ResponseCacheControl": cache_control}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        url: str = self.url(name, parameters=parameters, http_method=method)
        return url
