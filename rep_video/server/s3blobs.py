"""Blobs in an S3-compatible bucket, so several server instances share them (scale-out).

Uploads in progress are staged in the bucket too, one object per PATCH named by its offset,
so a PATCH may land on any instance; `finish` concatenates them into the final object.

`compose` is a multipart upload of the final object: ranges of at least 5 MiB (S3's smallest
part) are copied inside the bucket (upload-part-copy), the rest goes through this server. Every
byte is still read once, to check the sha256 before the upload is completed (aborted
otherwise): a copy is not seen by the server, and the checked result is the point."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from rep_video.server.blobs import CHUNK, BlobRange, ComposePart
from rep_video.server.settings import ServerSettings

MIN_PART = 5 * 1024 * 1024  # S3's smallest part (but the last)
MAX_COPY = 5 * 1024**3  # S3's largest part


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

    def compose(self, upload_id: str, key: str, parts: Sequence[ComposePart], sha256: str) -> str:
        job = _MultipartCompose(self, self._key(key))
        try:
            digest = job.run(parts)
        except ClientError as exc:  # a range's object gone or shorter: the caller's OSError
            job.abort()
            raise OSError(str(exc)) from exc
        except BaseException:
            job.abort()
            raise
        if digest != sha256:
            job.abort()
        else:
            job.complete()
        return digest


class _MultipartCompose:
    """One compose as a multipart upload: bytes are gathered into parts of at least MIN_PART,
    and a range long enough to leave MIN_PART after topping the current part up is copied."""

    def __init__(self, store: S3BlobStore, dest: str) -> None:
        self.store, self.s3, self.bucket, self.dest = store, store.s3, store.bucket, dest
        made = self.s3.create_multipart_upload(Bucket=self.bucket, Key=dest)
        self.upload_id: str = made["UploadId"]
        self.parts: list[dict[str, Any]] = []
        self.buffer = bytearray()
        self.digest = hashlib.sha256()

    def run(self, parts: Sequence[ComposePart]) -> str:
        for part in parts:
            if isinstance(part, bytes):
                self._gather(part)
            else:
                self._range(part)
        if self.buffer or not self.parts:
            self._put()
        return self.digest.hexdigest()

    def _gather(self, data: bytes) -> None:
        self.digest.update(data)
        self.buffer += data
        if len(self.buffer) >= MIN_PART:
            self._put()

    def _put(self) -> None:
        number = len(self.parts) + 1
        answer = self.s3.upload_part(
            Bucket=self.bucket, Key=self.dest, UploadId=self.upload_id,
            PartNumber=number, Body=bytes(self.buffer),
        )  # fmt: skip
        self.parts.append({"PartNumber": number, "ETag": answer["ETag"]})
        self.buffer.clear()

    def _range(self, part: BlobRange) -> None:
        top_up = MIN_PART - len(self.buffer) if self.buffer else 0
        rest = part.length - top_up
        copies: list[tuple[int, int]] = []  # (start inside the part, length) copied in S3
        copy_from = copy_to = part.length  # nothing copied: every byte is gathered
        if rest >= MIN_PART:
            copy_from = copy_to = top_up
            while rest >= MIN_PART:  # never leaves a remainder under MIN_PART
                n = rest if rest <= MAX_COPY else min(MAX_COPY, rest - MIN_PART)
                copies.append((copy_to, n))
                copy_to, rest = copy_to + n, rest - n
        seen = 0
        end = part.offset + part.length - 1
        for block in self.store.read_range(part.key, part.offset, end):
            lo, hi = seen, seen + len(block)
            pos = lo
            while pos < hi:
                if pos < copy_from or pos >= copy_to:
                    stop = min(hi, copy_from) if pos < copy_from else hi
                    self._gather(block[pos - lo : stop - lo])
                else:
                    if pos == copy_from:  # the gathered part is complete: the copies follow
                        for start, n in copies:
                            self._copy(part, start, n)
                    stop = min(hi, copy_to)
                    self.digest.update(block[pos - lo : stop - lo])
                pos = stop
            seen = hi
        if seen != part.length:
            raise OSError(f"{part.key} is shorter than {part.offset + part.length}")

    def _copy(self, part: BlobRange, start: int, length: int) -> None:
        if self.buffer:
            self._put()
        number = len(self.parts) + 1
        first = part.offset + start
        answer = self.s3.upload_part_copy(
            Bucket=self.bucket, Key=self.dest, UploadId=self.upload_id, PartNumber=number,
            CopySource={"Bucket": self.bucket, "Key": self.store._key(part.key)},
            CopySourceRange=f"bytes={first}-{first + length - 1}",
        )  # fmt: skip
        self.parts.append({"PartNumber": number, "ETag": answer["CopyPartResult"]["ETag"]})

    def complete(self) -> None:
        self.s3.complete_multipart_upload(
            Bucket=self.bucket, Key=self.dest, UploadId=self.upload_id,
            MultipartUpload={"Parts": self.parts},
        )  # fmt: skip

    def abort(self) -> None:
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key=self.dest, UploadId=self.upload_id)
