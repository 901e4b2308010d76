"""A big file as an S3 multipart upload that resumes: the UploadId is kept in the
reservation, and after an interruption `list_parts` tells what the bucket already has, so only
the missing parts are sent again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rep_video.errors import UserError
from rep_video.progress import CancelToken
from rep_video.share.targets.meter import UploadMeter
from rep_video.share.targets.s3_bucket import Bucket, file_headers

PART_SIZE = 8 * 1024 * 1024  # S3 wants ≥ 5 MiB for every part but the last
MIN_PART_SIZE = 5 * 1024 * 1024


class Multipart:
    """Sends files of one share in parts of `part_size` bytes. `uploads` (file name →
    UploadId) is the share's resumable state; `saved` is called whenever it changes."""

    def __init__(
        self,
        bucket: Bucket,
        uploads: dict[str, str],
        saved: Callable[[], None],
        part_size: int = PART_SIZE,
    ) -> None:
        self.bucket = bucket
        self.uploads = uploads
        self.saved = saved
        self.part_size = max(part_size, MIN_PART_SIZE)

    def send(
        self, key: str, name: str, path: Path, meter: UploadMeter, cancel: CancelToken
    ) -> None:
        have: dict[int, tuple[str, int]] = {}
        if name in self.uploads:
            try:
                have = self._parts_on_bucket(key, self.uploads[name], cancel)
            except UserError:
                self.uploads.pop(name)  # aborted or expired on the bucket's side: start anew
        if name not in self.uploads:
            created = self.bucket.request(
                "create_multipart_upload", cancel, Key=key, **file_headers(name)
            )
            self.uploads[name] = created["UploadId"]
            self.saved()
        upload_id = self.uploads[name]
        size = path.stat().st_size
        count = (size + self.part_size - 1) // self.part_size
        etags: dict[int, str] = {}
        with open(path, "rb") as f:
            for number in range(1, count + 1):
                length = min(self.part_size, size - (number - 1) * self.part_size)
                if number in have and have[number][1] == length:
                    etags[number] = have[number][0]
                    meter.add(length, name, sent=False)
                    continue
                cancel.raise_if_cancelled()
                f.seek((number - 1) * self.part_size)
                data = f.read(length)
                answer = self.bucket.request(
                    "upload_part", cancel, Key=key, UploadId=upload_id, PartNumber=number, Body=data
                )
                etags[number] = answer["ETag"]
                meter.add(length, name)
        parts = [{"PartNumber": n, "ETag": etags[n]} for n in sorted(etags)]
        self.bucket.request(
            "complete_multipart_upload",
            cancel,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": parts},
        )
        self.uploads.pop(name, None)

    def _parts_on_bucket(
        self, key: str, upload_id: str, cancel: CancelToken
    ) -> dict[int, tuple[str, int]]:
        """Part number → (ETag, size) of what the bucket holds of an unfinished upload."""
        have: dict[int, tuple[str, int]] = {}
        marker = 0
        while True:
            page = self.bucket.request(
                "list_parts", cancel, Key=key, UploadId=upload_id, PartNumberMarker=marker
            )
            for part in page.get("Parts", []):
                have[int(part["PartNumber"])] = (str(part["ETag"]), int(part["Size"]))
            if not page.get("IsTruncated"):
                return have
            marker = int(page["NextPartNumberMarker"])
