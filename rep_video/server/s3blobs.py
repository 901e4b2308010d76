"""Blobs in an S3-compatible bucket, so several server instances share them (scale-out).

Uploads in progress are staged in the bucket too, one object per PATCH named by its offset,
so a PATCH may land on any instance; `finish` concatenates them into the final object."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from rep_video.server.blobs import CHUNK
from rep_video.server.settings import ServerSettings


class S3BlobStore:
    def __init__(self, settings: ServerSettings) -> None:
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix.strip("/")
        kwargs: dict[str, Any] = {
            "region_name": settings.s3_region,
            "config": Config(retries={"max_attempts": 3}, connect_timeout=5, read_timeout=60),
        }
        if settings.s3_endpoint_url:
            kwargs["endpoint_url"] = settings.s3_endpoint_url
        if settings.s3_access_key_id:
            kwargs["aws_access_key_id"] = settings.s3_access_key_id
            kwargs["aws_secret_access_key"] = settings.s3_secret_access_key
        self.s3: Any = boto3.client("s3", **kwargs)
        self.tmp_dir = settings.data_dir / "tmp"
        self.tmp_dir.mkdir(parents=True, exist_ok=True)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def ping(self) -> None:
        self.s3.head_bucket(Bucket=self.bucket)

    def size(self, key: str) -> int | None:
        try:
            head = self.s3.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError:
            return None
        return int(head["ContentLength"])

    def read_range(self, key: str, start: int, end: int) -> Iterator[bytes]:
        obj = self.s3.get_object(
            Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{end}"
        )
        body = obj["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def local_path(self, key: str) -> Path | None:
        return None

    def fetch_to(self, key: str, dst: Path) -> None:
        self.s3.download_file(self.bucket, self._key(key), str(dst))

    def delete(self, key: str) -> None:
        self.s3.delete_object(Bucket=self.bucket, Key=self._key(key))

    def keys_under(self, prefix: str) -> list[tuple[str, int]]:
        strip = len(self._key(""))
        found: list[tuple[str, int]] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix)
        ):
            for item in page.get("Contents", []):
                found.append((item["Key"][strip:], int(item["Size"])))
        return sorted(found)

    def _chunk_prefix(self, upload_id: str) -> str:
        return self._key(f"uploads/{upload_id}/")

    def _chunks(self, upload_id: str) -> list[tuple[int, str]]:
        prefix = self._chunk_prefix(upload_id)
        found: list[tuple[int, str]] = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=prefix
        ):
            for item in page.get("Contents", []):
                found.append((int(item["Key"][len(prefix) :]), item["Key"]))
        return sorted(found)

    def staging_path(self, upload_id: str) -> Path | None:
        return None

    def write_at(self, upload_id: str, offset: int, src: Path) -> None:
        # Chunks at or past this offset are stale (their offset update never happened).
        for start, key in self._chunks(upload_id):
            if start >= offset:
                self.s3.delete_object(Bucket=self.bucket, Key=key)
        self.s3.upload_file(str(src), self.bucket, f"{self._chunk_prefix(upload_id)}{offset:020d}")

    def has_staged(self, upload_id: str) -> bool:
        return bool(self._chunks(upload_id))

    def finish(self, upload_id: str, key: str) -> str:
        h = hashlib.sha256()
        with tempfile.NamedTemporaryFile(dir=self.tmp_dir, suffix=".part") as tmp:
            expected = 0
            for start, chunk_key in self._chunks(upload_id):
                if start != expected:
                    raise OSError(f"upload {upload_id}: gap in staged chunks at {expected}")
                body = self.s3.get_object(Bucket=self.bucket, Key=chunk_key)["Body"]
                for block in body.iter_chunks(CHUNK):
                    h.update(block)
                    tmp.write(block)
                    expected += len(block)
            tmp.flush()
            self.s3.upload_file(tmp.name, self.bucket, self._key(key))
        self.discard(upload_id)
        return h.hexdigest()

    def discard(self, upload_id: str) -> None:
        for _start, chunk_key in self._chunks(upload_id):
            self.s3.delete_object(Bucket=self.bucket, Key=chunk_key)
