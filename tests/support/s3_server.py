"""A real S3-compatible server process (moto_server from moto[server]) on a random port.

from tests.support.s3_server import running_s3, s3_server  # fixture (session scope)

with running_s3() as s3:
    client = s3.client(); client.create_bucket(Bucket="b")
    env = s3.server_env("b")   # REP_VIDEO_SERVER_S3_* for the share server
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import httpx
import pytest

from rep_video.child_process import stop_child
from tests.support.server_process import free_port

ACCESS_KEY = "testing"
SECRET_KEY = "testing"
REGION = "us-east-1"


@dataclass
class S3Server:
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name

    def server_env(self, bucket: str) -> dict[str, str]:
        """Environment that points `rep-video serve` at this bucket."""
        return {
            "REP_VIDEO_SERVER_S3_BUCKET": bucket,
            "REP_VIDEO_SERVER_S3_ENDPOINT_URL": self.endpoint_url,
            "REP_VIDEO_SERVER_S3_REGION": REGION,
            "REP_VIDEO_SERVER_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "REP_VIDEO_SERVER_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@contextlib.contextmanager
def running_s3(timeout: float = 30.0) -> Iterator[S3Server]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = S3Server(port, proc)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError("moto_server exited at start")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{server.endpoint_url}/moto-api/", timeout=2).status_code < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("moto_server did not answer")
            time.sleep(0.1)
        yield server
    finally:
        stop_child(proc)


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    with running_s3() as server:
        yield server
